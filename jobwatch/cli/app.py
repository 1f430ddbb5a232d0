"""The Typer app: the root, the job commands (made from the option and provider tables in
jobs.py), `cancel` (cancel.py), `auth` (auth.py), the simulator and the demo. What the job
commands do is in command.py, which the fast path (fastpath.py) runs too. The app is run by
the console entry (main.py), the one place its results become exit codes."""

from __future__ import annotations

import inspect
import sys
from dataclasses import replace
from typing import Annotated, Any

import typer

from jobwatch import version_line
from jobwatch.cli.auth import auth_app
from jobwatch.cli.cancel import add_cancel_command
from jobwatch.cli.commands import OTHER_COMMANDS
from jobwatch.cli.help import Command, Group, carries_errors
from jobwatch.cli.jobs import add_job_commands, epilog, option_parameter
from jobwatch.cli.options import SHARED, settle
from jobwatch.core.errors import UsageError

ROOT_EXAMPLES = (
    "jobwatch demo",
    "jobwatch firecrawl 6a1b2c3d-0000-4000-8000-00000000abcd --watch --timeout 30m",
    "jobwatch watch --file jobs.toml",
)


def _version(value: bool) -> None:
    if value:
        print(version_line())
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Check and watch asynchronous jobs at Bright Data, Zilliz/Milvus, Coze and Firecrawl.

    Exit codes: 0 succeeded, 1 a job failed or was cancelled, 2 usage error, 3 state could
    not be learned, 4 credentials missing or rejected, 5 a job stalled, 124 --timeout reached,
    130 interrupted (143 on SIGTERM, 129 on SIGHUP), 141 stdout closed.
    """


def make_app() -> typer.Typer:
    """The app, with a command for each provider registered now (tests register a fifth)."""
    app = typer.Typer(
        cls=Group,
        name="jobwatch",
        no_args_is_help=True,
        rich_markup_mode=None,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback(epilog=epilog(ROOT_EXAMPLES))(_root)
    add_job_commands(app)
    add_cancel_command(app)
    app.add_typer(auth_app, name="auth", short_help=OTHER_COMMANDS["auth"])
    app.command(cls=Command, short_help=OTHER_COMMANDS["sim"], epilog=epilog(SIM_EXAMPLES))(sim)
    app.command(cls=Command, short_help=OTHER_COMMANDS["demo"], epilog=epilog(("jobwatch demo",)))(
        demo
    )
    return app


SIM_EXAMPLES = (
    "jobwatch sim --port 8787 --speed 10 &",
    "jobwatch firecrawl demo-fail --base-url http://127.0.0.1:8787 --api-key any --watch",
)


@carries_errors
def sim(
    host: Annotated[
        str, typer.Option("--host", metavar="ADDRESS", help="Address to bind.")
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option("--port", min=0, max=65535, metavar="PORT", help="0 takes a free port."),
    ] = 8787,
    speed: Annotated[
        float,
        typer.Option(
            "--speed", min=0.01, max=10000, metavar="N", help="Run every story N times faster."
        ),
    ] = 1.0,
    log: Annotated[
        str | None,
        typer.Option(
            "--log",
            metavar="FILE",
            help="Log each request (time, method, path, status; never a key) to FILE, or - "
            "for stderr.",
        ),
    ] = None,
) -> None:
    """Serve a local stand-in for the four providers' APIs, on loopback.

    A job's id picks its story: -fail, -startfail, -partial, -stall, -late, -slow, -429,
    -500, -flaky, -gone, -big (Firecrawl), -uncommitted (Milvus), -action (Coze chats); any
    other id succeeds in about 10 s. The key bad-key is rejected.
    """
    from jobwatch.sim.server import serve_forever

    if log and log != "-":
        try:
            open(log, "a", encoding="utf-8").close()  # noqa: SIM115 - only a check
        except OSError as exc:
            raise UsageError(f"cannot write the request log {log}: {exc.strerror}") from None
    try:
        serve_forever(host, port, speed, sys.stdout, log=sys.stderr if log == "-" else log)
    except BrokenPipeError:  # stdout cannot take the `listening on` line: exit 141
        raise
    except OSError as exc:
        raise UsageError(_cannot_listen(host, port, exc)) from None
    except KeyboardInterrupt:
        return


def _cannot_listen(host: str, port: int, exc: OSError) -> str:
    """Why the simulator could not listen, and what to do: one line."""
    import errno

    if exc.errno == errno.EADDRINUSE:
        return f"port {port} is in use: choose another with --port, or --port 0"
    if exc.errno == errno.EACCES:
        return f"port {port} needs privileges: choose one above 1023 with --port, or --port 0"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"cannot listen on {host}: not an address of this machine (try --host 127.0.0.1)"
    why = exc.strerror or type(exc).__name__
    return f"cannot listen on {host}:{port}: {why} (try --host 127.0.0.1 --port 0)"


@carries_errors
def demo(**given: Any) -> int:
    """Start the simulator in-process and watch a mix of demo jobs from all four providers."""
    from jobwatch.cli.demo import run_demo

    run, _ = settle(given, {}, "")
    return run_demo(replace(run, watch=True, interval=1.0, timeout=60.0, request_timeout=5.0))


demo.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
    [option_parameter(option) for option in SHARED if option.name in ("progress", "color")]
)


app = make_app()
