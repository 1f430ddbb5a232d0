"""The house's shape (README: Layout): each layer imports only the layers below it, and no module
imports itself back through others — counting imports inside functions and under TYPE_CHECKING,
which are real at run time or to a reader all the same."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "jobwatch"

# What each part of jobwatch may import besides itself (`jobwatch` alone: __version__).
ALLOWED: dict[str, set[str]] = {
    "__main__": {"cli"},
    "core": set(),
    "files": {"core"},
    "config": {"core", "files"},
    "streams": set(),
    "http": {"core"},
    "providers": {"core", "http"},
    "poll": {"core", "http", "providers"},
    "render": {"core", "files", "streams"},
    "sim": {"core", "providers"},
    "session": {"core", "http", "providers", "poll", "render", "config", "files", "streams"},
    "cli": {
        "core",
        "http",
        "providers",
        "poll",
        "render",
        "session",
        "sim",
        "config",
        "files",
        "streams",
    },
}
# A provider's simulator stand-in (providers/NAME/sim.py) is built on the simulator's kit.
STAND_IN_ALLOWED = {"core", "providers", "sim"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str:
    while name not in MODULES and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def _imports(name: str, path: Path) -> set[str]:
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {_resolve(a.name) for a in node.names if a.name.startswith("jobwatch")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                head = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(head) + (f".{node.module}" if node.module else "")
            else:
                base = node.module or ""
            if base.startswith("jobwatch"):
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    found.add(full if full in MODULES else _resolve(base))
    found.discard(name)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _part(module: str) -> str:
    return module.split(".")[1] if "." in module else ""


def test_each_layer_imports_only_the_layers_below_it() -> None:
    wrong = []
    for module, imports in sorted(GRAPH.items()):
        part = _part(module)
        if not part:
            continue
        allowed = ALLOWED[part]
        if part == "providers" and module.endswith(".sim"):
            allowed = STAND_IN_ALLOWED
        for target in sorted(imports):
            other = _part(target)
            if other and other != part and other not in allowed:
                wrong.append(f"{module} imports {target}")
    assert wrong == []


def test_no_import_cycle() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in GRAPH:
        if node not in index:
            visit(node)
    assert cycles == []


def test_no_module_names_a_document_outside_the_repository() -> None:
    outside = (
        "PRODUCT.md",
        "PROVIDERS.md",
        "ENDPOINTS-NEXT.md",
        "JOBS-MORE.md",
        "specs/",
        "shared/",
    )
    named = [
        f"{path.relative_to(PACKAGE.parent)}: {word}"
        for path in PACKAGE.rglob("*.py")
        for word in outside
        if word in path.read_text(encoding="utf-8")
    ]
    assert named == []
