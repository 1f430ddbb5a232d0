"""Zilliz Cloud and Milvus: their kinds of job (imports.py), what they share (api.py) and the
simulator stand-in (sim.py). A kind is one class and one line below."""

from jobwatch.providers.base import ProviderEntry
from jobwatch.providers.zilliz.imports import ImportJob

PROVIDER = ProviderEntry(
    "zilliz",
    "Zilliz Cloud and Milvus import jobs: POST /v2/vectordb/jobs/import/getProgress, or on "
    "a self-hosted Milvus (--base-url http://host:19530) /describe, no cluster id.",
    kinds=(ImportJob,),
)
