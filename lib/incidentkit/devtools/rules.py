"""The rules of a thin analysis notebook for every code cell but the parameters cell (no definitions, no file
readers, no hand-built paths, ...; the parameters cell is :mod:`incidentkit.devtools.parameters_cell`), and the
helpers that read a cell. :mod:`incidentkit.devtools.check` applies them to a whole notebook; the command line is
``python -m incidentkit.devtools.notebooks`` (see :mod:`incidentkit.devtools.notebooks` for every rule).
"""

from __future__ import annotations

import ast
import re
from typing import Any

from ..data.schema import load_datapackage

#: First line of a cell whose outputs are kept and compared by nbval.
CHECK_MARKER = "# NBVAL_CHECK_OUTPUT"
#: Most lines of code (not blank, not comment-only) in one code cell.
MAX_CELL_LINES = 15
#: Modules whose use means a path is being built by hand.
PATH_MODULES = ("os", "pathlib", "glob", "shutil")
#: Cell metadata keys that a committed notebook must not carry.
VOLATILE_CELL_METADATA = ("papermill", "execution", "collapsed", "scrolled")
SHELL_MAGICS = re.compile(r"^\s*(!|%%?(bash|sh|script|system|sx)\b)")
MAGIC_LINE = re.compile(r"^(\s*)[!%]")


def cell_source(cell: Any) -> str:
    """Return a cell's source as one string (nbformat stores it as a string or a list of lines)."""
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def cell_tags(cell: Any) -> list[str]:
    """Return the tags of a cell (``[]`` when it has none)."""
    return list(cell.get("metadata", {}).get("tags", []) or [])


def is_checked(cell: Any) -> bool:
    """Return True for a code cell whose first line is ``# NBVAL_CHECK_OUTPUT`` (its outputs are kept)."""
    lines = cell_source(cell).lstrip("\n").splitlines()
    return cell.get("cell_type") == "code" and bool(lines) and lines[0].strip() == CHECK_MARKER


def parse_cell(source: str) -> ast.Module | None:
    """Parse a code cell, with IPython magics and shell lines blanked out (they are reported separately)."""
    text = "\n".join(MAGIC_LINE.sub(r"\1pass  # ", line) for line in source.splitlines())
    try:
        return ast.parse(text)
    except SyntaxError:
        return None


def data_enum_values() -> frozenset[str]:
    """Every enum value of the data package (e.g. "Bombing/Explosion"): literals, not paths."""
    try:
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


#: Library functions that return local paths: a cell must not end with a bare call to one (the path would print).
WRITERS = frozenset({"write_summary", "save_figure", "output_dir"})


def code_problems(tree: ast.Module, exempt: frozenset[str]) -> list[str]:
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


def imports_only(tree: ast.Module) -> bool:
    """Return True when a cell holds import statements and nothing else."""
    return all(isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body)


def has_imports(tree: ast.Module) -> bool:
    """Return True when a cell imports anything, anywhere in it."""
    return any(isinstance(n, (ast.Import, ast.ImportFrom)) for n in ast.walk(tree))


def calls_check_parameters(tree: ast.Module) -> bool:
    """Return True when a cell calls ``<module>.check_parameters(...)``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "check_parameters":
            return True
    return False


def used_names(tree: ast.Module) -> set[str]:
    """Return the names a cell reads or writes."""
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}


def code_lines(source: str) -> int:
    """Return the number of lines of code in a cell (blank and comment-only lines not counted)."""
    return sum(1 for line in source.splitlines() if line.strip() and not line.strip().startswith("#"))
