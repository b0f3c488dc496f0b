"""Checking whole notebooks against the rules of :mod:`incidentkit.devtools.rules`: the title cell, the imports cell,
exactly one parameters cell followed by its validation cell, stored outputs only in checked cells, cell length, and
the kernel. Each broken rule is a :class:`Violation` naming the notebook and the cell.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ..paths import KERNEL_DISPLAY_NAME, KERNEL_NAME
from .parameters_cell import parameters_problems
from .rules import (
    CHECK_MARKER,
    MAX_CELL_LINES,
    SHELL_MAGICS,
    VOLATILE_CELL_METADATA,
    calls_check_parameters,
    cell_source,
    cell_tags,
    code_lines,
    code_problems,
    data_enum_values,
    has_imports,
    imports_only,
    is_checked,
    parse_cell,
    used_names,
)


@dataclass(frozen=True)
class Violation:
    """One broken rule: the notebook, the cell index (``None`` for the notebook as a whole) and what is wrong."""

    notebook: str
    cell: int | None
    message: str

    def __str__(self) -> str:
        where = "notebook" if self.cell is None else f"cell {self.cell}"
        return f"{self.notebook}: {where}: {self.message}"


def check_notebook(path: Path | str, *, name: str | None = None) -> list[Violation]:
    """Return every style violation of one notebook (empty when it follows the contract)."""
    path = Path(path)
    label = name or path.name
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - an unreadable notebook is a violation to report, not a crash
        return [Violation(label, None, f"cannot be read as a notebook: {exc}")]
    out: list[Violation] = []

    def add(cell: int | None, message: str) -> None:
        out.append(Violation(label, cell, message))

    meta = nb.get("metadata", {})
    kernel = meta.get("kernelspec", {}) or {}
    if kernel.get("name") != KERNEL_NAME:
        add(None, f"kernelspec name is {kernel.get('name')!r}; expected {KERNEL_NAME!r} (the project kernel, "
                  f"{KERNEL_DISPLAY_NAME!r}; --strip sets it)")
    lang = (meta.get("language_info", {}) or {}).get("name") or kernel.get("language")
    if lang != "python":
        add(None, f"language is {lang!r}; expected 'python'")
    if "papermill" in meta:
        add(None, "stored papermill metadata (strip it: python -m incidentkit.devtools.notebooks --strip)")
    cells = list(nb.cells)
    if not cells:
        add(None, "notebook has no cells")
        return out
    first = cells[0]
    first_lines = [ln for ln in cell_source(first).splitlines() if ln.strip()]
    if first.cell_type != "markdown" or not first_lines or not first_lines[0].startswith("# "):
        add(0, "the first cell must be Markdown starting with a '# Title' line")
    elif len(first_lines) < 2:
        add(0, "the title cell needs a purpose paragraph under the title")

    exempt = data_enum_values()
    param_idx = [i for i, c in enumerate(cells) if "parameters" in cell_tags(c)]
    if len(param_idx) != 1:
        add(None, f"expected exactly one cell tagged 'parameters', found {len(param_idx)}")
    code_idx = [i for i, c in enumerate(cells) if c.cell_type == "code" and "injected-parameters" not in cell_tags(c)]
    trees: dict[int, ast.Module] = {}
    for i in code_idx:
        src = cell_source(cells[i])
        for ln_no, line in enumerate(src.splitlines(), start=1):
            if SHELL_MAGICS.match(line):
                add(i, f"line {ln_no}: shell escape or shell magic {line.strip()!r} (use the library)")
        tree = parse_cell(src)
        if tree is None:
            add(i, "is not valid Python")
            continue
        trees[i] = tree

    if code_idx and code_idx[0] in trees:
        i0 = code_idx[0]
        if not imports_only(trees[i0]):
            add(i0, "the first code cell must hold the imports and nothing else")
        for i in code_idx[1:]:
            if i in trees and has_imports(trees[i]):
                add(i, "imports belong in the first code cell")
    if len(param_idx) == 1:
        p = param_idx[0]
        cell = cells[p]
        if cell.cell_type != "code":
            add(p, "the parameters cell must be a code cell")
        else:
            if code_idx and p == code_idx[0]:
                add(p, "the parameters cell must come after the imports cell")
            names, problems = parameters_problems(path, trees.get(p))
            for msg in problems:
                add(p, msg)
            nxt = next((j for j in range(p + 1, len(cells)) if "injected-parameters" not in cell_tags(cells[j])), None)
            if nxt is None or cells[nxt].cell_type != "code" or nxt not in trees:
                add(p, "the cell right after the parameters cell must be a code cell that validates them")
            else:
                if not calls_check_parameters(trees[nxt]):
                    add(nxt, "the validation cell must call ik.check_parameters")
                missing = [n for n in names if n not in used_names(trees[nxt])]
                if missing:
                    add(nxt, f"parameter(s) not validated in this cell: {', '.join(missing)}")

    for i, cell in enumerate(cells):
        cmeta = cell.get("metadata", {})
        for key in VOLATILE_CELL_METADATA:
            if key in cmeta:
                add(i, f"stored cell metadata {key!r} (strip it)")
        if cell.cell_type != "code":
            continue
        if i in trees and i not in param_idx:
            for msg in code_problems(trees[i], exempt):
                add(i, msg)
        n_lines = code_lines(cell_source(cell))
        if n_lines > MAX_CELL_LINES:
            add(i, f"{n_lines} lines of code; keep cells to at most {MAX_CELL_LINES} (split it, or move code "
                   "into lib/incidentkit)")
        checked = is_checked(cell)
        if cell.get("execution_count") is not None and not checked:
            add(i, "stored execution count (strip outputs)")
        if cell.get("outputs") and not checked:
            add(i, f"stored outputs (only cells starting with {CHECK_MARKER!r} keep theirs)")
        if checked:
            kinds = {k for o in cell.get("outputs", []) for k in o.get("data", {})}
            rich = sorted(k for k in kinds if k != "text/plain")
            if rich:
                add(i, f"checked cell stores non-text output ({', '.join(rich)}); print plain text")
            if not cell.get("outputs"):
                add(i, "checked cell has no stored output (run --refresh-checked)")
            elif cell.get("execution_count") is None:
                add(i, "checked cell has no execution count, so nbval would not compare it (run --strip)")
    return out


def notebook_paths(folder: Path | str) -> list[Path]:
    """Return the notebooks under ``folder`` (recursively, checkpoints skipped), sorted."""
    root = Path(folder)
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def check_paths(paths: Iterable[Path | str]) -> list[Violation]:
    """Check every notebook in or under the given files and folders."""
    out: list[Violation] = []
    for item in paths:
        for nb in notebook_paths(item):
            out.extend(check_notebook(nb, name=str(nb)))
    return out
