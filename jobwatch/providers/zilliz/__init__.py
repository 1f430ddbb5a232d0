"""Zilliz Cloud and Milvus: their kinds of job (imports.py, jobs.py), what they share (api.py)
and the simulator stand-in (sim.py). A kind is one class and one line below."""

from jobwatch.providers.base import ProviderEntry
from jobwatch.providers.zilliz.imports import ImportJob
from jobwatch.providers.zilliz.jobs import CloudJob

PROVIDER = ProviderEntry(
    "zilliz",
    "Zilliz Cloud and Milvus import jobs, and Zilliz Cloud's other jobs: POST "
    "/v2/vectordb/jobs/import/getProgress, or on a self-hosted Milvus (--base-url "
    "http://host:19530) /describe, no cluster id; --kind job: Zilliz Cloud control-plane "
    "jobs (backups, restores, migrations and more), GET /v2/jobs/{id}.",
    kinds=(
        ImportJob,
        CloudJob,
    ),
)
