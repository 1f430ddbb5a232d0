"""The watch loop, which draws nothing: `settings` (what it is given), `schedule` (time, backoff,
host rate gates), `results` (the latest status of every job, cleaned), `rules` (not found yet,
stalled, gates), `job_errors` (why an ended job failed) and `loop` (the Poller). What it yields
is in jobwatch/core/events.py."""
