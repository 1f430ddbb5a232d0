"""Payload: one Firecrawl `-big` job (about 10 MB of scraped `data` in every status body),
watched by jobwatch and polled by firecrawl-py, every second for the same time.

Run: .venv/bin/python tests/benchmarks/bench_payload.py [--seconds 20]

The simulator runs at speed 0.4, so a `-big` job (10 story seconds) runs 25 s: both watchers
see a running job for the whole measurement and jobwatch ends at its --timeout (exit 124).
Each side gets its own job id. CPU per poll = CPU time of the process (user + system, from
os.wait4, start-up included) / requests the simulator answered during that run.
Targets: jobwatch's peak RSS and CPU per poll each at most half of firecrawl-py's.
"""

from __future__ import annotations

import argparse
import json
import uuid

from benchkit import JOBWATCH, Sim, machine, measure, sdk_script, verdict

SPEED = 0.4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    run_id = uuid.uuid4().hex[:8]
    rows = []
    with Sim(speed=SPEED) as sim:
        for name in ("jobwatch", "firecrawl-py"):
            job = f"bench-{run_id}-{name}-big"
            if name == "jobwatch":
                command = [
                    JOBWATCH, "firecrawl", job, "--watch", "--interval", "1",
                    "--timeout", str(args.seconds), "--json", "--progress", "none",
                    "--base-url", sim.url, "--api-key", "k",
                ]  # fmt: skip
            else:
                command = [
                    *sdk_script("poll_firecrawl.py"),
                    sim.url,
                    "k",
                    str(args.seconds),
                    "1",
                    job,
                ]
            before, sim_cpu = sim.requests(), sim.cpu_seconds()
            run = measure(command)
            requests = sim.requests() - before - 0
            expected = 124 if name == "jobwatch" else 0
            if run.exit_code != expected:
                raise SystemExit(f"{name} exited {run.exit_code}: {run.stderr.decode()[-2000:]}")
            if name == "firecrawl-py":
                calls = json.loads(run.stdout.decode().splitlines()[-1])["calls"]
                assert calls == requests, (calls, requests)
            rows.append((name, run, requests, sim.cpu_seconds() - sim_cpu))
    print(f"machine: {machine()}; one -big job, {args.seconds} s at 1 s, sim speed {SPEED}")
    print(f"{'watcher':14} {'requests':>8} {'CPU s':>7} {'CPU/poll':>10} {'peak RSS':>9}")
    for name, run, requests, _ in rows:
        print(
            f"{name:14} {requests:>8} {run.cpu:>7.2f} {run.cpu / requests * 1000:>7.1f} ms "
            f"{run.max_rss_mb:>6.1f} MB"
        )
    (_, ours, our_requests, _), (_, sdk, sdk_requests, _) = rows
    rss = ours.max_rss_mb / sdk.max_rss_mb
    cpu = (ours.cpu / our_requests) / (sdk.cpu / sdk_requests)
    print(f"peak RSS jobwatch / firecrawl-py: {rss:.2f}x (target <= 0.5)  {verdict(rss, 0.5)}")
    print(f"CPU/poll jobwatch / firecrawl-py: {cpu:.2f}x (target <= 0.5)  {verdict(cpu, 0.5)}")


if __name__ == "__main__":
    main()
