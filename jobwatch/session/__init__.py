"""One run, one Session (session.py): one event loop, one HTTP client, one deadline and one retry
policy for listing (`--running`, listing.py), watching (watch.py) and cancelling (cancel.py);
`--on-job-end` hooks (hooks.py) and `--notify` (notify.py) hang off it. plan.py makes provider
instances and job groups from a command's plain request; run.py is what each command does."""
