"""Style checks of the analysis notebooks, stripping of outputs, and refreshing of the checked outputs.

``python -m incidentkit.notebook_hygiene notebooks`` checks every notebook under the folder and prints each
violation as ``<notebook>: cell N: <what>`` (N is the 0-based cell index, as in nbval's test names; problems of the
notebook as a whole say ``notebook`` instead of ``cell N``); it exits 1 when there is any. The rules (the notebook
contract of docs/architecture.md and notebooks/README.md):

- the first cell is Markdown with a ``# Title`` line and a purpose paragraph; the first code cell holds the imports
  and nothing else, and no other cell imports;
- exactly one cell is tagged ``parameters``; it holds only annotated assignments of literals
  (``period: str = "month"  # month, quarter or year``), each with a trailing help comment, annotations matching the
  values, and no other ``=`` on the line, in a string default or the help comment (papermill skips such lines);
- the code cell right after it validates them: it calls ``ik.check_parameters`` and uses every parameter;
- no ``def``, ``class`` or ``lambda``; no file readers (``pd.read_*`` or any ``read_*`` reached through
  ``pandas``, e.g. ``pandas.io.parsers.read_csv``; ``np.loadtxt``/``genfromtxt``/``load``/``fromfile``), no
  ``getattr`` on a module (``getattr(pd, "read_csv")``), no ``exec``/``eval``/``compile``/``__import__``/
  ``importlib``, no ``open(``, ``sys.exit``/``exit``/``quit``, ``!shell`` or shell magics; no hand-built paths
  (string literals that contain ``/`` or ``\\`` and no space, or that start like a path — ``/``, ``~``, ``./``,
  ``../``, ``C:\\`` — or end in a file extension, spaces or not: ``"/home/me/My Data/gtd.csv"``; the data package's
  enum values excepted), and no ``os``/``os.path``/``pathlib``/``glob``;
- code cells have at most :data:`MAX_CELL_LINES` lines of code;
- no stored outputs or execution counts, except in cells whose first line is ``# NBVAL_CHECK_OUTPUT``: those keep
  their (plain text) outputs and an execution count for nbval to compare; no papermill or execution metadata;
- kernelspec ``python3`` and language ``python``.

Other modes:

- ``--strip NB...``: remove outputs, execution counts and papermill/execution metadata, keeping the outputs of the
  ``# NBVAL_CHECK_OUTPUT`` cells;
- ``--refresh-checked NB...``: execute each notebook on its defaults (kernel ``python3``, in the notebook's folder)
  and write back only the checked cells' outputs (run it after the curated data changes, then review the diff).
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import sys
import tokenize
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: First line of a cell whose outputs are kept and compared by nbval.
CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"
#: Most lines of code (not blank, not comment-only) in one code cell.
MAX_CELL_LINES = 15
#: Annotations allowed in the parameters cell, and the Python types their values may have.
PARAMETER_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
    "list": (list,),
    "dict": (dict,),
}
#: Modules whose use means a path is being built by hand.
PATH_MODULES = ("os", "pathlib", "glob", "shutil")
#: Cell metadata keys that a committed notebook must not carry.
VOLATILE_CELL_METADATA = ("papermill", "execution", "collapsed", "scrolled")
SHELL_MAGICS = re.compile(r"^\s*(!|%%?(bash|sh|script|system|sx)\b)")
MAGIC_LINE = re.compile(r"^(\s*)[!%]")


@dataclass(frozen=True)
class Violation:
    """One broken rule: the notebook, the cell index (``None`` for the notebook as a whole) and what is wrong."""

    notebook: str
    cell: int | None
    message: str

    def __str__(self) -> str:
        where = "notebook" if self.cell is None else f"cell {self.cell}"
        return f"{self.notebook}: {where}: {self.message}"


def _source(cell: Any) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []) or [])


def is_checked(cell: Any) -> bool:
    """Return True for a code cell whose first line is ``# NBVAL_CHECK_OUTPUT`` (its outputs are kept)."""
    lines = _source(cell).lstrip("\n").splitlines()
    return cell.get("cell_type") == "code" and bool(lines) and lines[0].strip() == CHECK_MARKER


def _parse(source: str) -> ast.Module | None:
    """Parse a code cell, with IPython magics and shell lines blanked out (they are reported separately)."""
    text = "\n".join(MAGIC_LINE.sub(r"\1pass  # ", line) for line in source.splitlines())
    try:
        return ast.parse(text)
    except SyntaxError:
        return None


def _enum_values() -> frozenset[str]:
    """Every enum value of the data package (e.g. "Bombing/Explosion"): literals, not paths."""
    try:
        from .data.schema import load_datapackage

        pkg = load_datapackage()
    except Exception:  # noqa: BLE001 - without a data package, no value is exempt
        return frozenset()
    values: set[str] = set()
    for res in pkg.get("resources", []):
        for f in res.get("schema", {}).get("fields", []):
            values.update(str(v) for v in f.get("constraints", {}).get("enum", []))
    return frozenset(values)


#: A string that starts like a path ("/", "~", "./", "../", a drive letter) or ends in a file name extension.
PATH_START = re.compile(r"^(~|\.{1,2}[/\\]|/[^/\s]|[A-Za-z]:[/\\]|\\\\)")
PATH_END = re.compile(r"[/\\][^/\\]*\.(csv|tsv|txt|xlsx?|json|parquet|feather|pkl|pickle|zip|gz|h5|dta|sav|xml|"
                      r"ya?ml|ipynb|py|db|sqlite)$", re.IGNORECASE)
#: Names whose call runs code built at run time (or imports behind the imports cell's back).
DYNAMIC_CALLS = ("exec", "eval", "compile", "__import__")
#: Module aliases that ``getattr`` must not reach into (``getattr(pd, "read_csv")`` is ``pd.read_csv``).
MODULE_ALIASES = ("pd", "pandas", "np", "numpy", "os", "sys", "io", "builtins", "importlib", "pathlib", "shutil",
                  "glob", "subprocess", "ik", "incidentkit")
#: numpy functions that read files.
NUMPY_READERS = ("loadtxt", "genfromtxt", "load", "fromfile", "fromregex", "memmap")


def _looks_like_path(text: str, exempt: frozenset[str]) -> bool:
    if text in exempt or not ("/" in text or "\\" in text):
        return False
    if not any(ch.isspace() for ch in text):
        return True
    return bool(PATH_START.match(text.strip()) or PATH_END.search(text.strip()))


def _root_name(node: ast.expr) -> str | None:
    """``pandas`` for ``pandas.io.parsers.read_csv``: the name an attribute chain starts from."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _comment_lines(source: str) -> dict[int, str]:
    """Line number -> text of a comment that follows code on that line."""
    out: dict[int, str] = {}
    code_lines: set[int] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                if tok.start[0] in code_lines:
                    out[tok.start[0]] = tok.string.lstrip("#").strip()
            elif tok.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
                                  tokenize.ENDMARKER):
                code_lines.update(range(tok.start[0], tok.end[0] + 1))
    except (tokenize.TokenError, SyntaxError):
        pass
    return out


def _check_parameters_cell(source: str) -> tuple[list[str], list[str]]:
    """Return (parameter names, problems) of the parameters cell."""
    tree = _parse(source)
    if tree is None:
        return [], ["parameters cell is not valid Python"]
    comments = _comment_lines(source)
    names: list[str] = []
    problems: list[str] = []
    for node in tree.body:
        if not isinstance(node, ast.AnnAssign) or not isinstance(node.target, ast.Name) or node.value is None:
            problems.append(f"line {node.lineno}: parameters cell may only hold annotated assignments "
                            "(name: type = literal  # help)")
            continue
        name = node.target.id
        names.append(name)
        ann = ast.unparse(node.annotation)
        try:
            value = ast.literal_eval(node.value)
        except ValueError:
            problems.append(f"parameter {name!r}: default must be a literal, not {ast.unparse(node.value)!r}")
            continue
        if ann not in PARAMETER_TYPES:
            problems.append(f"parameter {name!r}: annotation {ann!r} is not one of {', '.join(PARAMETER_TYPES)}")
        elif not isinstance(value, PARAMETER_TYPES[ann]) or (ann in ("int", "float") and isinstance(value, bool)):
            problems.append(f"parameter {name!r}: default {value!r} is not a {ann}")
        lines = source.splitlines()[node.lineno - 1 : (node.end_lineno or node.lineno)]
        if sum(line.count("=") for line in lines) > 1:
            problems.append(f"parameter {name!r}: '=' in the default or the help comment; papermill skips a "
                            "parameter line with more than one '='")
        if not comments.get(node.end_lineno or node.lineno):
            problems.append(f"parameter {name!r}: no trailing help comment (name: type = value  # help)")
    if not names and not problems:
        problems.append("parameters cell defines no parameter")
    return names, problems


#: Library functions that return local paths: a cell must not end with a bare call to one (the path would print).
WRITERS = frozenset({"write_summary", "save_figure", "output_dir"})


def _code_problems(tree: ast.Module, exempt: frozenset[str]) -> list[str]:
    """Problems found in the syntax tree of one code cell."""
    problems: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            problems.append(f"line {node.lineno}: defines function {node.name!r} (put it in lib/incidentkit)")
        elif isinstance(node, ast.ClassDef):
            problems.append(f"line {node.lineno}: defines class {node.name!r} (put it in lib/incidentkit)")
        elif isinstance(node, ast.Lambda):
            problems.append(f"line {node.lineno}: uses lambda (put the function in lib/incidentkit)")
        elif isinstance(node, ast.Attribute):
            base = node.value.id if isinstance(node.value, ast.Name) else None
            root = _root_name(node)
            if root in ("pd", "pandas") and node.attr.startswith("read_"):
                problems.append(f"line {node.lineno}: calls {ast.unparse(node)} (load data with ik.load_*)")
            elif root in ("np", "numpy") and node.attr in NUMPY_READERS:
                problems.append(f"line {node.lineno}: calls {ast.unparse(node)} (load data with ik.load_*)")
            elif node.attr == "import_module" or root == "importlib":
                problems.append(f"line {node.lineno}: uses {ast.unparse(node)} (imports belong in the first code "
                                "cell)")
            elif base == "sys" and node.attr == "exit":
                problems.append(f"line {node.lineno}: calls sys.exit (raise an error instead)")
            elif base in PATH_MODULES:
                problems.append(f"line {node.lineno}: uses {base}.{node.attr} (paths come from the library)")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in DYNAMIC_CALLS:
                problems.append(f"line {node.lineno}: calls {node.func.id}() (write the code in the cell, or put it "
                                "in lib/incidentkit)")
            elif node.func.id in ("getattr", "setattr", "delattr", "vars") and node.args and (
                    _root_name(node.args[0]) in MODULE_ALIASES):
                problems.append(f"line {node.lineno}: calls {node.func.id}() on module "
                                f"{ast.unparse(node.args[0])} (name the function: ik.<name>)")
            elif node.func.id == "open":
                problems.append(f"line {node.lineno}: calls open( (read and write through the library)")
            elif node.func.id in ("exit", "quit"):
                problems.append(f"line {node.lineno}: calls {node.func.id}() (raise an error instead)")
            elif node.func.id in ("Path", "PurePath"):
                problems.append(f"line {node.lineno}: builds a path with {node.func.id}() (use the library)")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for mod in mods:
                if mod.split(".")[0] in PATH_MODULES:
                    problems.append(f"line {node.lineno}: imports {mod} (paths come from the library)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _looks_like_path(node.value, exempt):
                problems.append(f"line {node.lineno}: string {node.value!r} looks like a hand-built path")
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr) and isinstance(last.value, ast.Call):
        func = last.value.func
        if isinstance(func, ast.Attribute) and func.attr in WRITERS:
            problems.append(f"line {last.lineno}: ends with {func.attr}(...), whose return value (a local path) "
                            "would be shown in the report; assign it")
    return problems


def _imports_only(tree: ast.Module) -> bool:
    return all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body)


def _has_imports(tree: ast.Module) -> bool:
    return any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree))


def _calls_check_parameters(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "check_parameters":
            return True
    return False


def _used_names(tree: ast.Module) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def _code_lines(source: str) -> int:
    return sum(1 for line in source.splitlines() if line.strip() and not line.strip().startswith("#"))


def check_notebook(path: Path | str, *, name: str | None = None) -> list[Violation]:
    """Return every style violation of one notebook (empty when it follows the contract)."""
    import nbformat

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
    if kernel.get("name") != "python3":
        add(None, f"kernelspec name is {kernel.get('name')!r}; expected 'python3'")
    lang = (meta.get("language_info", {}) or {}).get("name") or kernel.get("language")
    if lang != "python":
        add(None, f"language is {lang!r}; expected 'python'")
    if "papermill" in meta:
        add(None, "stored papermill metadata (strip it: python -m incidentkit.notebook_hygiene --strip)")
    cells = list(nb.cells)
    if not cells:
        add(None, "notebook has no cells")
        return out
    first = cells[0]
    first_lines = [ln for ln in _source(first).splitlines() if ln.strip()]
    if first.cell_type != "markdown" or not first_lines or not first_lines[0].startswith("# "):
        add(0, "the first cell must be Markdown starting with a '# Title' line")
    elif len(first_lines) < 2:
        add(0, "the title cell needs a purpose paragraph under the title")

    exempt = _enum_values()
    param_idx = [i for i, c in enumerate(cells) if "parameters" in _tags(c)]
    if len(param_idx) != 1:
        add(None, f"expected exactly one cell tagged 'parameters', found {len(param_idx)}")
    code_idx = [i for i, c in enumerate(cells) if c.cell_type == "code" and "injected-parameters" not in _tags(c)]
    trees: dict[int, ast.Module] = {}
    for i in code_idx:
        src = _source(cells[i])
        for ln_no, line in enumerate(src.splitlines(), start=1):
            if SHELL_MAGICS.match(line):
                add(i, f"line {ln_no}: shell escape or shell magic {line.strip()!r} (use the library)")
        tree = _parse(src)
        if tree is None:
            add(i, "is not valid Python")
            continue
        trees[i] = tree

    if code_idx and code_idx[0] in trees:
        i0 = code_idx[0]
        if not _imports_only(trees[i0]):
            add(i0, "the first code cell must hold the imports and nothing else")
        for i in code_idx[1:]:
            if i in trees and _has_imports(trees[i]):
                add(i, "imports belong in the first code cell")
    if len(param_idx) == 1:
        p = param_idx[0]
        cell = cells[p]
        if cell.cell_type != "code":
            add(p, "the parameters cell must be a code cell")
        else:
            if code_idx and p == code_idx[0]:
                add(p, "the parameters cell must come after the imports cell")
            names, problems = _check_parameters_cell(_source(cell))
            for msg in problems:
                add(p, msg)
            nxt = next((j for j in range(p + 1, len(cells)) if "injected-parameters" not in _tags(cells[j])), None)
            if nxt is None or cells[nxt].cell_type != "code" or nxt not in trees:
                add(p, "the cell right after the parameters cell must be a code cell that validates them")
            else:
                if not _calls_check_parameters(trees[nxt]):
                    add(nxt, "the validation cell must call ik.check_parameters")
                missing = [n for n in names if n not in _used_names(trees[nxt])]
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
            for msg in _code_problems(trees[i], exempt):
                add(i, msg)
        n_lines = _code_lines(_source(cell))
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


def strip_notebook(nb: Any) -> Any:
    """Return ``nb`` without outputs, execution counts and volatile metadata.

    Checked cells keep their outputs (output metadata removed) and get a stable execution count (1, 2, ... in
    order): nbval skips the comparison of a cell stored without one ("Unrun reference cell"). The kernelspec is
    normalised to ``python3``."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    checked = 0
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        if not is_checked(cell):
            cell.execution_count = None
            cell.outputs = []
            continue
        checked += 1
        cell.execution_count = checked if cell.outputs else None
        for o in cell.outputs:
            if o.get("output_type") == "execute_result":
                o["execution_count"] = cell.execution_count
            if o.get("output_type") in ("execute_result", "display_data"):
                o["metadata"] = {}
    return nb


def strip_file(path: Path | str) -> None:
    """Strip a notebook file in place (see :func:`strip_notebook`)."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    nbformat.write(strip_notebook(nb), path)


def refresh_checked(path: Path | str, *, timeout: int = 600) -> int:
    """Execute a notebook on its defaults and write back the outputs of its ``# NBVAL_CHECK_OUTPUT`` cells.

    Every other cell is left as it is (stripped). Runs with kernel ``python3`` in the notebook's folder, as nbval
    does. Returns the number of checked cells refreshed (a notebook without any is not run); raises the execution
    error if a cell fails.
    """
    import copy

    import nbformat
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    if not any(is_checked(cell) for cell in nb.cells):
        return 0
    run = copy.deepcopy(nb)
    NotebookClient(run, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent.resolve())}}).execute()
    refreshed = 0
    for cell, done in zip(nb.cells, run.cells, strict=True):
        if is_checked(cell):
            cell.outputs = done.outputs
            refreshed += 1
    nbformat.write(strip_notebook(nb), path)
    return refreshed


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: check notebooks (default), ``--strip`` them, or ``--refresh-checked`` their checked outputs."""
    parser = argparse.ArgumentParser(prog="python -m incidentkit.notebook_hygiene", description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--strip", action="store_true", help="strip outputs (checked cells keep theirs) in place")
    mode.add_argument("--refresh-checked", action="store_true",
                      help="execute the notebooks and write back the outputs of the # NBVAL_CHECK_OUTPUT cells")
    parser.add_argument("paths", nargs="+", help="notebooks or folders of notebooks")
    args = parser.parse_args(argv)
    notebooks = [nb for p in args.paths for nb in notebook_paths(p)]
    if not notebooks:
        print(f"no notebooks found in {', '.join(args.paths)}", file=sys.stderr)
        return 1
    if args.strip:
        for nb in notebooks:
            strip_file(nb)
            print(f"stripped {nb}")
        return 0
    if args.refresh_checked:
        for nb in notebooks:
            n = refresh_checked(nb)
            print(f"{nb}: refreshed {n} checked cell(s)")
        return 0
    problems = check_paths(notebooks)
    for v in problems:
        print(v)
    if problems:
        print(f"{len(problems)} problem(s) in {len({v.notebook for v in problems})} notebook(s)", file=sys.stderr)
        return 1
    print(f"{len(notebooks)} notebook(s) follow the style rules")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
