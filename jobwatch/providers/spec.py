"""What a provider declares about itself as class data, so that the command line, `watch`
references, the jobs file, `auth set` and help are all made from its module alone."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ContextField:
    """A setting that a group of the provider's jobs shares (a cluster, a dataset, a kind of
    job): a command-line argument or option, a jobs-file key and a keyword of the provider."""

    name: str  # the keyword and the jobs-file key: "cluster_id"
    help: str
    metavar: str = "ID"
    flag: str | None = None  # "--cluster-id"; None: the command's first argument
    switch: bool = False  # an on/off option ("--crawl"); a jobs file says true or false
    required: bool = False  # a job cannot be named without it (a Coze document's dataset)
    # A profile may store a default for it (`auth set --cluster-id`), under the same name.
    in_profile: bool = False


@dataclass(frozen=True)
class RefForm:
    """One `watch` reference form: `PREFIX:ID`, or `PREFIX:SCOPE/ID` where SCOPE is the value
    of the context field `scope`. `preset` context comes with the prefix itself."""

    prefix: str
    text: str  # as help shows it: "zilliz:CLUSTER/JOB"
    scope: str | None = None
    scope_optional: bool = False  # `zilliz:JOB` (a Milvus job) as well as `zilliz:CLUSTER/JOB`
    preset: tuple[tuple[str, Any], ...] = ()

    def read(self, rest: str) -> tuple[dict[str, Any], str] | None:
        """(context, job id) from what follows `PREFIX:`, or None when it is not this form."""
        head, slash, tail = rest.partition("/")
        context = dict(self.preset)
        if self.scope and slash:
            if not head or not tail or "/" in tail:
                return None
            context[self.scope] = head
            return context, tail
        if slash or not rest or (self.scope and not self.scope_optional):
            return None
        return context, rest
