"""What a kind of job declares about itself as class data, so that the command line, `watch`
references, the jobs file, `auth set`, help and the simulator's routes are all made from its
folder alone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from string import Formatter
from typing import Any

from jobwatch.core.ids import path_segment


@dataclass(frozen=True)
class ContextField:
    """A setting that a group of jobs of one kind shares (a cluster, a dataset): a command-line
    argument or option, a jobs-file key and a keyword of the kind's class."""

    name: str  # the keyword and the jobs-file key: "cluster_id"
    help: str
    metavar: str = "ID"
    flag: str | None = None  # "--cluster-id"; None: the command's first argument
    required: bool = False  # a job cannot be named without it (a Coze document's dataset)
    # A profile may store a default for it (`auth set --cluster-id`), under the same name.
    in_profile: bool = False


@dataclass(frozen=True)
class RefForm:
    """One `watch` reference form of a kind of job: `PREFIX:ID`, or `PREFIX:SCOPE/ID` where
    SCOPE is the value of the context field `scope`."""

    prefix: str
    text: str  # as help shows it: "zilliz:CLUSTER/JOB"
    scope: str | None = None
    scope_optional: bool = False  # `zilliz:JOB` (a Milvus job) as well as `zilliz:CLUSTER/JOB`

    def read(self, rest: str) -> tuple[dict[str, Any], str] | None:
        """(context, job id) from what follows `PREFIX:`, or None when it is not this form."""
        head, slash, tail = rest.partition("/")
        context: dict[str, Any] = {}
        if self.scope and slash:
            if not head or not tail or "/" in tail:
                return None
            context[self.scope] = head
            return context, tail
        if slash or not rest or (self.scope and not self.scope_optional):
            return None
        return context, rest


@dataclass(frozen=True)
class Endpoint:
    """One HTTP endpoint the provider calls, under its base URL; the simulator serves it at
    the same path. `{name}` in the path is a parameter: a job id or the like, sent as exactly
    one percent-encoded path segment, or, when `choices` names it, one of the texts listed
    there, sent as it is (Firecrawl's `batch/scrape`)."""

    method: str
    path: str  # "/datasets/v3/progress/{snapshot_id}"
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def parameters(self) -> tuple[str, ...]:
        """The names of the path's parameters, in order."""
        return tuple(name for _, name, _, _ in Formatter().parse(self.path) if name)

    def fill(self, **values: str) -> str:
        """The path with its parameters filled in."""
        for name, value in values.items():
            if name in self.choices:
                if value not in self.choices[name]:
                    raise ValueError(f"{self.path}: {name} is one of {self.choices[name]}")
            else:
                values[name] = path_segment(value)
        return self.path.format(**values)

    def __str__(self) -> str:
        return f"{self.method} {self.path}"
