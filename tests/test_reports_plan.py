"""Plan validation and slugs of the report runner (no kernel is started here)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from incidentkit.reports.__main__ import main
from incidentkit.reports.plan import DEFAULT_TIMEOUT, PlanError, load_plan, notebook_parameters
from incidentkit.reports.slug import slugify

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "reports"
NOTEBOOKS = FIXTURES / "notebooks"
SAFE = set("abcdefghijklmnopqrstuvwxyz0123456789-")


def write_plan(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(plan: Path) -> list[str]:
    with pytest.raises(PlanError) as info:
        load_plan(plan, NOTEBOOKS)
    return info.value.problems


def test_fixture_plans_are_valid() -> None:
    reports = load_plan(FIXTURES / "plan-mixed.yaml", NOTEBOOKS)
    names = ["good one", "../../good two", "failing", "too slow", "data folder", "over time"]
    assert [r.name for r in reports] == names
    assert reports[1].slug == "good-two"
    assert (reports[3].timeout, reports[3].cell_timeout) == (DEFAULT_TIMEOUT, 1)
    assert (reports[5].timeout, reports[5].cell_timeout) == (4, None)
    assert reports[0].parameters["theatres"] == ["north caucasus", "Syria: Badia"]  # as written; checked friendly


def test_parameters_cell_is_read_by_papermill_with_annotations_defaults_and_help() -> None:
    specs = notebook_parameters(NOTEBOOKS / "good.ipynb")
    assert list(specs) == ["label", "start", "theatres", "n", "scale", "markup", "output_dir"]
    assert specs["start"].annotation == "str" and specs["start"].default == "2015-01-01"
    assert specs["start"].default_text == '"2015-01-01"' and specs["start"].help == "first day included"
    assert specs["theatres"].annotation == "list" and specs["theatres"].default == []


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    plan = write_plan(
        tmp_path,
        """\
- name: a
  notebook: missing.ipynb
  parameters: {}
- name: b
  notebook: good.ipynb
  parameters:
    colour: red
- name: c
  notebook: good.ipynb
  parameters:
    start: 2015-01-01
    theatres: "syria"
    n: 2.5
    scale: yes
- name: a
  notebook: good.ipynb
- name: d
  notebook: good.ipynb
  parameters:
    output_dir: /tmp/elsewhere
- name: e
  notebook: untagged.ipynb
- name: f
  notebook: good.ipynb
  timeout: -5
  paramters: {}
""",
    )
    problems = problems_of(plan)
    text = "\n".join(problems)
    expected_fragments = [
        "report 'a': unknown notebook 'missing.ipynb'; expected one of: data_dir.ipynb, failing.ipynb, good.ipynb",
        "report 'b': unknown parameter 'colour' for good.ipynb; expected one of: label, markup, n, scale, start, "
        "theatres",
        "report 'c': start: expected str, found date datetime.date(2015, 1, 1)",
        'write "2015-01-01"',
        "report 'c': theatres: expected list, found str 'syria' (write a list: ['syria'])",
        "report 'c': n: expected int, found float 2.5",
        "report 'c': scale: expected float, found bool True",
        "report 'a': duplicate report name (first used at",
        "report 'd': parameter 'output_dir' is set by the runner",
        "untagged.ipynb: no code cell tagged 'parameters'",
        "report 'f': 'timeout' must be a positive integer",
        "report 'f': unknown key 'paramters'",
    ]
    for fragment in expected_fragments:
        assert fragment in text, f"missing {fragment!r} in:\n{text}"
    assert len(problems) == len(expected_fragments) - 1  # the date hint is part of the 'start' problem
    # every problem names the plan file and a line:column
    assert all(p.startswith(f"{plan}:") and p.split(":")[1].isdigit() for p in problems)


def test_timeouts_must_be_positive_seconds(tmp_path: Path) -> None:
    plan = write_plan(
        tmp_path,
        "- name: x\n  notebook: good.ipynb\n  timeout: 0\n  cell_timeout: 1.5\n"
        "- name: y\n  notebook: good.ipynb\n  timeout: 60\n  cell_timeout: null\n",
    )
    assert problems_of(plan) == [
        f"{plan}:3:12: report 'x': 'timeout' must be a positive integer (seconds for the whole report), found 0",
        f"{plan}:4:17: report 'x': 'cell_timeout' must be a positive integer (seconds per cell) or null, found 1.5",
    ]


def test_line_numbers_point_at_the_offending_value(tmp_path: Path) -> None:
    plan = write_plan(tmp_path, '- name: x\n  notebook: good.ipynb\n  parameters:\n    n: "3"\n')
    (problem,) = problems_of(plan)
    assert problem == f"{plan}:4:5: report 'x': n: expected int, found str '3'"


def test_items_of_list_parameters_must_be_strings(tmp_path: Path) -> None:
    plan = write_plan(
        tmp_path,
        "- name: x\n  notebook: good.ipynb\n  parameters:\n"
        '    theatres: [NO, 643, "RUS", [a], 2015-01-01, "syria"]\n',
    )
    assert problems_of(plan) == [
        f"{plan}:4:16: report 'x': theatres: item 1: expected str, found bool False "
        '(YAML read an unquoted code or number; write "NO")',
        f"{plan}:4:20: report 'x': theatres: item 2: expected str, found int 643 "
        '(YAML read an unquoted code or number; write "643")',
        f"{plan}:4:32: report 'x': theatres: item 4: expected str, found list ['a']",
        f"{plan}:4:37: report 'x': theatres: item 5: expected str, found date "
        'datetime.date(2015, 1, 1) (YAML read an unquoted date; write "2015-01-01")',
    ]
    good = write_plan(
        tmp_path, '- name: x\n  notebook: good.ipynb\n  parameters: {theatres: ["Libya", "iran"]}\n'
    )
    assert load_plan(good, NOTEBOOKS)[0].parameters["theatres"] == ["Libya", "iran"]


def test_duplicate_keys_are_refused_with_line_and_column(tmp_path: Path) -> None:
    plan = write_plan(
        tmp_path,
        "- name: x\n  notebook: good.ipynb\n"
        '  parameters: {start: "2024-01-01", label: "a", start: "2023-01-01"}\n'
        "  name: y\n",
    )
    problems = problems_of(plan)
    assert problems == [
        f"{plan}:3:49: duplicate key 'start' (first given at 3:16); expected each key once in a mapping "
        "(YAML would silently keep the last value)",
        f"{plan}:4:3: duplicate key 'name' (first given at 1:3); expected each key once in a mapping "
        "(YAML would silently keep the last value)",
    ]


@pytest.mark.parametrize(
    ("annotation", "default", "items"),
    [
        ("list", [], "str"),
        ("list", [2015, 2016], "int"),
        ("list[int]", [], "int"),
        ("List[float]", [], "float"),
        ("tuple", (), "str"),
        ("str", "", None),
        (None, [], "str"),
        (None, 3, None),
    ],
)
def test_item_type_of_list_parameters_without_a_rule(annotation: str | None, default: object, items: str | None) -> None:
    from incidentkit.data.parameters import rule_for

    assert rule_for("p", annotation, default).items == items


def test_names_that_slug_to_the_same_folder_are_refused(tmp_path: Path) -> None:
    plan = write_plan(
        tmp_path,
        "- name: Trends RU\n  notebook: good.ipynb\n- name: trends/ru\n  notebook: good.ipynb\n",
    )
    (problem,) = problems_of(plan)
    assert "folder name 'trends-ru' is the same as report 'Trends RU'" in problem


@pytest.mark.parametrize(
    "text",
    ["", "name: x\nnotebook: good.ipynb\n", "- [unclosed\n", "- just a string\n"],
    ids=["empty", "mapping-not-list", "bad-yaml", "entry-not-mapping"],
)
def test_malformed_plans_are_refused_with_the_file_name(tmp_path: Path, text: str) -> None:
    plan = write_plan(tmp_path, text)
    problems = problems_of(plan)
    assert problems and all(p.startswith(str(plan)) for p in problems)


def test_notebook_path_may_not_leave_the_notebooks_folder(tmp_path: Path) -> None:
    plan = write_plan(tmp_path, "- name: x\n  notebook: ../notebooks/good.ipynb\n")
    (problem,) = problems_of(plan)
    assert "expected a .ipynb file name relative to" in problem


def test_invalid_plan_runs_nothing_and_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    plan = write_plan(tmp_path, "- name: x\n  notebook: good.ipynb\n  parameters: {nope: 1}\n")
    out = tmp_path / "out"
    code = main(["run", "--plan", str(plan), "--notebooks", str(NOTEBOOKS), "--out", str(out)])
    assert code == 2
    assert "unknown parameter 'nope'" in capsys.readouterr().err
    assert not out.exists()


def test_unknown_only_name_runs_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = main(
        [
            "run",
            "--plan",
            str(FIXTURES / "plan-good.yaml"),
            "--notebooks",
            str(NOTEBOOKS),
            "--out",
            str(out),
            "--only",
            "no such report",
        ]
    )
    assert code == 2
    assert "--only 'no such report'" in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("../../x", "x"),
        ("a/b c", "a-b-c"),
        ("Syria / Iraq 2014", "syria-iraq-2014"),
        ("..\\..\\windows\\system32", "windows-system32"),
        ("Çeçenistan", "cecenistan"),
        ("trends RU 2015-01-01..2024-12-31", "trends-ru-2015-01-01-2024-12-31"),
    ],
)
def test_slugify_gives_safe_names(text: str, slug: str) -> None:
    assert slugify(text) == slug


@pytest.mark.parametrize("text", ["", "..", "/", "Дагестан", "con", "x" * 300, "a\x00b", "~root/.ssh"])
def test_slugify_never_gives_a_path(text: str) -> None:
    slug = slugify(text)
    assert slug and set(slug) <= SAFE and len(slug) <= 64
    assert not slug.startswith("-") and slug not in {"con", ".", ".."}
    assert os.path.basename(slug) == slug


def test_different_non_latin_names_get_different_slugs() -> None:
    assert slugify("Дагестан") != slugify("Чечня")


def test_plan_slugs_are_safe_whatever_the_name(tmp_path: Path) -> None:
    plan = write_plan(
        tmp_path,
        "- name: ../../etc/passwd\n  notebook: good.ipynb\n  parameters: {label: ../../x}\n"
        "- name: 'C:\\Users\\x y'\n  notebook: good.ipynb\n",
    )
    reports = load_plan(plan, NOTEBOOKS)
    assert [r.slug for r in reports] == ["etc-passwd", "c-users-x-y"]
    assert all(set(r.slug) <= SAFE for r in reports)


def test_importing_the_runner_does_not_import_heavy_packages() -> None:
    code = (
        "import sys, incidentkit.reports, incidentkit.reports.__main__, incidentkit.reports.run;"
        "heavy = {'pandas', 'matplotlib', 'papermill', 'nbconvert', 'nbformat', 'numpy', 'tqdm'} & set(sys.modules);"
        "print(sorted(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_index_shows_each_reports_coverage_statement(tmp_path):
    """Issue 10: the index page says, per report, what its data is, covers and counts (escaped like any data)."""
    from incidentkit.reports.index import headline
    from incidentkit.reports.site import render_index

    statement = "Documented incidents, not a count: 3 document(s) <b>describe</b> North Caucasus."
    summary = {"incidents": 3, "coverage_statement": statement, "comparison_note": "documented incidents ..."}
    report = {"slug": "brief", "html": "brief.html", "name": "brief", "notebook": "40-theatre-brief.ipynb",
              "parameters": {}, "status": "ok", "note": "", "error": "", "warnings": [], "duration": 1.0,
              "notebook_file": "", "kernel_log": "", "summary_file": "summary.json", "figures": [],
              "summary": summary}
    run = {"run_id": "r1", "started_at": "t0", "finished_at": "t1", "plan": "plan.yaml", "reports": [report]}
    page = render_index(run, tmp_path / "index.html").read_text()
    assert '<p class="coverage">Documented incidents, not a count: 3 document(s) &lt;b&gt;describe&lt;/b&gt;' in page
    assert headline(summary) == "3 documented incidents."  # the figures in words; the sentences said apart
