"""The package's layers as the tree shows them: imports run downward only, no import cycle, modules small enough to
read in one sitting, and a function-local import only with its reason written beside it.

Read from the source with :mod:`ast` (nothing is imported), so a new module is checked the day it is added.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lib" / "incidentkit"
#: Layers from the bottom up; a module may import its own layer and those below it.
#: ``__main__`` is the ``incidentkit`` command line, which hands each command to the layer that has it.
LAYERS: dict[str, int] = {"errors": 0, "paths": 0, "hashing": 0, "data": 1, "analysis": 2, "charts": 3, "reports": 4, "widgets": 4,
                          "devtools": 5, "__main__": 6}
#: Most lines in one module.
MAX_LINES = 400
#: Modules allowed over MAX_LINES for now (none: keep it so; a module that grows past MAX_LINES is split instead).
OVERSIZE_FOR_NOW: set[str] = set()


def _modules() -> dict[str, Path]:
    """Dotted module name (``data.readers.gtd``; ``data.readers`` for its ``__init__``) -> file."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(module: str, path: Path, node: ast.ImportFrom | ast.Import) -> list[str]:
    """The package modules an import statement names (dotted, relative to ``incidentkit``)."""
    names: list[str] = []
    if isinstance(node, ast.Import):
        bases = [a.name for a in node.names if a.name == "incidentkit" or a.name.startswith("incidentkit.")]
        return [b.removeprefix("incidentkit").lstrip(".") for b in bases]
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    if node.level:
        anchor = package[: len(package) - (node.level - 1)] if node.level > 1 else package
        base = ".".join([*anchor, *([node.module] if node.module else [])])
    elif node.module and (node.module == "incidentkit" or node.module.startswith("incidentkit.")):
        base = node.module.removeprefix("incidentkit").lstrip(".")
    else:
        return []
    for alias in node.names:
        sub = f"{base}.{alias.name}" if base else alias.name
        names.append(sub if sub in MODULES else base)
    return names


def _imports(module: str, path: Path) -> list[tuple[str, ast.stmt, bool]]:
    """(target module, statement, is function-local) for every import of a package module in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    local = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
             for n in ast.walk(f) if isinstance(n, (ast.Import, ast.ImportFrom))}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for target in _resolve(module, path, node):
                out.append((target, node, id(node) in local))
    return out


def _layer(module: str) -> int | None:
    return LAYERS.get(module.split(".")[0]) if module else None


def test_every_module_belongs_to_a_layer() -> None:
    strays = [m for m in MODULES if m and _layer(m) is None]
    assert not strays, f"modules outside the layers {sorted(LAYERS)}: {strays}"


@pytest.mark.parametrize("module", [m for m in MODULES if m], ids=str)
def test_imports_run_downward(module: str) -> None:
    here = _layer(module)
    assert here is not None
    upward = [(t, n.lineno) for t, n, _ in _imports(module, MODULES[module]) if (_layer(t) or 0) > here]
    assert not upward, f"{module} (layer {here}) imports higher layers: {upward}"
    if here == 0:
        above = [t for t, _, _ in _imports(module, MODULES[module]) if _layer(t) != 0]
        assert not above, f"{module} is foundation: it imports only other foundation modules, not {above}"


def test_packages_of_one_layer_do_not_import_each_other() -> None:
    """``reports`` and ``widgets`` share layer 4: neither imports the other (the command line above joins them).

    The foundation (layer 0) is single modules that may use each other (``hashing`` keeps its memo in ``paths``'
    cache folder); the cycle test still holds them.
    """
    across = [(m, t, n.lineno) for m, p in MODULES.items() if m for t, n, _ in _imports(m, p)
              if t and t.split(".")[0] != m.split(".")[0] and _layer(t) == _layer(m) != 0]
    assert not across, f"imports between packages of one layer: {across}"


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {}
    for m, p in MODULES.items():
        if not m:
            continue
        targets = set()
        for t, _, _ in _imports(m, p):
            parts = t.split(".")
            # importing a.b.c runs the __init__ of a and a.b first: those are imports too
            targets.update(".".join(parts[:k]) for k in range(1, len(parts) + 1))
        # the importer's own packages are being imported already (they are not its imports)
        graph[m] = {t for t in targets if t in MODULES and t != m and not m.startswith(t + ".")}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            pytest.fail(f"import cycle: {' -> '.join(cycle)}")


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_modules_are_short_enough_to_read(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if path.relative_to(PACKAGE).as_posix() in OVERSIZE_FOR_NOW:
        pytest.skip(f"{path.name} ({lines} lines) is to be rewritten as separate modules")
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines; split it (at most {MAX_LINES})"


def _local_imports(path: Path) -> list[tuple[int, list[int]]]:
    """(line, lines of its run) of every function-local import; a run is consecutive imports in one body."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for func in ast.walk(tree):
        if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for body in [n.body for n in ast.walk(func) if hasattr(n, "body") and isinstance(n.body, list)]:
            run: list[int] = []
            for stmt in body:
                if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                    run.extend(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
                    out.append((stmt.lineno, list(run)))
                else:
                    run = []
    return out


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_function_local_imports_say_why(path: Path) -> None:
    """A function-local import is for start-up time or an optional or heavy dependency, and says so in a comment on
    its line, on the line above, or on another import of the same run."""
    lines = path.read_text(encoding="utf-8").splitlines()
    silent = []
    for lineno, run in _local_imports(path):
        candidates = {*run, min(run) - 1}
        if not any("#" in lines[i - 1] for i in candidates if 0 < i <= len(lines)):
            silent.append(lineno)
    assert not silent, f"{path.relative_to(PACKAGE)}: function-local import(s) without a reason at line(s) {silent}"
