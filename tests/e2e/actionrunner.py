"""Runs action.yml the way a GitHub runner runs a composite action, for the action's tests.

What the runner does, as far as this action needs it: each step's `if:` is an expression
(default `success()`); `${{ … }}` in `env:`, `with:` and `run:` is replaced by the expression's
value (inputs, step outputs and outcomes, `github.action_path`, `runner.temp`) before the shell
sees anything; a `run:` step is a script file run as `bash --noprofile --norc -eo pipefail FILE`,
with GITHUB_ACTIONS, CI, RUNNER_TEMP, GITHUB_ACTION_PATH and a fresh GITHUB_OUTPUT and
GITHUB_STEP_SUMMARY file of its own; the outputs are read from GITHUB_OUTPUT as the runner reads
them (`name=value`, or `name<<DELIMITER` … `DELIMITER`; any other line is an error); the action
fails when a step fails. A `uses:` step is not run: a stand-in given by the test answers for it.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent.parent
ACTION = ROOT / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}", re.S)


def load_action() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    return document


# -- expressions ---------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||!|\(|\))"
    r"|(?P<name>[A-Za-z_][\w.-]*(?:\(\))?))"
)


class Expressions:
    """GitHub's expression language, the part the action uses: strings, names, `==`, `!=`,
    `!`, `&&`, `||`, parentheses and the status functions."""

    def __init__(self, context: Mapping[str, Any], status: Callable[[str], bool]) -> None:
        self.context = context
        self.status = status

    def evaluate(self, text: str) -> Any:
        tokens = self._tokens(text)
        value, rest = self._or(tokens)
        assert not rest, f"cannot read the expression {text!r}"
        return value

    def fill(self, text: str) -> str:
        """`text` with each `${{ … }}` replaced by its value, as the runner does."""
        return EXPRESSION.sub(lambda match: _string(self.evaluate(match[1])), text)

    def condition(self, text: str | None) -> bool:
        if text is None:
            return self.status("success()")
        inner = EXPRESSION.fullmatch(text.strip())
        value = self.evaluate(inner[1] if inner else text)
        if not re.search(r"\b(always|failure|cancelled|success)\(\)", text):
            value = value and self.status("success()")  # GitHub adds success() && …
        return bool(value)

    def _tokens(self, text: str) -> list[tuple[str, str]]:
        tokens, at = [], 0
        while at < len(text.rstrip()):
            match = _TOKEN.match(text, at)
            assert match and match.end() > at, f"cannot read {text[at:]!r}"
            kind = next(name for name in ("string", "op", "name") if match[name] is not None)
            tokens.append((kind, match[kind]))
            at = match.end()
        return tokens

    def _or(self, tokens: list[tuple[str, str]]) -> tuple[Any, list[tuple[str, str]]]:
        left, tokens = self._and(tokens)
        while tokens and tokens[0] == ("op", "||"):
            right, tokens = self._and(tokens[1:])
            left = left or right
        return left, tokens

    def _and(self, tokens: list[tuple[str, str]]) -> tuple[Any, list[tuple[str, str]]]:
        left, tokens = self._compare(tokens)
        while tokens and tokens[0] == ("op", "&&"):
            right, tokens = self._compare(tokens[1:])
            left = left and right
        return left, tokens

    def _compare(self, tokens: list[tuple[str, str]]) -> tuple[Any, list[tuple[str, str]]]:
        left, tokens = self._unary(tokens)
        if tokens and tokens[0] in (("op", "=="), ("op", "!=")):
            operator = tokens[0][1]
            right, tokens = self._unary(tokens[1:])
            same = _string(left).lower() == _string(right).lower()  # case-insensitive
            return (same if operator == "==" else not same), tokens
        return left, tokens

    def _unary(self, tokens: list[tuple[str, str]]) -> tuple[Any, list[tuple[str, str]]]:
        kind, text = tokens[0]
        if (kind, text) == ("op", "!"):
            value, rest = self._unary(tokens[1:])
            return not value, rest
        if (kind, text) == ("op", "("):
            value, rest = self._or(tokens[1:])
            assert rest and rest[0] == ("op", ")")
            return value, rest[1:]
        if kind == "string":
            return text[1:-1].replace("''", "'"), tokens[1:]
        if text.endswith("()"):
            return self.status(text), tokens[1:]
        return self._lookup(text), tokens[1:]

    def _lookup(self, name: str) -> Any:
        value: Any = self.context
        for part in name.split("."):
            if not isinstance(value, Mapping):
                return ""
            assert part in value or value is not self.context, f"unknown context {name!r}"
            value = value.get(part, "")  # a missing output or property is ''
        return value


def _string(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


# -- outputs -------------------------------------------------------------------------------------


def read_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT as the runner reads it; a line it would refuse raises AssertionError."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index].removesuffix("\r")
        index += 1
        if not line:
            continue
        equals, heredoc = line.find("="), line.find("<<")
        if equals > 0 and (heredoc < 0 or equals < heredoc):
            outputs[line[:equals]] = line[equals + 1 :]
            continue
        assert heredoc > 0, f"GITHUB_OUTPUT: invalid line {line!r}"
        name, delimiter = line[:heredoc], line[heredoc + 2 :]
        value: list[str] = []
        while True:
            assert index < len(lines), f"GITHUB_OUTPUT: no closing {delimiter!r} for {name}"
            body = lines[index].removesuffix("\r")
            index += 1
            if body == delimiter:
                break
            value.append(body)
        outputs[name] = "\n".join(value)
    return outputs


# -- steps ---------------------------------------------------------------------------------------


@dataclass
class Step:
    id: str
    ran: bool
    code: int = 0
    stdout: str = ""
    stderr: str = ""
    outputs: dict[str, str] = field(default_factory=dict)
    raw_output: str = ""  # GITHUB_OUTPUT as the step left it
    summary: str = ""
    env: dict[str, str] = field(default_factory=dict)
    script: str = ""


@dataclass
class ActionRun:
    steps: dict[str, Step]
    outputs: dict[str, str]
    failed: bool

    @property
    def log(self) -> str:
        return "".join(step.stdout + step.stderr for step in self.steps.values())

    @property
    def summary(self) -> str:
        return "".join(step.summary for step in self.steps.values())


UsesStandIn = Callable[[Mapping[str, str]], dict[str, str]]
# Called as a run: step's process starts; returns what it read of the process's stderr.
Started = Callable[[str, "subprocess.Popen[str]"], str]


def run_action(
    inputs: Mapping[str, str],
    *,
    base_env: Mapping[str, str],
    work: Path,
    uses: Mapping[str, UsesStandIn] | None = None,
    started: Started | None = None,
    timeout: float = 300,
) -> ActionRun:
    """Run action.yml's steps with these inputs (unknown ones are refused, as the runner
    warns), in `work` (the workspace), with RUNNER_TEMP a folder under it. `started(step id,
    process)` is called as each run: step's process starts (to send it a signal): it returns
    the text it read from the process's stderr, if any."""
    action = load_action()
    declared = action["inputs"]
    assert set(inputs) <= set(declared), f"no such input: {set(inputs) - set(declared)}"
    values = {name: str(spec.get("default", "")) for name, spec in declared.items()}
    values.update(inputs)
    temp = work / "runner-temp"
    temp.mkdir(parents=True, exist_ok=True)
    steps_context: dict[str, dict[str, Any]] = {}
    failed = False

    def status(function: str) -> bool:
        return {"always()": True, "success()": not failed, "failure()": failed,
                "cancelled()": False}[function]  # fmt: skip

    context = {
        "inputs": values,
        "steps": steps_context,
        "github": {"action_path": str(ROOT)},
        "runner": {"temp": str(temp)},
    }
    expressions = Expressions(context, status)
    steps: dict[str, Step] = {}
    for number, spec in enumerate(action["runs"]["steps"]):
        step_id = spec.get("id", f"__step{number}")
        if not expressions.condition(spec.get("if")):
            steps[step_id] = Step(step_id, ran=False)
            steps_context[step_id] = {"outputs": {}, "outcome": "skipped"}
            continue
        if "uses" in spec:
            stand_in = (uses or {}).get(spec["uses"])
            assert stand_in is not None, f"no stand-in for `uses: {spec['uses']}`"
            given = {k: expressions.fill(_string(v)) for k, v in (spec.get("with") or {}).items()}
            step = Step(step_id, ran=True, outputs=stand_in(given), env=given)
        else:
            step = _run_step(spec, step_id, number, expressions, base_env, work, temp, started,
                             timeout)  # fmt: skip
        steps[step_id] = step
        outcome = "success" if step.code == 0 else "failure"
        steps_context[step_id] = {"outputs": step.outputs, "outcome": outcome}
        failed = failed or step.code != 0
    outputs = {
        name: expressions.fill(str(spec["value"])) for name, spec in action["outputs"].items()
    }
    return ActionRun(steps, outputs, failed)


def _run_step(
    spec: Mapping[str, Any],
    step_id: str,
    number: int,
    expressions: Expressions,
    base_env: Mapping[str, str],
    work: Path,
    temp: Path,
    started: Started | None,
    timeout: float,
) -> Step:
    assert spec.get("shell") == "bash", f"step {step_id}: only bash steps are emulated"
    files = Path(tempfile.mkdtemp(prefix=f"_runner_file_commands_{number}_", dir=temp))
    output, summary = files / "set_output", files / "step_summary"
    output.touch()
    summary.touch()
    env = {**base_env}
    env.update(
        GITHUB_ACTIONS="true",
        CI="true",
        RUNNER_TEMP=str(temp),
        GITHUB_ACTION_PATH=str(ROOT),
        GITHUB_OUTPUT=str(output),
        GITHUB_STEP_SUMMARY=str(summary),
    )
    step_env = {
        name: expressions.fill(str(value)) for name, value in (spec.get("env") or {}).items()
    }
    env.update(step_env)
    script = expressions.fill(spec["run"])
    script_file = files / "script.sh"
    script_file.write_text(script, encoding="utf-8")
    with subprocess.Popen(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
        cwd=work,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        early = started(step_id, process) if started is not None else ""
        stdout, stderr = process.communicate(timeout=timeout)
        stderr = early + stderr
    return Step(
        step_id,
        ran=True,
        code=process.returncode,
        stdout=stdout,
        stderr=stderr,
        outputs=read_outputs(output.read_text(encoding="utf-8")),
        raw_output=output.read_text(encoding="utf-8"),
        summary=summary.read_text(encoding="utf-8"),
        env=step_env,
        script=script,
    )
