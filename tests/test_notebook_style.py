"""The notebook style rules: every notebook in notebooks/ follows them, and the checker catches each violation."""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
import pytest
from incidentkit.devtools import check, notebooks, strip
from incidentkit.devtools.rules import MAX_CELL_LINES
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (REPO / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks_to_check():
    names = {p.stem for p in NOTEBOOKS}
    assert {"10-trends", "20-casualties", "_template"} <= names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_follows_the_style_rules(path: Path):
    problems = check.check_notebook(path)
    assert not problems, "\n".join(map(str, problems))


# --- crafted notebooks -----------------------------------------------------------------------------------------

PARAMS = 'source: str = "curated"  # "curated" or an export file\nperiod: str = "month"  # month, quarter or year'
VALIDATE = 'sel = ik.check_parameters(source=source, period=period)'


def good_notebook() -> nbformat.NotebookNode:
    """A minimal notebook that follows every rule (a checked cell with its output included)."""
    checked = new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(len(incidents))", execution_count=1,
                            outputs=[new_output("stream", name="stdout", text="3\n")])
    nb = new_notebook(cells=[
        new_markdown_cell("# A title\n\nWhat this notebook answers."),
        new_code_cell("import incidentkit as ik\nimport matplotlib.pyplot as plt"),
        new_code_cell(PARAMS, metadata={"tags": ["parameters"]}),
        new_code_cell(VALIDATE),
        new_markdown_cell("## Section: attacks by type, low/best/high"),
        new_code_cell('incidents = ik.load_incidents(sel.source, **sel.filters)\n'
                      'few = incidents[incidents["attack_type"] == "Bombing/Explosion"]\n'
                      'note = "deaths low/best/high per month"'),
        checked,
    ])
    nb.metadata = {"kernelspec": {"name": "incidentkit", "display_name": "Python (incidentkit)", "language": "python"},
                   "language_info": {"name": "python"}}
    return nb


def problems_of(nb: nbformat.NotebookNode, tmp_path: Path) -> list[str]:
    path = tmp_path / "crafted.ipynb"
    nbformat.write(nb, path)
    return [str(v) for v in check.check_notebook(path)]


def test_the_crafted_good_notebook_passes(tmp_path):
    assert problems_of(good_notebook(), tmp_path) == []


def with_code(source: str):
    def change(nb):
        nb.cells.insert(6, new_code_cell(source))
    return change


def set_params(source: str):
    def change(nb):
        nb.cells[2].source = source
    return change


def set_cell(index: int, **fields):
    def change(nb):
        for key, value in fields.items():
            nb.cells[index][key] = value
    return change


def drop_tag(nb):
    nb.cells[2].metadata = {}


def second_params(nb):
    nb.cells.insert(5, new_code_cell('x: int = 1  # x', metadata={"tags": ["parameters"]}))


def kernel(nb):
    nb.metadata["kernelspec"]["name"] = "incidents-env"


def papermill_meta(nb):
    nb.metadata["papermill"] = {"duration": 1.0}


def cell_meta(nb):
    nb.cells[5].metadata["execution"] = {"iopub.status.idle": "2026-01-01T00:00:00Z"}


def html_checked(nb):
    nb.cells[6].outputs = [new_output("display_data", data={"text/html": "<table></table>", "text/plain": "t"})]


def unrun_checked(nb):
    nb.cells[6].execution_count = None


def long_cell(nb):
    nb.cells[5].source = "\n".join(f"x{i} = {i}" for i in range(MAX_CELL_LINES + 1))


VIOLATIONS = {
    "def": (with_code("def f(x):\n    return x"), "cell 6: line 1: defines function 'f'"),
    "class": (with_code("class A:\n    pass"), "cell 6: line 1: defines class 'A'"),
    "lambda": (with_code("key = lambda v: v"), "cell 6: line 1: uses lambda"),
    "pd.read_csv": (with_code("df = pd.read_csv(x)"), "cell 6: line 1: calls pd.read_csv"),
    "open": (with_code("fh = open(x)"), "cell 6: line 1: calls open("),
    "bare writer": (with_code("ik.charts.write_summary({}, out)"), "cell 6: line 1: ends with write_summary(...)"),
    "sys.exit": (with_code("sys.exit(0)"), "cell 6: line 1: calls sys.exit"),
    "exit": (with_code("exit()"), "cell 6: line 1: calls exit()"),
    "shell": (with_code("!ls data"), "cell 6: line 1: shell escape"),
    "shell magic": (with_code("%%bash\nls"), "cell 6: line 1: shell escape or shell magic '%%bash'"),
    "path literal": (with_code('p = "data/incidents.csv"'), "cell 6: line 1: string 'data/incidents.csv' looks"),
    "path in f-string": (with_code('p = f"{root}/incidents.csv"'), "string '/incidents.csv' looks like"),
    "os.path": (with_code("p = os.path.join(a, b)"), "cell 6: line 1: uses os.path"),
    "Path()": (with_code("p = Path(x)"), "cell 6: line 1: builds a path with Path()"),
    "pathlib import": (with_code("from pathlib import Path"), "imports pathlib"),
    "late import": (with_code("import numpy as np"), "cell 6: imports belong in the first code cell"),
    "stored output": (set_cell(5, outputs=[new_output("stream", name="stdout", text="x\n")]),
                      "cell 5: stored outputs"),
    "execution count": (set_cell(5, execution_count=4), "cell 5: stored execution count"),
    "kernelspec": (kernel, "notebook: kernelspec name is 'incidents-env'; expected 'incidentkit' (the project kernel"),
    "papermill metadata": (papermill_meta, "notebook: stored papermill metadata"),
    "cell metadata": (cell_meta, "cell 5: stored cell metadata 'execution'"),
    "no title": (set_cell(0, source="Some text without a title"), "cell 0: the first cell must be Markdown"),
    "no purpose": (set_cell(0, source="# Only a title"), "cell 0: the title cell needs a purpose paragraph"),
    "no parameters tag": (drop_tag, "notebook: expected exactly one cell tagged 'parameters', found 0"),
    "two parameters cells": (second_params, "expected exactly one cell tagged 'parameters', found 2"),
    "unannotated": (set_params('source = "curated"  # help'), "cell 2: parameter 'source': no annotation"),
    "not a parameter": (set_params('source: str = "curated"  # s\nprint(source)\nperiod: str = "month"  # p'),
                        "cell 2: parameter 'source': default must be a literal, not '\"curated\"print(source)'"),
    "statement first": (set_params('import os\nsource: str = "curated"  # s\nperiod: str = "month"  # p'),
                        "cell 2: line 1: not a parameter papermill reads"),
    "no rule": (set_params('source: str = "curated"  # s\nperiod: str = "month"  # p\ncolour: str = "red"  # c'),
                "cell 2: parameter 'colour': no rule in incidentkit.data.parameters.RULES"),
    "bad default": (set_params('source: str = "curated"  # s\nperiod: str = "week"  # p'),
                    "cell 2: parameter 'period': its default breaks its rule: period: unknown value 'week'"),
    "no help comment": (set_params('source: str = "curated"\nperiod: str = "month"  # p'),
                        "cell 2: parameter 'source': no trailing help comment"),
    "expression": (set_params('source: str = "cur" + "ated"  # s\nperiod: str = "month"  # p'),
                   "cell 2: parameter 'source': default must be a literal"),
    "wrong type": (set_params('source: str = "curated"  # s\nperiod: int = "month"  # p'),
                   "cell 2: parameter 'period': annotation 'int', but its rule in incidentkit.data.parameters.RULES "
                   "says 'str'"),
    "equals in comment": (set_params('source: str = "curated"  # s\nperiod: str = "month"  # (blank = all)'),
                          "cell 2: line 2: papermill cannot read this parameter (more than one '=' on the line"),
    "equals in default": (set_params('source: str = "a=b"  # s\nperiod: str = "month"  # p'),
                          "cell 2: line 1: papermill cannot read this parameter (more than one '='"),
    "no validation": (set_cell(3, source="sel = source"), "cell 3: the validation cell must call"),
    "parameter not validated": (set_cell(3, source="sel = ik.check_parameters(source=source)"),
                                "cell 3: parameter(s) not validated in this cell: period"),
    "validation not next": (lambda nb: nb.cells.insert(3, new_markdown_cell("text")),
                            "cell 2: the cell right after the parameters cell must be a code cell"),
    "html in checked cell": (html_checked, "cell 6: checked cell stores non-text output (text/html)"),
    "unrun checked cell": (unrun_checked, "cell 6: checked cell has no execution count"),
    "long cell": (long_cell, f"cell 5: {MAX_CELL_LINES + 1} lines of code"),
    # audit of issue 5, item 7: what the first checker missed
    "path with spaces": (with_code('p = "/home/me/My Data/gtd.csv"'),
                         "cell 6: line 1: string '/home/me/My Data/gtd.csv' looks like a hand-built path"),
    "relative path with spaces": (with_code('p = "My Data/GTD export.xlsx"'), "looks like a hand-built path"),
    "home path with spaces": (with_code('p = "~/My Data/x"'), "string '~/My Data/x' looks like a hand-built path"),
    "pandas.io.parsers": (with_code("df = pandas.io.parsers.read_csv(x)"),
                          "cell 6: line 1: calls pandas.io.parsers.read_csv"),
    "getattr on pandas": (with_code('reader = getattr(pd, "read_csv")'), "cell 6: line 1: calls getattr() on module pd"),
    "exec": (with_code('exec("x = 1")'), "cell 6: line 1: calls exec()"),
    "eval": (with_code('x = eval("1 + 1")'), "cell 6: line 1: calls eval()"),
    "__import__": (with_code('m = __import__("os")'), "cell 6: line 1: calls __import__()"),
    "importlib": (with_code('m = importlib.import_module("os")'), "uses importlib.import_module"),
    "np.loadtxt": (with_code("a = np.loadtxt(x)"), "cell 6: line 1: calls np.loadtxt"),
    "np.genfromtxt": (with_code("a = numpy.genfromtxt(x)"), "cell 6: line 1: calls numpy.genfromtxt"),
}


@pytest.mark.parametrize("text", ["Deaths, low/best/high per month", "Selection: Syria / Iraq, 2015 to 2024",
                                  "Bombing/Explosion", "incidents per month (best / high)"])
def test_prose_with_slashes_is_not_a_path(text, tmp_path):
    nb = good_notebook()
    nb.cells[5].source = f"note = {text!r}"
    assert problems_of(nb, tmp_path) == []


@pytest.mark.parametrize("name", list(VIOLATIONS))
def test_the_checker_catches(name, tmp_path):
    change, expected = VIOLATIONS[name]
    nb = copy.deepcopy(good_notebook())
    change(nb)
    problems = problems_of(nb, tmp_path)
    assert any(expected in p for p in problems), problems
    assert all(p.startswith("crafted.ipynb: ") for p in problems)


def test_main_reports_each_violation_and_exits_1(tmp_path, capsys):
    folder = tmp_path / "nbs"
    folder.mkdir()
    nbformat.write(good_notebook(), folder / "10-good.ipynb")
    bad = good_notebook()
    with_code("def f():\n    pass")(bad)
    kernel(bad)
    nbformat.write(bad, folder / "20-bad.ipynb")
    (folder / ".ipynb_checkpoints").mkdir()
    nbformat.write(bad, folder / ".ipynb_checkpoints" / "20-bad-checkpoint.ipynb")  # skipped
    assert notebooks.main([str(folder)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"{folder / '20-bad.ipynb'}: notebook: kernelspec name is 'incidents-env'; expected 'incidentkit' "
                     "(the project kernel, 'Python (incidentkit)'; --strip sets it)",
                     f"{folder / '20-bad.ipynb'}: cell 6: line 1: defines function 'f' (put it in lib/incidentkit)"]
    assert notebooks.main([str(folder / "10-good.ipynb")]) == 0


def test_strip_keeps_only_the_checked_outputs(tmp_path):
    nb = good_notebook()
    nb.metadata["papermill"] = {"duration": 2.0}
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.cells[5].outputs = [new_output("stream", name="stdout", text="x\n")]
    nb.cells[5].execution_count = 7
    nb.cells[5].metadata["papermill"] = {"status": "completed"}
    nb.cells[6].execution_count = 9
    path = tmp_path / "strip.ipynb"
    nbformat.write(nb, path)
    assert notebooks.main(["--strip", str(path)]) == 0
    out = nbformat.read(path, as_version=4)
    assert "papermill" not in out.metadata
    assert out.metadata["kernelspec"] == {"name": "incidentkit", "display_name": "Python (incidentkit)",
                                          "language": "python"}
    assert out.cells[5].outputs == [] and out.cells[5].execution_count is None and out.cells[5].metadata == {}
    assert out.cells[6].outputs[0]["text"] == "3\n" and out.cells[6].execution_count == 1
    assert check.check_notebook(path) == []


def test_refresh_checked_writes_back_only_the_checked_outputs(tmp_path):
    nb = new_notebook(cells=[
        new_markdown_cell("# T\n\nPurpose."),
        new_code_cell("total = 40 + 2"),
        new_code_cell("print('not kept')"),
        new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(total)", execution_count=1,
                      outputs=[new_output("stream", name="stdout", text="41\n")]),
    ])
    nb.metadata = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    path = tmp_path / "refresh.ipynb"
    nbformat.write(nb, path)
    assert strip.refresh_checked(path) == 1
    out = nbformat.read(path, as_version=4)
    assert out.cells[2].outputs == []
    assert [o["text"] for o in out.cells[3].outputs] == ["42\n"]
    assert out.cells[3].execution_count == 1


def _readme_tables() -> dict[str, list[str]]:
    """``### <notebook>`` sections of notebooks/README.md -> their parameter table rows (``| `name` | ...``)."""
    tables: dict[str, list[str]] = {}
    current = None
    for line in (REPO / "notebooks" / "README.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = None
        elif line.startswith("### "):
            current = line[4:].strip()
            tables[current] = []
        elif current and line.startswith("| `"):
            tables[current].append(line)
    return tables


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_the_readme_index_lists_every_notebook_and_its_parameters(path: Path):
    from incidentkit.reports.plan import notebook_parameters

    # the rows papermill's reading of the parameters cell gives: name, annotation, default as written, help comment
    rows = [f"| `{p.name}` | {p.annotation} | `{p.default_text}` | {p.help} |"
            for p in notebook_parameters(path).values()]
    tables = _readme_tables()
    assert path.stem in tables, f"notebooks/README.md has no '### {path.stem}' section"
    assert tables[path.stem] == rows, (
        "the parameters table in notebooks/README.md is out of date; its rows are:\n" + "\n".join(rows))
