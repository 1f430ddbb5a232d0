"""Start-up: `jobwatch --version` and `jobwatch --help` against `python -c "import httpx"`.

Run: .venv/bin/python tests/benchmarks/bench_startup.py [--repeat 40]

The three commands run interleaved (round-robin, so machine noise hits all of them alike);
the medians of their wall times are compared. Target: jobwatch no slower (ratio <= 1.0).
"""

from __future__ import annotations

import argparse
import subprocess
import time

from benchkit import JOBWATCH, PYTHON, machine, median, ms, verdict

COMMANDS = {
    "python -c 'import httpx'": [PYTHON, "-c", "import httpx"],
    "jobwatch --version": [JOBWATCH, "--version"],
    "jobwatch --help": [JOBWATCH, "--help"],
}


def wall(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    for command in COMMANDS.values():  # warm the page cache and .pyc files
        wall(command)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):
        for name, command in COMMANDS.items():
            times[name].append(wall(command))
    base = median(times["python -c 'import httpx'"])
    print(f"machine: {machine()}; {args.repeat} interleaved runs each, medians")
    print(f"{'command':28} {'median':>10} {'ratio':>7}  target")
    for name, values in times.items():
        ratio = median(values) / base
        target = "" if name.startswith("python") else f"<= 1.0  {verdict(ratio, 1.0)}"
        print(f"{name:28} {ms(median(values)):>10} {ratio:>6.2f}x  {target}")


if __name__ == "__main__":
    main()
