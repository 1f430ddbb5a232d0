"""The JSON contract of PRODUCT.md section 4, as the tests check it."""

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
