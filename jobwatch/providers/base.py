"""What every provider adapter offers the poller."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from jobwatch.core.errors import CredentialsError, JobwatchError, StateUnknownError, UsageError
from jobwatch.core.keys import missing_key_error
from jobwatch.core.models import JobState, JobStatus
from jobwatch.core.settings import ProviderSettings
from jobwatch.http import Client, expect_json_object
from jobwatch.providers.spec import ContextField, Endpoint, RefForm

# A parse result per job: its status, or the error that stands for it (e.g. one Coze document
# missing from an otherwise good answer).
JobStatusOrError = JobStatus | JobwatchError
BodyModel = TypeVar("BodyModel", bound=BaseModel)


class Provider(ABC):
    """One provider's API: the only place that knows its URL, body, fields and status words.

    An instance is bound to settings (key, base URL) and to any context its jobs share
    (a Zilliz cluster, a Coze dataset, a Firecrawl crawl), so one instance = one group of jobs.

    Its class data says everything the rest of jobwatch needs to offer it: the command's help,
    arguments and options, its `watch` reference forms and jobs-file keys, regions, key
    variables, default interval and unit.
    """

    name: ClassVar[str]
    summary: ClassVar[str]  # the command's help: what it watches, and through which endpoint
    examples: ClassVar[tuple[str, ...]] = ()  # command lines for the help's epilog
    id_metavar: ClassVar[str] = "JOB_ID"
    context_fields: ClassVar[tuple[ContextField, ...]] = ()
    # `watch` reference forms; none given: `NAME:JOB`.
    ref_forms: ClassVar[tuple[RefForm, ...]] = ()
    # The public endpoints' scheme and host, by region (the first: the default). A provider
    # with more than one takes --region.
    base_urls: ClassVar[Mapping[str, str]]
    unit: ClassVar[str | None] = None  # what its counts count
    # The endpoints it calls, by what for: `status` (required), and `errors`, `running`,
    # `cancel` where it has them. `jobwatch sim` serves each at its path.
    endpoints: ClassVar[Mapping[str, Endpoint]]
    key_env_vars: ClassVar[tuple[str, ...]]
    base_url_env_vars: ClassVar[tuple[str, ...]] = ()
    default_interval: ClassVar[float]
    # Client-side cap on requests per second to one host; None = no cap of our own.
    max_requests_per_second: ClassVar[float | None] = None
    states: ClassVar[Mapping[str, JobState]]
    # Context that `--running` implies (Firecrawl's active list holds crawls only).
    running_context: ClassVar[Mapping[str, Any]] = {}
    running_noun: ClassVar[str] = "unfinished jobs"  # what --running lists, for messages
    # The module of its simulator stand-in (`jobwatch sim`): a function per endpoint, by the
    # endpoint's name, and any `ALIASES`. Named, not imported: only the simulator loads it.
    stand_in: ClassVar[str]

    def __init__(self, settings: ProviderSettings, **context: Any) -> None:
        """Bound to `settings` and to the context its jobs share: each of its context fields,
        given by keyword or else the field's default, becomes an attribute of the same name
        (`self.cluster_id`)."""
        self.settings = settings
        for field in self.context_fields:
            value = context.pop(field.name, field.default)
            if field.required and value is None:
                raise TypeError(f"{self.name} needs {field.name}")
            setattr(self, field.name, value)
        if context:
            raise TypeError(f"{self.name} takes no {', '.join(context)}")
        if settings.base_url:
            self.base_url = check_base_url(settings.base_url, settings.base_url_source)
        else:
            self.base_url = self.default_base_url(settings.region)
        if self.needs_key and not settings.api_key:
            raise missing_key_error(self.name, self.key_env_vars, settings.profile)

    @classmethod
    def regions(cls) -> tuple[str, ...]:
        """The sites --region picks from; none for a provider with one site."""
        return tuple(cls.base_urls) if len(cls.base_urls) > 1 else ()

    @classmethod
    def default_base_url(cls, region: str | None) -> str:
        """The public endpoint for the region (the first when none is given)."""
        first = next(iter(cls.base_urls))
        try:
            return cls.base_urls[region if region and cls.regions() else first]
        except KeyError:
            raise UsageError(
                f"unknown {cls.name} region {region!r}: use {' or '.join(cls.base_urls)}"
            ) from None

    @classmethod
    def reference_forms(cls) -> tuple[RefForm, ...]:
        return cls.ref_forms or (RefForm(cls.name, f"{cls.name}:JOB"),)

    @property
    def needs_key(self) -> bool:
        return True

    @property
    def label(self) -> str:
        """What distinguishes this group of jobs in messages (e.g. `zilliz cluster in01-…`)."""
        return self.name

    def auth_headers(self) -> dict[str, str]:
        key = self.settings.api_key
        return {"Authorization": f"Bearer {key}"} if key else {}

    def request(
        self,
        client: Client,
        endpoint: str,
        *,
        json: Any = None,
        query: str = "",
        headers: Mapping[str, str] | None = None,
        **path: str,
    ) -> httpx.Request:
        """A request to one of its `endpoints`, the path's parameters filled in from `path`,
        with the key (and any further `headers`); `query`: `?name=value&…`, already encoded."""
        spec = self.endpoints[endpoint]
        return client.build_request(
            spec.method,
            f"{self.base_url}{spec.fill(**path)}{query}",
            json=json,
            headers={**self.auth_headers(), **headers} if headers else self.auth_headers(),
        )

    def batches(self, job_ids: Sequence[str]) -> list[list[str]]:
        """How job ids are grouped into requests: one request per job unless overridden."""
        return [[job_id] for job_id in job_ids]

    @abstractmethod
    def build_request(self, client: Client, job_ids: Sequence[str]) -> httpx.Request:
        """The request that reads these jobs' states."""

    @abstractmethod
    def parse(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        """The jobs' statuses from the response, in the order of `job_ids`.

        Raises a JobwatchError when the whole response is an error.
        """

    def read(self, response: httpx.Response, job_ids: Sequence[str]) -> list[JobStatusOrError]:
        """`parse`, with a hint when a key is rejected by an endpoint other than the provider's
        own: that endpoint may want its own key (PRODUCT.md section 5)."""
        try:
            return self.parse(response, job_ids)
        except CredentialsError as error:
            if self.base_url in self.base_urls.values():
                raise
            variable = f"$JOBWATCH_{self.name.upper()}_API_KEY"
            raise CredentialsError(
                f"{error.message} (the key was sent to {self.base_url}: if it wants its own "
                f"key, pass --api-key or set {variable})"
            ) from None

    # -- why a job failed, read once when it ends (PRODUCT.md section 8) -----------------------

    def errors_request(self, client: Client, job_id: str) -> httpx.Request | None:
        """The request that reads an ended job's errors; None: the provider has none to read
        (its reasons are in the status answer already)."""
        return None

    def errors_fallback(
        self, client: Client, job_id: str, response: httpx.Response
    ) -> httpx.Request | None:
        """A second request to try when the first errors answer says the route is missing."""
        return None

    def parse_errors(self, response: httpx.Response) -> dict[str, Any]:
        """The errors answer as fields for the JOB's `extra`; raises a JobwatchError when it
        is an error itself."""
        return {}

    # -- finding and cancelling jobs (PRODUCT.md section 8) --------------------------------

    @classmethod
    def can_list(cls) -> bool:
        """Whether the provider offers `--running` (it overrides running_request)."""
        return cls.running_request is not Provider.running_request

    def running_request(self, client: Client, cursor: str | None) -> httpx.Request | None:
        """The request for one page of the jobs the provider lists as not finished: the first
        page when `cursor` is None, else the page parse_running named. None: this provider
        cannot list its jobs."""
        return None

    def parse_running(
        self, response: httpx.Response, cursor: str | None
    ) -> tuple[list[str], str | None]:
        """The ids of the unfinished jobs on this page, and the cursor of the next page (None:
        the last page). Raises a JobwatchError when the answer is an error."""
        raise StateUnknownError(f"{self.name}: cannot list its jobs")

    def cancel_request(self, client: Client, job_id: str) -> httpx.Request:
        """The request that asks the provider to stop the job. Raises UsageError (exit 2) for
        a provider that has no cancel at all."""
        raise UsageError(f"{self.label} has no cancel: its jobs cannot be stopped from outside")

    def parse_cancel(self, response: httpx.Response, job_id: str) -> bool:
        """True: cancelled now; False: it had already finished. Raises a JobwatchError when
        the job cannot be cancelled or the answer is an error."""
        raise UsageError(f"{self.label} has no cancel")

    @classmethod
    def map_state(cls, word: str) -> JobState:
        """The state for a status word; unknown words count as running (PRODUCT.md section 2)."""
        return cls.states.get(word, JobState.RUNNING)

    @classmethod
    def knows(cls, word: str) -> bool:
        return word in cls.states


def state_words(**words: str) -> dict[str, JobState]:
    """A provider's status words by the state each means, e.g.
    `state_words(running="scraping", succeeded="completed")` (words separated by spaces)."""
    return {word: JobState(state) for state, text in words.items() for word in text.split()}


def read_body(model: type[BodyModel], data: Any, what: str) -> BodyModel:
    """`data` as the provider's documented shape; anything else means the state is unknown."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise StateUnknownError(f"{what}: {exc.errors()[0]['msg']}") from None


def read_json_body(
    model: type[BodyModel], response: httpx.Response, *, provider: str, what: str
) -> BodyModel:
    """A 2xx body as the provider's documented shape, parsed straight from its JSON (a watch
    does this per poll); anything else fails as read_body and expect_json_object say."""
    try:
        return model.model_validate_json(response.content)
    except ValidationError:
        return read_body(model, expect_json_object(response, provider=provider), what)


def check_base_url(url: str, source: str | None = None) -> str:
    """A base URL is a scheme, host and port (PRODUCT.md section 1); anything else is a usage
    error naming where the URL came from (`--base-url`, a variable, a profile)."""
    where = f" (from {source})" if source else ""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        parsed = None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.host:
        raise UsageError(
            f"base URL {url!r}{where} must start with http:// or https:// and name a host "
            "(for example http://127.0.0.1:8787)"
        )
    path = parsed.path.rstrip("/")
    if path or parsed.query or parsed.fragment:
        origin = f"{parsed.scheme}://{parsed.netloc.decode('ascii')}"
        hint = f"must not include {path[-3:]}: " if path.endswith(("/v1", "/v2")) else ""
        raise UsageError(
            f"base URL {url!r}{where} {hint or 'must not have a path: '}give only the scheme, "
            f"host and port (e.g. {origin})"
        )
    return url.rstrip("/")
