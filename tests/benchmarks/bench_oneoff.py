"""One-off check: `jobwatch firecrawl ID --json` against a minimal httpx script and against
firecrawl-py's `get_batch_scrape_status`, all fetching the same job from `jobwatch sim`.

Run: .venv/bin/python tests/benchmarks/bench_oneoff.py [--repeat 30]

Interleaved runs, medians of wall time. Targets: jobwatch <= 1.25x the httpx script and
<= 0.4x the firecrawl-py script.
"""

from __future__ import annotations

import argparse

from benchkit import HERE, JOBWATCH, PYTHON, Sim, machine, measure, median, ms, verdict

JOB = "bench-oneoff"  # default story: succeeded after 10 s (speed 1), a small body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    with Sim(speed=1.0) as sim:
        commands = {
            "httpx script": [
                PYTHON,
                str(HERE / "sdk" / "oneoff_httpx.py"),
                f"{sim.url}/v2/batch/scrape/{JOB}",
                "k",
            ],
            "firecrawl-py script": [
                PYTHON,
                str(HERE / "sdk" / "oneoff_firecrawl.py"),
                sim.url,
                "k",
                JOB,
            ],
            "jobwatch firecrawl --json": [
                JOBWATCH,
                "firecrawl",
                JOB,
                "--json",
                "--base-url",
                sim.url,
                "--api-key",
                "k",
            ],
        }
        for command in commands.values():
            run = measure(command)
            if run.exit_code not in (0,):
                raise SystemExit(f"{command} exited {run.exit_code}: {run.stderr.decode()}")
        walls: dict[str, list[float]] = {name: [] for name in commands}
        cpus: dict[str, list[float]] = {name: [] for name in commands}
        rss: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                run = measure(command)
                walls[name].append(run.wall)
                cpus[name].append(run.cpu)
                rss[name].append(run.max_rss_mb)
    ours = median(walls["jobwatch firecrawl --json"])
    print(f"machine: {machine()}; {args.repeat} interleaved runs each, medians")
    print(f"{'command':28} {'wall':>10} {'cpu':>10} {'peak RSS':>9}")
    for name in commands:
        print(
            f"{name:28} {ms(median(walls[name])):>10} {ms(median(cpus[name])):>10} "
            f"{median(rss[name]):>6.1f} MB"
        )
    vs_httpx = ours / median(walls["httpx script"])
    vs_sdk = ours / median(walls["firecrawl-py script"])
    met = verdict(vs_httpx, 1.25)
    print(f"jobwatch / httpx script:       {vs_httpx:.2f}x  (target <= 1.25)  {met}")
    print(f"jobwatch / firecrawl-py script: {vs_sdk:.2f}x  (target <= 0.4)  {verdict(vs_sdk, 0.4)}")


if __name__ == "__main__":
    main()
