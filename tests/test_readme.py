"""Every `jobwatch` command that README.md shows runs, as shown, against a real `jobwatch sim`.

What is run:

- each command line (or multi-line shell construct) of a ```sh / ```bash block that invokes
  `jobwatch`; a block starting with `#!` is a script and runs as one piece;
- the `run:` lines of the GitHub Actions recipe and the `script:` lines of the GitLab CI recipe
  (```yaml blocks), with the environment each CI system gives;
- `jobwatch sim … &` is started (on a free port), must print its `listening on` line, and is
  stopped; `jobwatch demo` runs once, with `--progress plain`.

How: in a fresh folder per code block (the block's commands run in order, sharing that folder
and its config folder), with every provider pointed at one `jobwatch sim --port 0 --speed 50`
started here: `JOBWATCH_<P>_BASE_URL` is the simulator and `JOBWATCH_<P>_API_KEY` a test key;
`CI`, `GITHUB_*`, `GITLAB_CI` and the providers' own variables are removed. Two rewrites make the
README's commands reach that simulator:

- `--base-url`, `FIRECRAWL_API_URL` and friends on the command line win over the environment,
  so every `http://localhost:PORT` and `http://127.0.0.1:PORT` in a command becomes the
  simulator's URL (any path after the port, such as `/v2`, is kept);
- `--region cn` needs nothing: a base URL from the environment wins over the region's default
  host (checked by `test_an_environment_base_url_beats_the_region`).

Stdin carries a key line, standing in for the user typing at `auth set`'s hidden prompt, and
`FC_KEY` is set for `printenv FC_KEY | jobwatch auth set …`. `jobwatch` on the PATH is a
wrapper that runs this checkout's jobwatch and logs each invocation's exit code, so commands
inside pipes and loops are checked too.

The expected exit code of a command is its trailing `# … exit N …` comment (default 0). No
invocation may exit 2 unless its command says `exit 2`, and then the message must be jobwatch's
own (`jobwatch: error: …`), not the option parser's: a renamed option always fails this test.
Files the README shows are written from its own code blocks (`jobs.toml`, and `providers.toml`
from the ```toml blocks that start with `# providers.toml`). The simulator serves the providers
that file defines, and each of them is pointed at it as the four are.
"""

from __future__ import annotations

import json
import os
import re
import select
import shlex
import shutil
import subprocess
import sys
import textwrap
import tomllib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

from tests.contract import USER_VARS
from tests.e2e.actionrunner import ActionRun

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
PROVIDERS = ("BRIGHTDATA", "ZILLIZ", "COZE", "FIRECRAWL")
SPEED = 50  # every simulated story 50 times faster: the default story takes 0.2 s
PROCESS_TIMEOUT = 120  # generous: a loaded 2-core machine may be slow to start processes
ENV_KEY = "readme-test-key"  # JOBWATCH_<P>_API_KEY, and `${{ secrets.* }}` in the recipes
TYPED_KEY = "fc-readme0123456789abcdef9f2a"  # stdin (the hidden prompt) and $FC_KEY
LOCAL_URL = re.compile(r"http://(?:localhost|127\.0\.0\.1):\d+")
EXIT_NOTE = re.compile(r"#.*\bexit (\d+)\b")
UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
REMOVED_VARS = USER_VARS | {"GITLAB_CI"}
WRAPPER = """#!/bin/sh
"$README_TEST_PYTHON" -m jobwatch "$@"
code=$?
printf '%s\\t%s\\n' "$code" "$*" >> "$README_TEST_LOG"
exit "$code"
"""


# -- reading the README ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CodeBlock:
    line: int  # README line of the first line inside the fence
    lang: str
    text: str


@dataclass(frozen=True)
class Command:
    line: int  # README line where the command starts
    text: str
    expected: int
    kind: str = "shell"  # shell | script | sim | demo

    @property
    def id(self) -> str:
        first = " ".join(re.sub(r"\s#.*$", "", self.text.splitlines()[0]).split())
        return f"README.md:{self.line}: {first[:60]}"


def code_blocks(text: str) -> list[CodeBlock]:
    blocks: list[CodeBlock] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = re.match(r"^```(\w*)\s*$", lines[index])
        index += 1
        if not opening:
            continue
        start = index
        while index < len(lines) and not lines[index].startswith("```"):
            index += 1
        blocks.append(CodeBlock(start + 1, opening[1], "\n".join(lines[start:index]) + "\n"))
        index += 1
    return blocks


def invokes_jobwatch(text: str) -> bool:
    lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return "jobwatch" in list(lexer)


def is_complete(text: str) -> bool:
    """Whether bash reads `text` as complete commands (a loop needs its `done`)."""
    done = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True, check=False)
    return done.returncode == 0


def expected_exit(last_line: str) -> int:
    note = EXIT_NOTE.search(last_line)
    return int(note[1]) if note else 0


def shell_commands(block: CodeBlock) -> list[Command]:
    """The commands of a ```sh or ```bash block that invoke jobwatch."""
    if block.text.startswith("#!"):
        last = block.text.rstrip().splitlines()[-1]
        return [Command(block.line, block.text, expected_exit(last), "script")]
    commands: list[Command] = []
    pending: list[str] = []
    start = block.line
    for offset, line in enumerate(block.text.splitlines()):
        if not pending:
            start = block.line + offset
            if not line.strip():
                continue
        pending.append(line)
        text = "\n".join(pending)
        if line.endswith("\\") or not is_complete(text):
            continue
        pending = []
        if not invokes_jobwatch(text):
            continue
        words = shlex.split(text, comments=True)
        kind = "shell"
        if words[:2] == ["jobwatch", "sim"] and words[-1] == "&":
            kind = "sim"
        elif words[:2] == ["jobwatch", "demo"]:
            kind = "demo"
        commands.append(Command(start, text, expected_exit(line), kind))
    assert not pending, f"README.md:{start}: an incomplete shell command"
    return commands


README_TEXT = README.read_text(encoding="utf-8")
BLOCKS = code_blocks(README_TEXT)
COMMANDS = [
    command for block in BLOCKS if block.lang in ("sh", "bash") for command in shell_commands(block)
]


# -- a small YAML reader: enough for the recipes (mappings, lists, `|` blocks, comments) ---------


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _scalar(text: str) -> str:
    text = re.sub(r"\s+#.*$", "", text).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


class _Yaml:
    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.at = 0

    def _skip(self) -> bool:
        """Skip blank and comment lines; False at the end."""
        while self.at < len(self.lines):
            stripped = self.lines[self.at].strip()
            if stripped and not stripped.startswith("#"):
                return True
            self.at += 1
        return False

    def node(self) -> Any:
        if not self._skip():
            return None
        line = self.lines[self.at]
        if line.lstrip().startswith("- "):
            return self._list(_indent(line))
        return self._mapping(_indent(line))

    def _mapping(self, indent: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        while self._skip():
            line = self.lines[self.at]
            if _indent(line) != indent or line.lstrip().startswith("- "):
                break
            key, _, rest = line.strip().partition(":")
            self.at += 1
            out[key] = self._value(rest.strip(), indent)
        return out

    def _value(self, rest: str, indent: int) -> Any:
        if rest in ("|", ">"):
            block = []
            while self.at < len(self.lines) and (
                not self.lines[self.at].strip() or _indent(self.lines[self.at]) > indent
            ):
                block.append(self.lines[self.at])
                self.at += 1
            return textwrap.dedent("\n".join(block)).strip("\n") + "\n"
        if not rest or rest.startswith("#"):
            if self._skip() and _indent(self.lines[self.at]) > indent:
                return self.node()
            return None
        return _scalar(rest)

    def _list(self, indent: int) -> list[Any]:
        out: list[Any] = []
        while self._skip():
            line = self.lines[self.at]
            if _indent(line) != indent or not line.lstrip().startswith("- "):
                break
            item = line.lstrip()[2:]
            if re.match(r"^[\w-]+:(\s|$)", item):
                self.lines[self.at] = " " * (indent + 2) + item
                out.append(self._mapping(indent + 2))
            else:
                self.at += 1
                out.append(_scalar(item))
        return out


def parse_yaml(text: str) -> Any:
    return _Yaml(text).node()


def yaml_block(marker: str) -> CodeBlock:
    (block,) = [b for b in BLOCKS if b.lang == "yaml" and re.search(marker, b.text, re.M)]
    return block


# -- running commands --------------------------------------------------------------------------


@dataclass
class Outcome:
    command: Command
    code: int
    stdout: str
    stderr: str
    # (exit code, arguments) of every jobwatch process the command started
    invocations: list[tuple[int, str]] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return (
            f"{self.command.id}\n$ {self.command.text}\nexit {self.code}\n"
            f"invocations: {self.invocations}\nstdout: {self.stdout[-2000:]}\n"
            f"stderr: {self.stderr[-2000:]}"
        )


@dataclass(frozen=True)
class Sandbox:
    """Where and how README commands run: the simulator's URL and the jobwatch wrapper."""

    sim_url: str
    bin_dir: Path

    def env(self, folder: Path, log: Path, **extra: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("JOBWATCH_", "GITHUB_")) and key not in REMOVED_VARS
        }
        env["PATH"] = f"{self.bin_dir}{os.pathsep}{env.get('PATH', '')}"
        env["README_TEST_PYTHON"] = sys.executable
        env["README_TEST_LOG"] = str(log)
        env["JOBWATCH_CONFIG_DIR"] = str(folder / "config")
        env["FC_KEY"] = TYPED_KEY
        for provider in (*PROVIDERS, *(name.upper().replace("-", "_") for name in DEFINED)):
            env[f"JOBWATCH_{provider}_BASE_URL"] = self.sim_url
            env[f"JOBWATCH_{provider}_API_KEY"] = ENV_KEY
        env.update(extra)
        return env

    def to_sim(self, text: str) -> str:
        return LOCAL_URL.sub(self.sim_url, text)


def _invocations(log: Path) -> list[tuple[int, str]]:
    if not log.exists():
        return []
    entries = []
    for line in log.read_text(encoding="utf-8").splitlines():
        code, _, args = line.partition("\t")
        entries.append((int(code), args))
    return entries


def run_shell(
    sandbox: Sandbox,
    command: Command,
    folder: Path,
    *,
    text: str | None = None,
    bash_flags: tuple[str, ...] = ("-o", "pipefail"),
    **extra_env: str,
) -> Outcome:
    """Run one README command in `folder` with bash, as a user would paste it."""
    log = folder / f"jobwatch-{command.line}.log"
    log.unlink(missing_ok=True)
    script = sandbox.to_sim(text if text is not None else command.text)
    done = subprocess.run(
        ["bash", *bash_flags, "-c", script],
        cwd=folder,
        env=sandbox.env(folder, log, **extra_env),
        input=TYPED_KEY + "\n",
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=False,
    )
    return Outcome(command, done.returncode, done.stdout, done.stderr, _invocations(log))


def run_sim_line(sandbox: Sandbox, command: Command, folder: Path) -> Outcome:
    """`jobwatch sim --port N … &`: start it on a free port, read its first line, stop it."""
    words = shlex.split(command.text, comments=True)[1:-1]  # no `jobwatch`, no `&`
    if "--port" in words:
        words[words.index("--port") + 1] = "0"
    log = folder / f"jobwatch-{command.line}.log"
    with subprocess.Popen(
        [sys.executable, "-m", "jobwatch", *words],
        cwd=folder,
        env=sandbox.env(folder, log),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        ready, _, _ = select.select([process.stdout], [], [], PROCESS_TIMEOUT)
        first = process.stdout.readline() if ready else ""
        process.terminate()
        _, stderr = process.communicate(timeout=PROCESS_TIMEOUT)
    code = 0 if first.startswith("listening on http://127.0.0.1:") else 1
    return Outcome(command, code, first, stderr, [(code, " ".join(words))])


def run_block(sandbox: Sandbox, commands: list[Command], folder: Path) -> list[Outcome]:
    """One code block's commands, in order, in one folder (so `auth set` is seen by `auth list`)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "jobs.toml").write_text(jobs_file_text(), encoding="utf-8")
    (folder / PROVIDERS_FILE).write_text(providers_file_text(), encoding="utf-8")
    outcomes = []
    for command in commands:
        if command.kind == "sim":
            outcomes.append(run_sim_line(sandbox, command, folder))
        elif command.kind == "demo":
            words = shlex.split(command.text, comments=True)
            if "--progress" not in words:
                words += ["--progress", "plain"]  # the demo's lines, not live bars, in a pipe
            outcomes.append(run_shell(sandbox, command, folder, text=shlex.join(words)))
        else:
            outcomes.append(run_shell(sandbox, command, folder))
    return outcomes


def jobs_file_text() -> str:
    (block,) = [b for b in BLOCKS if b.lang == "toml" and "[[job]]" in b.text]
    return block.text


PROVIDERS_FILE = "providers.toml"


def providers_file_text() -> str:
    """The README's worked examples of `[providers.NAME]` tables, as one file."""
    blocks = [
        b.text for b in BLOCKS if b.lang == "toml" and b.text.startswith(f"# {PROVIDERS_FILE}")
    ]
    return "\n".join(blocks)


DEFINED = tuple(tomllib.loads(providers_file_text()).get("providers", {}))


def check(outcome: Outcome) -> None:
    """What a user would check: the exit code, and that no option or argument was refused."""
    command = outcome.command
    assert outcome.code == command.expected, outcome.describe()
    assert outcome.invocations, f"jobwatch never ran:\n{outcome.describe()}"
    for code, args in outcome.invocations:
        if code == 2:
            assert command.expected == 2, f"`jobwatch {args}` exited 2:\n{outcome.describe()}"
    if command.expected == 2:
        # jobwatch's own usage message, not the option parser's "No such option"
        assert "jobwatch: error:" in outcome.stderr, outcome.describe()
        assert "No such option" not in outcome.stderr, outcome.describe()
        assert "Usage:" not in outcome.stderr, outcome.describe()


# -- the CI recipes -------------------------------------------------------------------------------

GITHUB_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


@dataclass
class GithubRun:
    steps: list[Outcome]
    outputs: dict[str, dict[str, str]]
    summary: str


def run_github_recipe(sandbox: Sandbox, folder: Path, *, job_fails: bool = False) -> GithubRun:
    """The recipe's jobwatch steps, as a GitHub-hosted runner runs them (bash -eo pipefail,
    CI, GITHUB_ACTIONS, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY); `${{ }}` expressions are filled in
    from secrets (the test key) and from the outputs earlier steps wrote. With `job_fails`,
    every Firecrawl job id gets the simulator's `-fail` suffix."""
    block = yaml_block(r"^\s*run: jobwatch")
    folder.mkdir(parents=True, exist_ok=True)
    outputs: dict[str, dict[str, str]] = {}

    def fill(text: str) -> str:
        def value(match: re.Match[str]) -> str:
            expression = match[1]
            if expression.startswith("secrets."):
                return ENV_KEY
            step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
            assert step, f"README.md:{block.line}: no stand-in for ${{{{ {expression} }}}}"
            assert step[2] in outputs.get(step[1], {}), f"step {step[1]} wrote no {step[2]}"
            return outputs[step[1]][step[2]]

        filled = GITHUB_EXPRESSION.sub(value, text)
        return UUID.sub(r"\g<0>-fail", filled) if job_fails else filled

    summary = folder / "step_summary.md"
    runs = []
    for number, step in enumerate(parse_yaml(block.text)):
        if "run" not in step or not invokes_jobwatch(step["run"]):
            continue
        output = folder / f"output-{number}"
        output.write_text("", encoding="utf-8")
        command = Command(block.line, step["run"], 0)
        env = {name: fill(value) for name, value in (step.get("env") or {}).items()}
        outcome = run_shell(
            sandbox,
            command,
            folder,
            text=fill(step["run"]),
            bash_flags=("--noprofile", "--norc", "-eo", "pipefail"),
            CI="true",
            GITHUB_ACTIONS="true",
            GITHUB_OUTPUT=str(output),
            GITHUB_STEP_SUMMARY=str(summary),
            **env,
        )
        runs.append(outcome)
        if "id" in step:
            lines = output.read_text(encoding="utf-8").splitlines()
            outputs[step["id"]] = dict(line.split("=", 1) for line in lines if "=" in line)
    # Every `steps.<id>.outputs.<name>` the recipe uses (in `if:` too) names a written output.
    for step_id, name in re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", block.text):
        assert name in outputs.get(step_id, {}), f"the recipe reads {step_id}.{name}: not written"
    text = summary.read_text(encoding="utf-8") if summary.exists() else ""
    return GithubRun(runs, outputs, text)


ACTION_USE = re.compile(r"^\s*uses: jobwatch/jobwatch@", re.M)
ACTION_BLOCKS = [b for b in BLOCKS if b.lang == "yaml" and ACTION_USE.search(b.text)]


@dataclass
class ActionRecipe:
    block: CodeBlock
    steps: list[tuple[dict[str, Any], ActionRun | Outcome | None]]  # None: skipped by `if:`


def run_action_recipe(sandbox: Sandbox, folder: Path, block: CodeBlock) -> ActionRecipe:
    """The block's steps as a GitHub runner runs them: `uses: jobwatch/jobwatch@…` is this
    checkout's action.yml, run step by step (tests/e2e/actionrunner.py) with its install step
    told to use the jobwatch under test; a `run:` step is bash with `-eo pipefail`; `${{ }}` in
    `with:`, `env:`, `if:` and `run:` is filled in from secrets (the test key) and the outputs of
    earlier steps."""
    import yaml

    from tests.e2e.actionrunner import Expressions, run_action

    folder.mkdir(parents=True, exist_ok=True)
    steps_context: dict[str, dict[str, Any]] = {}
    failed = False

    def status(function: str) -> bool:
        return {"always()": True, "success()": not failed, "failure()": failed,
                "cancelled()": False}[function]  # fmt: skip

    secrets = _AnySecret()
    expressions = Expressions({"secrets": secrets, "steps": steps_context}, status)
    ran: list[tuple[dict[str, Any], ActionRun | Outcome | None]] = []
    for number, step in enumerate(yaml.safe_load(textwrap.dedent(block.text))):
        if not expressions.condition(step.get("if")):
            ran.append((step, None))
            continue
        env = {
            name: expressions.fill(str(value)) for name, value in (step.get("env") or {}).items()
        }
        base = sandbox.env(folder, folder / f"jobwatch-{number}.log", **env)
        if "uses" in step:
            assert ACTION_USE.match(f"uses: {step['uses']}"), step
            inputs = {name: expressions.fill(str(value)) for name, value in step["with"].items()}
            base["JOBWATCH_ACTION_TEST_PYTHON"] = sys.executable
            run = run_action(inputs, base_env=base, work=folder, timeout=PROCESS_TIMEOUT)
            ran.append((step, run))
            outputs, code = run.outputs, 1 if run.failed else 0
        else:
            command = Command(block.line, step["run"], 0)
            outcome = run_shell(sandbox, command, folder, text=expressions.fill(step["run"]),
                                bash_flags=("--noprofile", "--norc", "-eo", "pipefail"),
                                CI="true", GITHUB_ACTIONS="true", **env)  # fmt: skip
            ran.append((step, outcome))
            outputs, code = {}, outcome.code
        if "id" in step:
            steps_context[step["id"]] = {"outputs": outputs}
        failed = failed or code != 0
    return ActionRecipe(block, ran)


class _AnySecret(dict[str, str]):
    """`secrets.ANY_NAME`: the test key."""

    def __contains__(self, key: object) -> bool:
        return True

    def get(self, key: str, default: Any = None) -> str:  # type: ignore[override]
        return ENV_KEY


def run_gitlab_recipe(sandbox: Sandbox, folder: Path) -> Outcome:
    """The recipe's job as a GitLab runner runs it: its `variables`, CI and GITLAB_CI set, the
    `script` lines in one bash with `-eo pipefail`."""
    block = yaml_block(r"^\s*script:")
    folder.mkdir(parents=True, exist_ok=True)
    ((name, job),) = parse_yaml(block.text).items()
    script = "\n".join(job["script"])
    variables = {key: str(value) for key, value in (job.get("variables") or {}).items()}
    command = Command(block.line, script, 0)
    outcome = run_shell(
        sandbox,
        command,
        folder,
        bash_flags=("-eo", "pipefail"),
        CI="true",
        GITLAB_CI="true",
        CI_JOB_NAME=name,
        **variables,
    )
    outcome.files["folder"] = str(folder)
    return outcome


# -- fixtures -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """One real `jobwatch sim --port 0 --speed 50` for the module, and the jobwatch wrapper."""
    home = tmp_path_factory.mktemp("readme")
    bin_dir = home / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "jobwatch"
    wrapper.write_text(WRAPPER, encoding="utf-8")
    wrapper.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("JOBWATCH_")}
    env["JOBWATCH_CONFIG_DIR"] = str(home / "sim-config")
    (home / PROVIDERS_FILE).write_text(providers_file_text(), encoding="utf-8")
    env["JOBWATCH_PROVIDERS_FILE"] = str(home / PROVIDERS_FILE)  # served beside the four
    with (
        open(home / "sim.err", "w", encoding="utf-8") as errors,
        subprocess.Popen(
            [sys.executable, "-m", "jobwatch", "sim", "--port", "0", "--speed", str(SPEED)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env=env,
        ) as process,
    ):
        assert process.stdout is not None
        try:
            ready, _, _ = select.select([process.stdout], [], [], PROCESS_TIMEOUT)
            first = process.stdout.readline().strip() if ready else ""
            assert first.startswith("listening on http://127.0.0.1:"), first
            yield Sandbox(first.removeprefix("listening on "), bin_dir)
        finally:
            process.terminate()
            process.wait(timeout=PROCESS_TIMEOUT)


@dataclass
class Results:
    commands: dict[Command, tuple[Future[list[Outcome]], int]]  # a block's run, and where
    github: Future[GithubRun]
    github_failing: Future[GithubRun]
    gitlab: Future[Outcome]
    action: list[Future[ActionRecipe]]


@pytest.fixture(scope="module")
def results(sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Results]:
    """Everything the README shows, run once: blocks side by side, each block in order (most
    time goes into waiting for the next poll, so four at once keep a 2-core machine calm)."""
    home = tmp_path_factory.mktemp("blocks")
    by_block: dict[int, list[Command]] = {}
    for command in COMMANDS:
        block = max(b.line for b in BLOCKS if b.line <= command.line)
        by_block.setdefault(block, []).append(command)
    with ThreadPoolExecutor(max_workers=4) as pool:
        # The slowest first: the demo takes about 10 s of real time.
        order = sorted(by_block, key=lambda b: not any(c.kind == "demo" for c in by_block[b]))
        block_futures = {
            line: pool.submit(run_block, sandbox, by_block[line], home / f"block-{line}")
            for line in order
        }
        commands = {
            command: (future, index)
            for line, future in block_futures.items()
            for index, command in enumerate(by_block[line])
        }
        yield Results(
            commands,
            pool.submit(run_github_recipe, sandbox, home / "github"),
            pool.submit(run_github_recipe, sandbox, home / "github-failing", job_fails=True),
            pool.submit(run_gitlab_recipe, sandbox, home / "gitlab"),
            [
                pool.submit(run_action_recipe, sandbox, home / f"action-{block.line}", block)
                for block in ACTION_BLOCKS
            ],
        )


# -- the tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", COMMANDS, ids=[c.id for c in COMMANDS])
def test_readme_command(results: Results, command: Command) -> None:
    if re.search(r"\|\s*jq\b", command.text) and shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    block, index = results.commands[command]
    outcome = block.result(timeout=4 * PROCESS_TIMEOUT)[index]
    check(outcome)
    if command.kind == "demo":
        for provider in ("brightdata", "zilliz", "coze", "firecrawl"):
            assert f"] {provider} " in outcome.stderr, outcome.describe()
        assert " succeeded in " in outcome.stderr, outcome.describe()


def test_github_actions_recipe_writes_outputs_and_a_summary(results: Results) -> None:
    run = results.github.result(timeout=4 * PROCESS_TIMEOUT)
    assert run.steps, "the GitHub Actions recipe has no jobwatch step"
    for outcome in run.steps:
        check(outcome)
        assert "::error" not in outcome.stderr
    (outputs,) = run.outputs.values()
    assert outputs == {"state": "succeeded", "exit_code": "0"}
    assert "| provider | job | state |" in run.summary
    assert "| firecrawl |" in run.summary and "succeeded" in run.summary


def test_github_actions_recipe_on_a_failed_job(results: Results) -> None:
    """The README's promises for a failure: `::error`, the table, `state=failed`."""
    run = results.github_failing.result(timeout=4 * PROCESS_TIMEOUT)
    (outcome,) = run.steps
    assert outcome.code == 1, outcome.describe()
    assert "-fail " in outcome.invocations[0][1], outcome.describe()
    assert re.search(
        r"^::error title=jobwatch%3A firecrawl \S+-fail failed::", outcome.stderr, re.M
    )
    (outputs,) = run.outputs.values()
    assert outputs == {"state": "failed", "exit_code": "1"}
    assert "| firecrawl |" in run.summary and "| failed |" in run.summary


def test_gitlab_ci_recipe(results: Results) -> None:
    outcome = results.gitlab.result(timeout=4 * PROCESS_TIMEOUT)
    check(outcome)
    assert "succeeded" in outcome.stderr  # plain progress lines in the job log (CI is set)
    assert "\r" not in outcome.stderr
    folder = Path(outcome.files.get("folder", ""))
    summary = (folder / "jobwatch.md").read_text(encoding="utf-8")
    assert summary.startswith("```mermaid\ngantt\n")
    assert "| zilliz | `job-01a2b3c4d5e6f7g8h9i0j1` | succeeded |" in summary
    jobs = json.loads((folder / "jobwatch.json").read_text(encoding="utf-8"))
    assert jobs["exit_code"] == 0 and jobs["jobs"][0]["state"] == "succeeded"


def test_the_github_action_recipes(results: Results) -> None:
    """Each `uses: jobwatch/jobwatch@…` block of the README, run as a workflow job runs it:
    every action step succeeds with its outputs, and a later step reads them."""
    assert len(results.action) == len(ACTION_BLOCKS) >= 2
    for future in results.action:
        recipe = future.result(timeout=4 * PROCESS_TIMEOUT)
        for step, ran in recipe.steps:
            where = f"README.md:{recipe.block.line}: {step.get('name')}"
            assert ran is not None, f"{where}: skipped"
            if isinstance(ran, Outcome):
                assert ran.code == 0, f"{where}\n{ran.describe()}"
                continue
            assert not ran.failed, f"{where}\n{ran.log}"
            assert ran.outputs["state"] == "succeeded", f"{where}\n{ran.log}"
            jobs = json.loads(ran.outputs["jobs"])
            assert jobs and all(job["state"] == "succeeded" for job in jobs), where
            assert ran.steps["watch"].summary.startswith("```mermaid\ngantt\n"), where
    first = results.action[0].result(timeout=4 * PROCESS_TIMEOUT)
    said = first.steps[-1][1]
    assert isinstance(said, Outcome)
    assert "crawl succeeded (exit code 0)" in said.stdout, said.describe()
    assert re.search(r"^6a1b2c3d-0000-4000-8000-00000000abcd: \d+ of \d+ pages$", said.stdout,
                     re.M), said.describe()  # fmt: skip
    every = results.action[1].result(timeout=4 * PROCESS_TIMEOUT)
    ((_, run),) = every.steps
    assert isinstance(run, ActionRun)
    providers = {job["provider"] for job in json.loads(run.outputs["jobs"])}
    assert providers == {"zilliz", "coze", "brightdata", "firecrawl"}


def test_the_readme_shows_what_this_test_runs() -> None:
    """The extraction itself: it must not silently find nothing."""
    kinds = {command.kind for command in COMMANDS}
    assert {"shell", "script", "sim", "demo"} <= kinds
    assert len(COMMANDS) >= 30
    texts = "\n".join(command.text for command in COMMANDS)
    for shown in ("--region cn", "--base-url http://localhost:", "jobwatch auth remove", "| jq"):
        assert shown in texts
    assert any(command.expected == 2 for command in COMMANDS)
    assert parse_yaml(yaml_block(r"^\s*script:").text)
    assert "[[job]]" in jobs_file_text()
    assert set(DEFINED) == {"openai-batch", "replicate", "assemblyai"}
    assert "jobwatch providers check providers.toml" in texts
    titles = re.findall(r"^## (.+)$", README_TEXT, re.M)
    assert titles[-2:] == ["Benchmarks", "Development"]


def test_the_config_example_is_a_config_jobwatch_reads(sandbox: Sandbox, tmp_path: Path) -> None:
    (block,) = [b for b in BLOCKS if b.lang == "toml" and "[profiles." in b.text]
    assert tomllib.loads(block.text)
    (tmp_path / "config").mkdir(mode=0o700)
    (tmp_path / "config" / "config.toml").write_text(block.text, encoding="utf-8")
    command = Command(block.line, "jobwatch auth list", 0)
    outcome = run_shell(sandbox, command, tmp_path)
    check(outcome)
    assert re.search(r"^default \(default\)\tfirecrawl\tfc-…  base_url=", outcome.stdout, re.M)
    assert re.search(
        r"^default \(default\)\tzilliz\t…  region=cn  cluster_id=", outcome.stdout, re.M
    )


@pytest.mark.parametrize(
    ("pattern", "broken"),
    [
        (r"jobwatch firecrawl demo-fail .*--watch", ("--watch", "--wacth")),  # expects exit 1
        (r"--base-url http://localhost:3002/v2", ("--base-url", "--base-uri")),  # expects exit 2
        (r"^#!", ("--crawl", "--crawls")),  # the shell loop
    ],
)
def test_a_broken_readme_command_fails_the_check(
    sandbox: Sandbox, tmp_path: Path, pattern: str, broken: tuple[str, str]
) -> None:
    """Rename an option in a README command: the check must notice."""
    (command,) = [c for c in COMMANDS if re.search(pattern, c.text, re.M)]
    mutated = replace(command, text=command.text.replace(*broken))
    assert mutated.text != command.text
    outcome = run_shell(sandbox, mutated, tmp_path)
    with pytest.raises(AssertionError):
        check(outcome)


def test_an_environment_base_url_beats_the_region() -> None:
    """What lets `--region cn` commands reach the simulator in this test."""
    from jobwatch import config
    from jobwatch.providers import PROVIDERS as CLASSES

    for name in ("zilliz", "coze"):
        cls = CLASSES[name].default
        settings = config.resolve(
            name,
            key_env_vars=cls.key_env_vars,
            cli_region="cn",
            data={},
            env={f"JOBWATCH_{name.upper()}_BASE_URL": "http://127.0.0.1:8787"},
        )
        context = {"dataset_id": "7441234567890123456"} if name == "coze" else {}
        if name == "zilliz":
            context = {"cluster_id": "in01-0123456789abcdef"}
        provider = cls(replace(settings, api_key=ENV_KEY), **context)
        assert provider.base_url == "http://127.0.0.1:8787"
