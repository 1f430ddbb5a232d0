"""Run a command as a child of this small process; write the child's peak memory to a file.

`python tests/e2e/peak.py FILE COMMAND...` exits as COMMAND did (by the same signal if it was
killed by one), forwards SIGTERM, SIGINT and SIGHUP to it, and writes its `ru_maxrss` (KiB) to
FILE. Why not measure the child of the pytest worker directly: Linux keeps a process's
high-water mark across exec, and `subprocess` starts children with vfork (the worker's memory
until exec), so every child of a worker that has grown to 180 MiB reported at least that. A
child forked from this process starts from this process's few MiB instead.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path


def main() -> None:
    out, *command = sys.argv[1:]
    pid = os.fork()
    if pid == 0:  # pragma: no cover - replaced by exec
        os.execv(command[0], command)
    for forwarded in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(forwarded, lambda number, _frame: os.kill(pid, number))
    _, status, usage = os.wait4(pid, 0)  # retried after a forwarded signal (PEP 475)
    Path(out).write_text(str(usage.ru_maxrss), encoding="ascii")
    code = os.waitstatus_to_exitcode(status)
    if code < 0:
        signal.signal(-code, signal.SIG_DFL)
        os.kill(os.getpid(), -code)
    sys.exit(code)


if __name__ == "__main__":
    main()
