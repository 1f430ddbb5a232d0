"""Start-up: `jobwatch --version`, `jobwatch --help` and the shell's completion of
`jobwatch fi<TAB>` against `python -c "import httpx"`.

Run: .venv/bin/python tests/benchmarks/bench_startup.py [--repeat 40]

The commands run interleaved (round-robin, so machine noise hits all of them alike); the
medians of their wall times are compared. Targets: --version and --help no slower than the
import (ratio <= 1.0); the completion within 0.3 s.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time

from benchkit import JOBWATCH, PYTHON, machine, median, ms, verdict

COMMANDS = {
    "python -c 'import httpx'": [PYTHON, "-c", "import httpx"],
    "jobwatch --version": [JOBWATCH, "--version"],
    "jobwatch --help": [JOBWATCH, "--help"],
    "jobwatch fi<TAB> (bash)": [JOBWATCH],
}
# What bash's completion function (completions/jobwatch.bash) sets for `jobwatch fi<TAB>`.
COMPLETION_ENV = {
    "_JOBWATCH_COMPLETE": "complete_bash",
    "COMP_WORDS": "jobwatch fi",
    "COMP_CWORD": "1",
}


def wall(name: str, command: list[str]) -> float:
    env = {**os.environ, **COMPLETION_ENV} if "<TAB>" in name else None
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    for name, command in COMMANDS.items():  # warm the page cache and .pyc files
        wall(name, command)
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(args.repeat):
        for name, command in COMMANDS.items():
            times[name].append(wall(name, command))
    base = median(times["python -c 'import httpx'"])
    print(f"machine: {machine()}; {args.repeat} interleaved runs each, medians")
    print(f"{'command':28} {'median':>10} {'ratio':>7}  target")
    for name, values in times.items():
        ratio = median(values) / base
        if name.startswith("python"):
            target = ""
        elif "<TAB>" in name:
            target = f"<= 0.3 s  {verdict(median(values), 0.3)}"
        else:
            target = f"<= 1.0  {verdict(ratio, 1.0)}"
        print(f"{name:28} {ms(median(values)):>10} {ratio:>6.2f}x  {target}")


if __name__ == "__main__":
    main()
