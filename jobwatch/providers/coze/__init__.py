"""Coze: its kinds of job (documents.py), what they share (api.py) and the simulator stand-in
(sim.py). A kind is one class and one line below."""

from jobwatch.providers.base import ProviderEntry
from jobwatch.providers.coze.documents import Document

PROVIDER = ProviderEntry(
    "coze",
    "Coze knowledge-base documents: POST /v1/datasets/{id}/process (one request for all).",
    kinds=(Document,),
)
