"""Coze: its kinds of job (documents.py, workflows.py, chats.py), what they share (api.py) and
the simulator stand-in (sim.py). A kind is one class and one line below."""

from jobwatch.providers.base import ProviderEntry
from jobwatch.providers.coze.chats import Chat
from jobwatch.providers.coze.documents import Document
from jobwatch.providers.coze.workflows import WorkflowRun

PROVIDER = ProviderEntry(
    "coze",
    "Coze knowledge-base documents, workflow runs and chats: POST /v1/datasets/{id}/process "
    "(one request for all documents); --kind workflow: async workflow runs; --kind chat: "
    "non-stream chats.",
    kinds=(
        Document,
        WorkflowRun,
        Chat,
    ),
)
