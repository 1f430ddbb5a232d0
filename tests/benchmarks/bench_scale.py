"""Scale: 100 and 500 Firecrawl jobs polled every second for 30 s, by `jobwatch watch` and by
firecrawl-py's async client (tests/benchmarks/sdk/poll_firecrawl.py), against `jobwatch sim`.

Run: .venv/bin/python tests/benchmarks/bench_scale.py [--jobs 100 500] [--seconds 30]
A/B: ... --jobs 500 --no-sdk --rounds 3 --compare base=/tmp/old-tree (a directory holding
another `jobwatch` package, run from the same venv; variants alternate within each round).

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
import statistics
import uuid

from benchkit import JOBWATCH, PYTHON, Run, Sim, machine, measure, sdk_script, verdict

# `jobwatch` from the package found first on PYTHONPATH (-P: not from the current directory).
_FROM_PATH = "import sys; from jobwatch.cli.main import main; sys.argv[0] = 'jobwatch'; main()"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, nargs="+", default=[100, 500])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--no-sdk", action="store_true", help="skip firecrawl-py")
    parser.add_argument(
        "--compare", action="append", default=[], metavar="LABEL=DIR",
        help="also run the jobwatch package found in DIR (A/B against this tree)",
    )  # fmt: skip
    args = parser.parse_args()
    variants: dict[str, tuple[list[str], dict[str, str] | None]] = {"jobwatch": ([JOBWATCH], None)}
    for spec in args.compare:
        label, _, folder = spec.partition("=")
        variants[f"jobwatch@{label}"] = ([PYTHON, "-P", "-c", _FROM_PATH], {"PYTHONPATH": folder})
    names = [*variants, *([] if args.no_sdk else ["firecrawl-py"])]
    rows = []
    with Sim(speed=1.0) as sim:
        for _ in range(args.rounds):
            for count in args.jobs:
                for name in names:
                    rows.append((count, name, *_one(sim, name, variants, count, args.seconds)))
    print(f"machine: {machine()}; {args.seconds} s at 1 s per job")
    header = f"{'jobs':>5} {'watcher':18} {'requests':>8} {'ideal':>6} {'CPU s':>7}"
    print(f"{header} {'CPU/poll':>10} {'peak RSS':>9} {'sim CPU s':>9}")
    for count, name, run, requests, sim_cpu in rows:
        print(
            f"{count:>5} {name:18} {requests:>8} {count * args.seconds:>6} {run.cpu:>7.2f} "
            f"{run.cpu / requests * 1000:>7.3f} ms {run.max_rss_mb:>6.1f} MB {sim_cpu:>9.2f}"
        )
    for count in args.jobs:
        per_poll = {
            name: statistics.median(
                run.cpu / requests * 1000
                for c, n, run, requests, _ in rows
                if (c, n) == (count, name)
            )
            for name in names
        }
        rss = max(run.max_rss_mb for c, n, run, _, _ in rows if (c, n) == (count, "jobwatch"))
        for name in variants:
            line = (
                f"{count} jobs: {name} {per_poll[name]:.3f} ms CPU/poll (median of {args.rounds})"
            )
            if "firecrawl-py" in per_poll:
                line += f" ({per_poll[name] / per_poll['firecrawl-py']:.2f}x firecrawl-py)"
            if count == 500 and name == "jobwatch":
                line += (
                    f"; target <= 0.5 ms {verdict(per_poll[name], 0.5)}; peak RSS {rss:.0f} MB"
                    f" target < 150 MB {verdict(rss, 150)}"
                )
            print(line)


def _one(
    sim: Sim,
    name: str,
    variants: dict[str, tuple[list[str], dict[str, str] | None]],
    count: int,
    seconds: int,
) -> tuple[Run, int, float]:
    run_id = uuid.uuid4().hex[:8]
    ids = [f"bench-{run_id}-{n}-slow" for n in range(count)]
    if name in variants:
        program, env = variants[name]
        command = [
            *program, "watch", *(f"firecrawl:{job}" for job in ids),
            "--interval", "1", "--timeout", str(seconds),
            "--progress", "none", "--json", "--base-url", sim.url, "--api-key", "k",
        ]  # fmt: skip
        expected = 124
    else:
        env = None
        command = [*sdk_script("poll_firecrawl.py"), sim.url, "k", str(seconds), "1", *ids]
        expected = 0
    before, sim_cpu = sim.requests(), sim.cpu_seconds()
    run = measure(command, env=env)
    requests = sim.requests() - before
    sim_cpu = sim.cpu_seconds() - sim_cpu
    if run.exit_code != expected:
        raise SystemExit(f"{name} exited {run.exit_code}: {run.stderr.decode()[-2000:]}")
    if name == "firecrawl-py":
        calls = json.loads(run.stdout.decode().splitlines()[-1])["calls"]
        if calls != requests:
            print(f"note: firecrawl-py made {calls} calls, sim saw {requests}")
    return run, requests, sim_cpu


if __name__ == "__main__":
    main()
