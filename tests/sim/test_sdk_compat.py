"""The providers' own Python clients read the simulator as they read the real services.

Each SDK is optional: these tests skip where it is not installed. To run them:
    python -m venv /tmp/sdkvenv
    /tmp/sdkvenv/bin/pip install -e . pytest firecrawl-py cozepy "pymilvus[bulk_writer]"
    /tmp/sdkvenv/bin/pytest tests/sim/test_sdk_compat.py -q
"""

from __future__ import annotations

import gc
import io
import warnings
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest

from jobwatch.sim import SimServer, start_sim
from tests.sim._support import poll_until

# The SDKs' own imports warn about their dependencies (authlib, ...), and their clients leave
# sockets for the garbage collector (cozepy never closes its httpx client): not the simulator's.
pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture(autouse=True)
def collect_sdk_sockets() -> Iterator[None]:
    """Collect the SDKs' leftover sockets here, not in some later test that warns on them."""
    yield
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gc.collect()


def sdk(name: str) -> ModuleType:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pytest.importorskip(name)


@pytest.fixture
def fast_sim() -> Iterator[SimServer]:
    with start_sim(port=0, speed=50) as server:
        yield server


# --- firecrawl-py -----------------------------------------------------------------------------


@pytest.fixture
def firecrawl(fast_sim: SimServer) -> Any:
    module = sdk("firecrawl")
    return module.Firecrawl(api_key="fc-test", api_url=fast_sim.base_url)


def test_firecrawl_reads_batch_status_until_completed(firecrawl: Any) -> None:
    first = firecrawl.get_batch_scrape_status("b1")
    assert (first.status, first.total) == ("scraping", 20)
    done = poll_until(
        lambda: firecrawl.get_batch_scrape_status("b1"), lambda job: job.status == "completed"
    )
    assert (done.completed, done.total, done.credits_used, len(done.data)) == (20, 20, 20, 20)
    assert done.data[0].metadata.source_url == "https://example.com/b1/page-0"
    assert done.expires_at is not None


def test_firecrawl_follows_next_pages_of_a_finished_crawl(firecrawl: Any) -> None:
    done = poll_until(
        lambda: firecrawl.get_crawl_status("c-big"), lambda job: job.status == "completed"
    )
    assert (done.total, len(done.data)) == (100, 100)  # ten 10 MB pages joined by the SDK


def test_firecrawl_stops_at_the_repeated_cursor_of_a_running_job(firecrawl: Any) -> None:
    running = poll_until(
        lambda: firecrawl.get_crawl_status("c-slow"), lambda job: job.completed > 0
    )
    assert running.status == "scraping"
    assert len(running.data) == running.completed


def test_firecrawl_kickoff_failure_raises_with_its_text(firecrawl: Any) -> None:
    errors = sdk("firecrawl.v2.utils.error_handler")
    with pytest.raises(errors.FirecrawlError, match="scrape queue is full"):
        firecrawl.get_batch_scrape_status("b-startfail")


def test_firecrawl_reads_a_failed_status_without_raising(firecrawl: Any) -> None:
    for read in (firecrawl.get_batch_scrape_status, firecrawl.get_crawl_status):
        failed = poll_until(lambda r=read: r("x-fail"), lambda job: job.status != "scraping")
        assert failed.status == "failed" and 0 < failed.completed < failed.total
        assert len(failed.data) == failed.completed
    assert len(firecrawl.get_crawl_errors("x-fail").errors) == 3


def test_firecrawl_error_classes(firecrawl: Any, fast_sim: SimServer) -> None:
    module = sdk("firecrawl")
    errors = sdk("firecrawl.v2.utils.error_handler")
    with pytest.raises(errors.FirecrawlError, match="Job not found"):
        firecrawl.get_crawl_status("c-gone")
    with pytest.raises(errors.RateLimitError):
        firecrawl.get_crawl_status("c-429")
    rejected = module.Firecrawl(api_key="bad-key", api_url=fast_sim.base_url)
    with pytest.raises(errors.UnauthorizedError):
        rejected.get_crawl_status("c1")


def test_firecrawl_retries_through_the_flaky_proxy(firecrawl: Any) -> None:
    # firecrawl-py retries a 502 and a dropped connection itself (PROVIDERS.md [FC-SDK]).
    assert firecrawl.get_batch_scrape_status("b-flaky").status in ("scraping", "completed")


def test_firecrawl_reads_the_errors_endpoint(firecrawl: Any) -> None:
    done = poll_until(
        lambda: firecrawl.get_batch_scrape_status("b-partial"),
        lambda job: job.status == "completed",
    )
    assert (done.completed, done.total) == (12, 40)
    report = firecrawl.get_batch_scrape_errors("b-partial")
    assert len(report.errors) == 28 and report.robots_blocked == []
    assert report.errors[0].url == "https://example.com/b-partial/page-12"
    assert report.errors[0].code == "SCRAPE_SITE_ERROR" and report.errors[2].timestamp is None
    assert firecrawl.get_crawl_errors("c1").errors == []


def test_firecrawl_lists_and_cancels_crawls(firecrawl: Any) -> None:
    firecrawl.get_crawl_status("c-run-slow")
    firecrawl.get_crawl_status("c-done")
    active = firecrawl.get_active_crawls()
    assert active.success and [c.id for c in active.crawls] == ["c-run-slow", "c-done"]
    assert active.crawls[0].url == "https://example.com/docs"
    assert firecrawl.cancel_crawl("c-run-slow") is True
    assert firecrawl.get_crawl_status("c-run-slow").status == "cancelled"
    poll_until(lambda: firecrawl.get_crawl_status("c-done"), lambda j: j.status == "completed")
    assert firecrawl.cancel_crawl("c-done") is False  # HTTP 409: already completed
    assert firecrawl.get_active_crawls().crawls == []
    assert firecrawl.cancel_batch_scrape("b-run-slow") is True
    assert firecrawl.get_batch_scrape_status("b-run-slow").status == "cancelled"


def test_firecrawl_reads_agent_status_until_completed(firecrawl: Any) -> None:
    first = firecrawl.get_agent_status("a1")
    assert (first.success, first.status, first.model) == (True, "processing", "spark-1-pro")
    assert first.expires_at is not None and first.credits_used is None
    done = poll_until(lambda: firecrawl.get_agent_status("a1"), lambda j: j.status != "processing")
    assert (done.status, done.credits_used) == ("completed", 15)
    assert done.data["title"] == "Example Domain"


def test_firecrawl_reads_the_agents_credit_stop_without_raising(firecrawl: Any) -> None:
    failed = poll_until(
        lambda: firecrawl.get_agent_status("a-fail"), lambda j: j.status != "processing"
    )
    assert (failed.success, failed.status) == (True, "failed")
    assert (failed.stop_reason, failed.error) == (
        "credit_limit_reached",
        "Agent reached max credits",
    )
    assert failed.partial is not None and failed.partial_schema_valid is False


def test_firecrawl_cancels_an_agent(firecrawl: Any) -> None:
    errors = sdk("firecrawl.v2.utils.error_handler")
    firecrawl.get_agent_status("a-run-slow")
    assert firecrawl.cancel_agent("a-run-slow") is True
    # firecrawl-py raises on the 409 of a finished agent (it special-cases only crawls).
    with pytest.raises(errors.FirecrawlError, match="Agent is already cancelled"):
        firecrawl.cancel_agent("a-run-slow")
    with pytest.raises(errors.FirecrawlError, match="Agent job not found"):
        firecrawl.get_agent_status("a-gone")


def test_firecrawl_reads_extract_status_until_completed(firecrawl: Any) -> None:
    first = firecrawl.get_extract_status("e1")
    assert (first.success, first.status) == (False, "processing")  # the newer controller's
    assert first.replacement == "/v2/scrape" and first.warnings
    done = poll_until(
        lambda: firecrawl.get_extract_status("e1"), lambda j: j.status != "processing"
    )
    assert (done.success, done.status, done.tokens_used) == (True, "completed", 1234)
    failed = poll_until(
        lambda: firecrawl.get_extract_status("e-fail"), lambda j: j.status != "processing"
    )
    assert (failed.status, failed.error) == ("failed", sim_text("EXTRACT_FAILURE"))
    with pytest.raises(sdk("firecrawl.v2.utils.error_handler").FirecrawlError, match="not found"):
        firecrawl.get_extract_status("e-gone")


def sim_text(name: str) -> str:
    from jobwatch.providers.firecrawl import sim

    value: str = getattr(sim, name)
    return value


# --- cozepy -----------------------------------------------------------------------------------

LONG_ID = "7442585813587123456789"


@pytest.fixture
def cozepy(fast_sim: SimServer) -> Any:
    with warnings.catch_warnings():
        # authlib (cozepy imports it) puts an "always" filter for its own deprecation warning
        # in front of every other when it is imported: import it first, then ignore again.
        sdk("authlib.deprecate")
        warnings.simplefilter("ignore")
        return pytest.importorskip("cozepy")


def test_cozepy_reads_document_progress(cozepy: Any, fast_sim: SimServer) -> None:
    coze = cozepy.Coze(auth=cozepy.TokenAuth("pat_test"), base_url=fast_sim.base_url)
    ids = [LONG_ID, "7442585813668-fail"]
    first = coze.datasets.process(dataset_id="7385093717923", document_ids=ids)
    assert [d.document_id for d in first] == ids
    assert first.response.logid
    assert all(d.status == cozepy.DocumentStatus.PROCESSING for d in first)
    done = poll_until(
        lambda: coze.datasets.process(dataset_id="7385093717923", document_ids=ids),
        lambda docs: docs[0].status != cozepy.DocumentStatus.PROCESSING,
    )
    assert done[0].status == cozepy.DocumentStatus.COMPLETED and done[0].progress == 100
    assert done[1].status == cozepy.DocumentStatus.FAILED and done[1].status_descript


def test_cozepy_lists_documents_page_by_page(cozepy: Any, fast_sim: SimServer) -> None:
    coze = cozepy.Coze(auth=cozepy.TokenAuth("pat_test"), base_url=fast_sim.base_url)
    ids = [f"74425858136680{index}" for index in range(5)] + ["7442585813668-fail"]
    coze.datasets.process(dataset_id="7385093717923", document_ids=ids)
    documents = coze.datasets.documents.list(dataset_id="7385093717923", page_size=2)
    listed = list(documents)  # cozepy fetches the pages while total > page * size
    assert [d.document_id for d in listed] == ids
    assert listed[0].status == cozepy.DocumentStatus.PROCESSING
    poll_until(
        lambda: coze.datasets.process(dataset_id="7385093717923", document_ids=ids[-1:]),
        lambda docs: docs[0].status == cozepy.DocumentStatus.FAILED,
    )
    last = list(coze.datasets.documents.list(dataset_id="7385093717923", page_size=10))[-1]
    assert last.status == cozepy.DocumentStatus.FAILED


@pytest.mark.parametrize(
    ("token", "document_id", "code"),
    [("bad-key", "1", 4100), ("pat_test", "1-gone", 4200), ("pat_test", "1-429", 4013)],
)
def test_cozepy_raises_the_error_codes(
    cozepy: Any, fast_sim: SimServer, token: str, document_id: str, code: int
) -> None:
    coze = cozepy.Coze(auth=cozepy.TokenAuth(token), base_url=fast_sim.base_url)
    with pytest.raises(cozepy.CozeAPIError) as raised:
        coze.datasets.process(dataset_id="73850937", document_ids=[document_id])
    assert raised.value.code == code and raised.value.logid


def test_cozepy_reads_a_workflow_run_until_it_ends(cozepy: Any, fast_sim: SimServer) -> None:
    coze = cozepy.Coze(auth=cozepy.TokenAuth("pat_test"), base_url=fast_sim.base_url)
    histories = coze.workflows.runs.run_histories

    def read(execute_id: str) -> Any:
        return histories.retrieve(workflow_id="7429635394645390123", execute_id=execute_id)

    first = read("7431040978805850123")
    assert first.execute_status == cozepy.WorkflowExecuteStatus.RUNNING
    assert first.run_mode == 2 and first.error_code == 0  # its validator reads "" as 0
    done = poll_until(lambda: read("7431040978805850123"), lambda r: r.execute_status != "Running")
    assert done.execute_status == cozepy.WorkflowExecuteStatus.SUCCESS and done.output
    failed = poll_until(
        lambda: read("7431040978805850-fail"), lambda r: r.execute_status != "Running"
    )
    assert failed.execute_status == cozepy.WorkflowExecuteStatus.FAIL
    assert failed.error_code > 0 and failed.error_message
    with pytest.raises(cozepy.CozeAPIError) as raised:
        read("1-gone")
    assert raised.value.code == 4314


def test_cozepy_retrieves_and_cancels_chats(cozepy: Any) -> None:
    log = io.StringIO()
    with start_sim(port=0, speed=50, log=log) as sim:
        coze = cozepy.Coze(auth=cozepy.TokenAuth("pat_test"), base_url=sim.base_url)
        _chats(cozepy, coze)
    retrieves = [
        line.split()[1] for line in log.getvalue().splitlines() if "/v3/chat/retrieve" in line
    ]
    assert retrieves and set(retrieves) == {"POST"}  # cozepy sends retrieve as POST


def _chats(cozepy: Any, coze: Any) -> None:
    conversation = "7381365856095480123"

    def read(chat_id: str) -> Any:
        return coze.chat.retrieve(conversation_id=conversation, chat_id=chat_id)  # sent as POST

    first = read("7381371876397940123")
    assert (first.id, first.conversation_id) == ("7381371876397940123", conversation)
    assert first.status == cozepy.ChatStatus.CREATED
    done = poll_until(lambda: read("7381371876397940123"), lambda c: c.status == "completed")
    assert done.usage is not None and done.usage.token_count == 298
    failed = poll_until(lambda: read("c-fail"), lambda c: c.status == "failed")
    assert failed.last_error is not None and failed.last_error.code and failed.last_error.msg
    waiting = poll_until(lambda: read("c-action"), lambda c: c.status == "requires_action")
    assert waiting.required_action is not None
    assert waiting.required_action.submit_tool_outputs.tool_calls[0].function.name
    read("c-slow")
    cancelled = coze.chat.cancel(conversation_id=conversation, chat_id="c-slow")
    assert cancelled.status == cozepy.ChatStatus.CANCELED
    with pytest.raises(cozepy.CozeAPIError) as raised:
        coze.chat.cancel(conversation_id=conversation, chat_id="c-action")
    assert raised.value.code == 4104


# --- pymilvus bulk_writer ---------------------------------------------------------------------


@pytest.fixture
def bulk_writer(fast_sim: SimServer) -> Any:
    return sdk("pymilvus.bulk_writer")


def test_pymilvus_reads_import_progress(bulk_writer: Any, fast_sim: SimServer) -> None:
    def progress() -> Any:
        response = bulk_writer.get_import_progress(
            fast_sim.base_url, job_id="448761313698322011", cluster_id="in01-x", api_key="k"
        )
        return response.json()

    first = progress()
    assert (first["code"], first["data"]["state"]) == (0, "Pending")
    done = poll_until(progress, lambda body: body["data"]["state"] == "Completed")
    assert done["data"]["progress"] == 100
    assert done["data"]["importedRows"] == done["data"]["totalRows"]


def test_pymilvus_reads_a_failed_import_and_lists_jobs(
    bulk_writer: Any, fast_sim: SimServer
) -> None:
    def progress(job_id: str) -> Any:
        return bulk_writer.get_import_progress(
            fast_sim.base_url, job_id=job_id, cluster_id="in01-x", api_key="k"
        ).json()

    failed = poll_until(lambda: progress("448-fail"), lambda b: b["data"]["state"] == "Failed")
    assert failed["data"]["reason"] and failed["data"]["progress"] == 0
    for job_id in ("448-1", "448-2"):
        progress(job_id)
    # pymilvus reads progress at /describe, which the simulator serves as Milvus: list there.
    listed = bulk_writer.list_import_jobs(
        fast_sim.base_url, api_key="k", page_size=2, current_page=1
    ).json()["data"]
    assert [r["jobId"] for r in listed["records"]] == ["448-fail", "448-1", "448-2"]
    assert listed["records"][0]["state"] == "Failed"


@pytest.mark.parametrize(("job_id", "key", "code"), [("j-gone", "k", "2100"), ("j", "", "1800")])
def test_pymilvus_raises_on_error_codes(
    bulk_writer: Any, fast_sim: SimServer, job_id: str, key: str, code: str
) -> None:
    exceptions = sdk("pymilvus.exceptions")
    with pytest.raises(exceptions.MilvusException, match=f"code: {code}"):
        bulk_writer.get_import_progress(fast_sim.base_url, job_id=job_id, api_key=key)
