"""What a command asks of a session, in plain terms (JobsRequest: the jobs by reference, or a
provider's running jobs, and how to reach the providers), and the provider instances and job
groups made from it. The command line builds the request (jobwatch/cli/command.py); nothing
here reads a command line."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from jobwatch.core.errors import MissingKeyError
from jobwatch.core.settings import Access
from jobwatch.poll.settings import JobGroup

if TYPE_CHECKING:
    from jobwatch.providers.base import Provider

Context = tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class JobRef:
    """One job: which provider and kind, its id, and the context it shares with others (sorted
    pairs, so that jobs with the same context compare equal)."""

    provider: str
    kind: str
    job_id: str
    context: Context = ()

    @classmethod
    def of(cls, provider: str, kind: str, job_id: str, **context: Any) -> JobRef:
        kept = {name: value for name, value in context.items() if value is not None}
        return cls(provider, kind, job_id, tuple(sorted(kept.items())))


@dataclass(frozen=True)
class Listing:
    """`--running`: the jobs this provider's kind (with this context) lists as not finished."""

    provider: str
    kind: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JobsRequest:
    """The jobs a command names and how to reach their providers: the access options and the
    config file's data. `reattach_hint` gives the command line that watches these jobs again
    (it may need the ids a listing found)."""

    refs: Sequence[JobRef] = ()
    access: Access = field(default_factory=Access)
    config: Mapping[str, Any] = field(default_factory=dict)
    listing: Listing | None = None
    reattach_hint: Callable[[Sequence[JobRef]], str] | None = None


class ProviderFactory:
    """Builds provider instances from the access options and the config file."""

    def __init__(self, access: Access, data: Mapping[str, Any]) -> None:
        self.access = access
        self.data = data

    def make(self, name: str, kind: str | None, context: Mapping[str, Any]) -> Provider:
        """An instance of the provider's kind (None: its default kind)."""
        from jobwatch import config
        from jobwatch.providers import PROVIDERS

        entry = PROVIDERS[name]
        cls = entry.kind(kind)
        settings = config.resolve(
            name,
            key_env_vars=cls.key_env_vars,
            base_url_env_vars=cls.base_url_env_vars,
            cli_profile=self.access.profile,
            cli_api_key=self.access.api_key,
            cli_base_url=self.access.base_url,
            cli_region=self.access.region.value if self.access.region and cls.regions() else None,
            data=self.data,
            profile_keys=entry.profile_keys(),
        )
        return cls(settings, **context)


def factory_for(request: JobsRequest) -> ProviderFactory:
    return ProviderFactory(request.access, request.config)


def plan(request: JobsRequest) -> list[JobGroup]:
    """The groups of the jobs the request names, each with its provider instance: jobs that
    share a provider, kind and context share one, in first-seen order. Every provider without a
    key is named in one error."""
    factory = factory_for(request)
    missing: dict[str, MissingKeyError] = {}
    groups: dict[tuple[str, str, Context], tuple[Provider | None, list[str]]] = {}
    for ref in request.refs:
        key = (ref.provider, ref.kind, ref.context)
        if key not in groups:
            try:
                provider: Provider | None = factory.make(ref.provider, ref.kind, dict(ref.context))
            except MissingKeyError as error:  # gathered, so one message names every provider
                missing.setdefault(ref.provider, error)
                provider = None
            groups[key] = (provider, [])
        ids = groups[key][1]
        if ref.job_id not in ids:
            ids.append(ref.job_id)
    if missing:
        from jobwatch.config import pick_profile
        from jobwatch.core.keys import missing_keys_error

        profile = pick_profile(request.access.profile, request.config, os.environ)
        raise missing_keys_error(list(missing.values()), profile)
    return [JobGroup(provider, ids) for provider, ids in groups.values() if provider]
