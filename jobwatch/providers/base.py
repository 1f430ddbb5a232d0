"""What every kind of job offers the rest of jobwatch: one class per kind (Firecrawl's batch
scrapes, Zilliz's import jobs, ...), grouped by provider in the provider table
(ProviderEntry). Light to import: no HTTP stack, no models beyond jobwatch.core, so that help
and completion are made from this class data at no cost."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from jobwatch.core.errors import CredentialsError, JobwatchError, StateUnknownError, UsageError
from jobwatch.core.keys import env_name, missing_key_error
from jobwatch.core.models import NOT_READ_STATUS, JobState, JobStatus
from jobwatch.core.settings import ProviderSettings
from jobwatch.providers.spec import ContextField, Endpoint, RefForm

if TYPE_CHECKING:
    import httpx

    from jobwatch.http.client import Client

# A parse result per job: its status, or the error that stands for it (e.g. one Coze document
# missing from an otherwise good answer).
JobStatusOrError = JobStatus | JobwatchError


class Provider(ABC):
    """One kind of job at one provider: the only place that knows its URLs, bodies, fields and
    status words.

    An instance is bound to settings (key, base URL) and to any context its jobs share (a
    Zilliz cluster, a Coze dataset), so one instance = one group of jobs.

    Its class data says everything the rest of jobwatch needs to offer it: its `--kind` name,
    arguments and options, `watch` reference forms and jobs-file keys, regions, key variables,
    default interval and unit, endpoints and the simulator's stand-in.
    """

    name: ClassVar[str]  # the provider: its command, `auth` name and config-file key
    kind: ClassVar[str]  # this kind of job: `--kind KIND`, a jobs file's `kind = "KIND"`
    kind_help: ClassVar[str]  # one line for help: what it is, and its status endpoint
    # A switch that also picks this kind: `--crawl`, a jobs file's `crawl = true`.
    kind_switch: ClassVar[str | None] = None
    examples: ClassVar[tuple[str, ...]] = ()  # command lines for the command's help
    id_metavar: ClassVar[str] = "JOB_ID"
    id_help: ClassVar[str] = "The jobs' ids."
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
    running_noun: ClassVar[str] = "unfinished jobs"  # what --running lists, for messages
    # The module of its simulator stand-in (`jobwatch sim`): a function per endpoint, by the
    # endpoint's name, and any `ALIASES`. Named, not imported: only the simulator loads it.
    stand_in: ClassVar[str]
    # The context field an id is unique within (a Coze document's dataset): the row shows it
    # as SCOPE/ID, and the JOB carries it under the field's name.
    scope_field: ClassVar[str | None] = None
    # What the JOB's `extra.kind` says, for kinds that share a provider with others.
    extra_kind: ClassVar[str | None] = None

    def __init__(self, settings: ProviderSettings, **context: Any) -> None:
        """Bound to `settings` and to the context its jobs share: each of its context fields,
        given by keyword or else the field's default, becomes an attribute of the same name
        (`self.cluster_id`)."""
        self.settings = settings
        for field in self.context_fields:
            value = context.pop(field.name, None)
            if value is None and field.in_profile:
                value = settings.stored.get(field.name)
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
    def scope(self) -> str | None:
        """The value of the scope field (see `scope_field`), if the kind has one."""
        return getattr(self, self.scope_field) if self.scope_field else None

    def job(self, job_id: str, *, state: JobState, status: str, **fields: Any) -> JobStatus:
        """A JobStatus of this kind: the provider's name, the id and its scope filled in, and
        `extra.kind` for a kind that shares its provider."""
        if self.extra_kind is not None:
            fields["extra"] = {"kind": self.extra_kind, **fields.get("extra", {})}
        return JobStatus(
            provider=self.name,
            id=job_id,
            state=state,
            status=status,
            scope=self.scope,
            scope_key=self.scope_field,
            **fields,
        )

    def unread(self, job_id: str) -> JobStatus:
        """What is known of a job before its first answer: it is `pending` (README: States);
        the run ends 124 if the deadline passes before it is read."""
        return self.job(
            job_id, state=JobState.PENDING, status=NOT_READ_STATUS, message="no answer yet"
        )

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
        """`parse`, with what happened when a key is refused (README: Credentials and config):
        none was sent; the one given with --api-key was refused; or one from the environment
        or a profile went to an endpoint other than the provider's own, which may want its
        own key."""
        try:
            return self.parse(response, job_ids)
        except CredentialsError as error:
            hint = self._refused_hint()
            if hint is None:
                raise
            raise CredentialsError(f"{error.message} ({hint})") from None

    def _refused_hint(self) -> str | None:
        variable = f"$JOBWATCH_{env_name(self.name)}_API_KEY"
        source = self.settings.api_key_source
        if not self.settings.api_key:
            return (
                f"no key was sent to {self.base_url}, and it wants one: pass --api-key, "
                f"set {variable} or run `jobwatch auth set {self.name}`"
            )
        if source == "--api-key":
            return f"{self.base_url} refused the key given with --api-key: check that key"
        if self.base_url in self.base_urls.values():
            return None
        return (
            f"the key{f' from {source}' if source else ''} was sent to {self.base_url}: if it "
            "wants its own key, "
            f"pass --api-key or set {variable}"
        )

    # -- why a job failed, read once when it ends (README: Gates) ---------------------------------

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

    # -- finding and cancelling jobs (README: Finding and cancelling jobs) ------------------------

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
        """The state for a status word; unknown words count as running (README: States)."""
        return cls.states.get(word, JobState.RUNNING)

    @classmethod
    def knows(cls, word: str) -> bool:
        return word in cls.states


def state_words(**words: str) -> dict[str, JobState]:
    """A provider's status words by the state each means, e.g.
    `state_words(running="scraping", succeeded="completed")` (words separated by spaces)."""
    return {word: JobState(state) for state, text in words.items() for word in text.split()}


def check_base_url(url: str, source: str | None = None) -> str:
    """A base URL is a scheme, host and port (README: Options); anything else is a usage
    error naming where the URL came from (`--base-url`, a variable, a profile)."""
    import httpx  # only a command that is about to send anything names a base URL

    where = f" (from {source})" if source else ""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, UnicodeError):  # UnicodeError: bytes that were not UTF-8
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


def host_of_url(url: str) -> str:
    """The host a base URL names, lower case (`api.firecrawl.dev`)."""
    return (urlsplit(url).hostname or "").lower()


@dataclass(frozen=True)
class ProviderEntry:
    """One provider in the provider table: its command's name and help, and its kinds of job
    (the first is the default `--kind`). What the kinds share (keys, base URLs, regions) is
    read from the default kind, whose class the others share it with."""

    name: str
    summary: str  # the command's help: what it watches
    kinds: tuple[type[Provider], ...]
    origin: str = "built in"  # where it was defined (`jobwatch providers`)

    @property
    def default(self) -> type[Provider]:
        return self.kinds[0]

    def kind_names(self) -> tuple[str, ...]:
        return tuple(cls.kind for cls in self.kinds)

    def kind(self, name: str | None) -> type[Provider]:
        """The kind named (the default when None); a usage error naming the choices."""
        if name is None:
            return self.default
        for cls in self.kinds:
            if cls.kind == name:
                return cls
        raise UsageError(f"{self.name} has no kind {name!r}: use {', '.join(self.kind_names())}")

    @property
    def examples(self) -> tuple[str, ...]:
        return tuple(line for cls in self.kinds for line in cls.examples)

    def profile_keys(self) -> tuple[str, ...]:
        """The context fields a profile may keep for this provider (`cluster_id`)."""
        return tuple(
            dict.fromkeys(
                field.name for cls in self.kinds for field in cls.context_fields if field.in_profile
            )
        )

    def __post_init__(self) -> None:
        # The command's arguments are the default kind's, read in the same places by the
        # others (cli/commands.py): every kind has as many.
        counts = {sum(not f.flag for f in cls.context_fields) for cls in self.kinds}
        if len(counts) > 1:
            raise TypeError(f"{self.name}: its kinds take different numbers of arguments")
