"""Scale: 100 and 500 Firecrawl jobs polled every second for 30 s, by `jobwatch watch` and by
firecrawl-py's async client (tests/benchmarks/sdk/poll_firecrawl.py), against `jobwatch sim`.

Run: .venv/bin/python tests/benchmarks/bench_scale.py [--jobs 100 500] [--seconds 30]

The ids end in `-slow` (pending 5 s, then running for 10 minutes), so every job stays running
and jobwatch ends at its --timeout (exit 124). Each run gets fresh ids.

Method: requests are counted by the simulator (server side, exact, no cost to the measured
process); CPU is the measured process's own user + system time from os.wait4, start-up
included; CPU per poll = CPU / requests. Peak memory is that process's ru_maxrss.
Targets (500 jobs): jobwatch <= 0.5 ms CPU per poll, peak RSS < 150 MB.
"""

from __future__ import annotations

import argparse
import json
import uuid

from benchkit import JOBWATCH, Sim, machine, measure, sdk_script, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args()
    rows = []
    with Sim(speed=1.0) as sim:
        for count in args.jobs:
            for name in ("jobwatch", "firecrawl-py"):
                run_id = uuid.uuid4().hex[:8]
                ids = [f"bench-{run_id}-{n}-slow" for n in range(count)]
                if name == "jobwatch":
                    command = [
                        JOBWATCH, "watch", *(f"firecrawl:{job}" for job in ids),
                        "--interval", "1", "--timeout", str(args.seconds),
                        "--progress", "none", "--json", "--base-url", sim.url, "--api-key", "k",
                    ]  # fmt: skip
                    expected = 124
                else:
                    command = [
                        *sdk_script("poll_firecrawl.py"), sim.url, "k", str(args.seconds), "1",
                        *ids,
                    ]  # fmt: skip
                    expected = 0
                before, sim_cpu = sim.requests(), sim.cpu_seconds()
                run = measure(command)
                requests = sim.requests() - before
                sim_cpu = sim.cpu_seconds() - sim_cpu
                if run.exit_code != expected:
                    raise SystemExit(
                        f"{name} exited {run.exit_code}: {run.stderr.decode()[-2000:]}"
                    )
                if name == "firecrawl-py":
                    calls = json.loads(run.stdout.decode().splitlines()[-1])["calls"]
                    if calls != requests:
                        print(f"note: firecrawl-py made {calls} calls, sim saw {requests}")
                rows.append((count, name, run, requests, sim_cpu))
    print(f"machine: {machine()}; {args.seconds} s at 1 s per job")
    header = f"{'jobs':>5} {'watcher':14} {'requests':>8} {'ideal':>6} {'CPU s':>7}"
    print(f"{header} {'CPU/poll':>10} {'peak RSS':>9} {'sim CPU s':>9}")
    for count, name, run, requests, sim_cpu in rows:
        print(
            f"{count:>5} {name:14} {requests:>8} {count * args.seconds:>6} {run.cpu:>7.2f} "
            f"{run.cpu / requests * 1000:>7.3f} ms {run.max_rss_mb:>6.1f} MB {sim_cpu:>9.2f}"
        )
    for count, name, run, requests, _ in rows:
        if name != "jobwatch":
            continue
        per_poll = run.cpu / requests * 1000
        sdk = next(r for r in rows if r[0] == count and r[1] == "firecrawl-py")
        vs = per_poll / (sdk[2].cpu / sdk[3] * 1000)
        line = f"{count} jobs: jobwatch {per_poll:.3f} ms CPU/poll ({vs:.2f}x firecrawl-py)"
        if count == 500:
            line += (
                f"; target <= 0.5 ms {verdict(per_poll, 0.5)}; peak RSS {run.max_rss_mb:.0f} MB"
                f" target < 150 MB {verdict(run.max_rss_mb, 150)}"
            )
        print(line)


if __name__ == "__main__":
    main()
