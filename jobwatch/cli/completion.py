"""Shell completion of the first word, the command (`jobwatch fi<TAB>`), answered without the
Typer app: building it and its parameters costs more than the whole answer should take. Every
other completion (options, their values, `watch` references, profiles) is Typer's.

The answers are Typer's, to the byte, for bash, zsh and fish (the scripts in completions/ ask
through `_JOBWATCH_COMPLETE=complete_SHELL`): a test compares the two.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping

COMPLETE_VAR = "_JOBWATCH_COMPLETE"
SHELLS = ("bash", "zsh", "fish")


def requested(env: Mapping[str, str]) -> bool:
    """Whether the shell asks for a completion."""
    return COMPLETE_VAR in env


def answer(env: Mapping[str, str]) -> tuple[str, int] | None:
    """(what to print, exit code) for a completion of the first word; None for any other
    completion, which the Typer app answers."""
    shell = env.get(COMPLETE_VAR, "").removeprefix("complete_")
    if shell not in SHELLS:
        return None
    words = _words(env, shell)
    if words is None:
        return None
    args, incomplete = words
    if args or incomplete.startswith("-"):
        return None
    from jobwatch.cli.commands import command_list

    items = [(name, text) for name, text in command_list() if name.startswith(incomplete)]
    if shell == "bash":
        return "\n".join(name for name, _ in items), 0
    if shell == "zsh":
        if not items:
            return "_files", 0
        lines = "\n".join(f'"{_zsh(name)}":"{_zsh(text)}"' for name, text in items)
        return f"_arguments '*: :(({lines}))'", 0
    action = env.get("_TYPER_COMPLETE_FISH_ACTION", "")
    if action == "is-args":
        return "", 0 if items else 1
    if action == "get-args" and items:
        return "\n".join(f"{name}\t{' '.join(text.split())}" for name, text in items), 0
    return "", 0


def _words(env: Mapping[str, str], shell: str) -> tuple[list[str], str] | None:
    """The words before the one being completed (without the program's), and that one."""
    try:
        if shell == "bash":
            words = _split(env.get("COMP_WORDS", ""))
            current = int(env.get("COMP_CWORD", "0"))
            incomplete = words[current] if current < len(words) else ""
            return words[1:current], incomplete
        line = env.get("_TYPER_COMPLETE_ARGS", "")
        words = _split(line)[1:]
    except ValueError:
        return None
    if words and not line.endswith(" "):
        return words[:-1], words[-1]
    return words, ""


def _split(text: str) -> list[str]:
    """Words as the shell splits them, a quote left open included (as Click reads them)."""
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = ""
    words: list[str] = []
    try:
        words.extend(lexer)
    except ValueError:  # an open quote: the rest is the word being typed
        words.append(lexer.token)
    return words


def _zsh(text: str) -> str:
    return (
        text.replace('"', '""')
        .replace("'", "''")
        .replace("$", "\\$")
        .replace("`", "\\`")
        .replace(":", r"\\:")
    )
