"""The layering of docs/architecture.md, checked on the source: which app may import which, and
no import circle anywhere in our code (a lazy import inside a function counts; an import under
`if TYPE_CHECKING:` does not, since it never runs)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ("athletes", "programs", "generation", "settings_app", "replog")
# The project package's modules that sit below every app (Django only) …
REPLOG_BELOW = {"replog.access", "replog.types", "replog.jsondata", "replog.text", "replog.forms"}
# … and which of our top-level packages each may import (besides itself).
MAY_IMPORT: dict[str, set[str]] = {
    "settings_app": set(),
    "replog_below": set(),
    "programs": {"settings_app", "replog_below"},
    "athletes": {"programs", "settings_app", "replog_below"},
    "generation": {"athletes", "programs", "settings_app", "replog_below"},
}


def _layer(module: str) -> str:
    if module in REPLOG_BELOW:
        return "replog_below"
    return module.split(".")[0]


@cache
def modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except what sits under `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            yield from (n for child in node.orelse for n in [child, *_runtime_nodes(child)])
            continue
        yield node
        yield from _runtime_nodes(node)


def _resolve(name: str) -> str | None:
    known = modules()
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(module: str) -> set[str]:
    tree = ast.parse(modules()[module].read_text())
    targets: set[str | None] = set()
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            targets.update(_resolve(alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                targets.add(_resolve(f"{node.module}.{alias.name}"))
    return {t for t in targets if t and t != module}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_circles() -> None:
    graph = {m: imports_of(m) for m in modules()}
    assert _cycles(graph) == []


def test_each_app_imports_only_the_layers_below_it() -> None:
    wrong = []
    for module in modules():
        layer = _layer(module)
        if layer not in MAY_IMPORT:
            continue  # replog's wiring (urls, settings, wsgi) may import every app
        for target in imports_of(module):
            other = _layer(target)
            if other != layer and other not in MAY_IMPORT[layer]:
                wrong.append(f"{module} → {target}")
    assert wrong == []


def test_the_checker_sees_a_circle_and_a_wrong_arrow() -> None:
    assert _cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]
    assert "athletes.models" in imports_of("athletes.access")
    tree_only = imports_of("replog.types")
    assert "athletes.models" not in tree_only  # typing-only import: not an arrow at run time
