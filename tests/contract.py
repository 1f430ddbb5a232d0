"""What PRODUCT.md promises, as the tests check it: the JSON of section 4 and the environment
variables of sections 1 and 5."""

JOB_KEYS = {
    "provider",
    "id",
    "state",
    "status",
    "progress",
    "completed",
    "total",
    "unit",
    "eta_seconds",
    "message",
    "items",
    "checked_at",
    "extra",
}
ITEM_KEYS = {"name", "state", "status", "progress", "message"}

# Every variable outside JOBWATCH_* and GITHUB_* that changes what jobwatch does: tests start
# from an environment without them, so the developer's machine never leaks in.
USER_VARS = frozenset(
    {
        "CI",
        "FIRECRAWL_API_KEY",
        "FIRECRAWL_API_URL",
        "COZE_API_TOKEN",
        "ZILLIZ_API_KEY",
        "BRIGHTDATA_API_TOKEN",
        "BRIGHTDATA_API_KEY",
        "FORCE_COLOR",
        "NO_COLOR",
    }
)
