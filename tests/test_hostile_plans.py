"""Hostile report plans (issue 12, "Plans"): each is refused by ``incidentkit-reports check`` before anything runs,
quickly and with a clear message, never a traceback, a hang or memory growing without bound.

Every plan is checked by the command line in its own process with a time limit (``subprocess.run(timeout=...)``),
so a plan that made the checker hang fails its test instead of stalling the suite; each test asserts the exact
problem lines and the exit code 2.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"
DATA = REPO / "data"
#: Seconds any one check may take; a hostile plan is refused in well under a second here.
LIMIT = 60
#: The folders a source may come from, as the messages list them.
FOLDERS = f"{DATA}, {REPO}"
OUTSIDE = (
    f"is outside the folders a source may come from ({FOLDERS}); put the export in one of them, or name its folder "
    "in the plan's allowed_sources or in $INCIDENTKIT_SOURCE_DIRS"
)


def check(tmp_path: Path, text: str | bytes, *, command: str = "check", env: dict[str, str] | None = None,
          name: str = "plan.yaml") -> tuple[int, list[str]]:
    """Run ``incidentkit-reports <command>`` on the plan within :data:`LIMIT` seconds (a hang fails the test); return
    its exit code and problem lines."""
    plan = tmp_path / name
    plan.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    extra = ["--out", str(tmp_path / "out")] if command == "run" else []
    environment = {k: v for k, v in os.environ.items() if k != "INCIDENTKIT_SOURCE_DIRS"}
    done = subprocess.run(
        [sys.executable, "-m", "incidentkit.reports", command, "--plan", str(plan), "--notebooks", str(NOTEBOOKS),
         *extra],
        capture_output=True, text=True, timeout=LIMIT, env={**environment, **(env or {})}, cwd=tmp_path,
    )
    assert "Traceback" not in done.stderr, done.stderr
    lines = [line.removeprefix("  - ").replace(str(plan), "PLAN") for line in done.stderr.splitlines()[1:]]
    return done.returncode, lines


def brief(parameters: str) -> str:
    """A plan of one theatre brief with the given ``parameters`` mapping (YAML flow style)."""
    return f"- name: brief\n  notebook: 40-theatre-brief.ipynb\n  parameters: {parameters}\n"


# --- YAML that would blow up -----------------------------------------------------------------------------------


def billion_laughs(into: str) -> str:
    """Nine levels of anchors, each a list of ten aliases of the one before: 10**9 values once expanded."""
    lines = ['    l0: &l0 ["Libya", "Libya", "Libya", "Libya", "Libya", "Libya", "Libya", "Libya", "Libya", "Libya"]']
    lines += [f"    l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(1, 10)]
    anchors = "- notebook: 10-trends.ipynb\n  parameters:\n" + "\n".join(lines)
    return anchors + ("\n    theatres: *l9\n  name: laughs\n" if into == "theatres" else "\n  name: *l9\n")


@pytest.mark.parametrize("into", ["theatres", "name"])
def test_a_billion_laughs_plan_is_refused_fast(tmp_path: Path, into: str) -> None:
    code, lines = check(tmp_path, billion_laughs(into))
    assert code == 2
    assert lines == ["PLAN:7:9: the plan expands to more than 50,000 values (YAML aliases count once per use); "
                     "write a smaller plan, or fewer aliases of aliases"]


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    code, lines = check(tmp_path, "- name: x\n  notebook: 10-trends.ipynb\n  parameters: {theatres: &t [*t]}\n")
    assert code == 2
    assert lines == ["PLAN:3:26: an alias refers to a node that contains it (a recursive structure)"]


def test_nesting_too_deep_for_the_parser_is_refused(tmp_path: Path) -> None:
    code, lines = check(tmp_path, "- " + "[" * 5000 + "]" * 5000 + "\n")
    assert code == 2
    assert lines == ["PLAN: the plan is nested too deeply to be read (lists or mappings inside each other)"]


def test_aliases_within_the_limits_still_work(tmp_path: Path) -> None:
    plan = ('- name: a\n  notebook: 10-trends.ipynb\n  parameters: &period {start: "2020-01-01", end: "2020-12-31"}\n'
            "- name: b\n  notebook: 50-data-coverage.ipynb\n  parameters: *period\n")
    assert check(tmp_path, plan) == (0, [])


# --- sizes --------------------------------------------------------------------------------------------------------


def test_a_10_mb_string_parameter_is_refused_before_the_plan_is_parsed(tmp_path: Path) -> None:
    code, lines = check(tmp_path, brief('{theatre: "' + "x" * 10_000_000 + '"}'))
    assert code == 2
    assert lines == ["PLAN: the plan is larger than 1,048,576 bytes; a plan lists reports and their parameters, not data"]


def test_long_strings_and_lists_are_refused_with_their_size(tmp_path: Path) -> None:
    plan = brief('{theatre: "' + "x" * 100_000 + '", countries: [' + ", ".join(['"Iran"'] * 600) + "]}")
    code, lines = check(tmp_path, plan)
    assert code == 2
    assert lines == [
        "PLAN:3:16: report 'brief': theatre: a text of 100,000 characters; at most 2,000 are allowed",
        "PLAN:3:100029: report 'brief': countries: a list of 600 items; at most 500 are allowed",
    ]


def test_a_long_report_name_is_refused(tmp_path: Path) -> None:
    code, lines = check(tmp_path, f"- name: {'n' * 300}\n  notebook: 50-data-coverage.ipynb\n")
    assert code == 2
    assert lines == ["PLAN:1:9: entry 1: name: 300 characters; at most 200 are allowed"]


def test_more_than_a_thousand_reports_are_refused(tmp_path: Path) -> None:
    plan = "".join(f"- name: r{i}\n  notebook: 50-data-coverage.ipynb\n" for i in range(1001))
    code, lines = check(tmp_path, plan)
    assert code == 2
    assert lines == ["PLAN: 1,001 reports; at most 1,000 in one plan"]


# --- markup, control characters, bytes ----------------------------------------------------------------------------


def test_markup_in_any_value_is_refused_by_check_and_nothing_runs(tmp_path: Path) -> None:
    plan = brief('{theatre: "<script>alert(1)</script>", countries: ["Iran", "<img src=x onerror=alert(2)>"]}')
    plan += '- name: "<b>bold</b>"\n  notebook: 50-data-coverage.ipynb\n'
    for command in ("check", "run"):
        code, lines = check(tmp_path, plan, command=command)
        assert code == 2
        assert lines == [
            "PLAN:3:16: report 'brief': theatre: '<script>alert(1)</script>' holds markup ('<script>'); parameter "
            "values are plain text, without HTML tags",
            "PLAN:3:74: report 'brief': countries: item 2: '<img src=x onerror=alert(2)>' holds markup ('<img src'); "
            "parameter values are plain text, without HTML tags",
            "PLAN:4:9: entry 2: name: '<b>bold</b>' holds markup ('<b>bold<'); parameter values are plain text, "
            "without HTML tags",
        ]
    assert not (tmp_path / "out").exists()


def test_control_characters_are_refused_and_shown_escaped(tmp_path: Path) -> None:
    code, lines = check(tmp_path, brief('{theatre: "Libya\\u0000\\u001b[2J"}'))
    assert code == 2
    assert lines == ["PLAN:3:16: report 'brief': theatre: 'Libya\\x00\\x1b[2J' holds a control character (U+0000); "
                     "parameter values are plain text on one line"]


def test_a_plan_that_is_not_utf8_or_uses_python_tags_is_refused(tmp_path: Path) -> None:
    assert check(tmp_path, b"- name: \xff\xfe\n") == (2, ["PLAN: not UTF-8 text (byte 8)"])
    code, lines = check(tmp_path, "- !!python/object/apply:os.system ['touch pwned']\n")
    assert code == 2 and not (tmp_path / "pwned").exists()
    assert lines == ["PLAN:1:3: not valid YAML (\"could not determine a constructor for the tag "
                     "'tag:yaml.org,2002:python/object/apply:os.system'\")"]


# --- source -----------------------------------------------------------------------------------------------------


NOT_EXPORT = ("is not an export file; expected a GTD, ACLED or UCDP GED export (.csv, .tsv, .txt, .xlsx, .xlsm, "
              ".xlsb, .xls, .ods), a table in the incident schema (.csv) or a folder holding a datapackage.json")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("/etc/shadow", f"source: '/etc/shadow' {OUTSIDE}"),
        ("/proc/self", f"source: '/proc/self' {OUTSIDE}"),
        ("/dev/zero", f"source: '/dev/zero' {OUTSIDE}"),
        ("../../../../../../etc/passwd", f"source: '../../../../../../etc/passwd' {OUTSIDE}"),
        ("~/.ssh/id_rsa", f"source: '~/.ssh/id_rsa' {OUTSIDE}"),
        ("../notebooks", f"source: '../notebooks' {NOT_EXPORT}"),  # a folder without a datapackage.json
        ("../pyproject.toml", f"source: '../pyproject.toml' {NOT_EXPORT}"),
        ("../exports/missing.csv", "source: '../exports/missing.csv' is neither 'curated' nor an existing file"),
    ],
)
def test_a_source_outside_the_allowed_folders_or_not_an_export_is_refused(
    tmp_path: Path, source: str, message: str
) -> None:
    code, lines = check(tmp_path, brief(f'{{source: "{source}"}}'))
    assert code == 2
    assert lines == [f"PLAN:3:16: report 'brief': {message}"]


def test_a_folder_of_curated_tables_is_a_source(tmp_path: Path) -> None:
    """The project's data folder (a datapackage.json beside its tables) passes the check like an export."""
    code, lines = check(tmp_path, brief('{source: "../data"}'))
    assert (code, lines) == (0, [])


def test_a_symlink_into_the_data_folder_is_judged_by_its_target(tmp_path: Path) -> None:
    link = DATA / "zz-hostile-link.csv"
    link.symlink_to("/etc/passwd")
    try:
        code, lines = check(tmp_path, brief(f'{{source: "{link}"}}'))
    finally:
        link.unlink()
    assert code == 2
    assert lines == [f"PLAN:3:16: report 'brief': source: '{link}' {OUTSIDE}"]


def test_exports_elsewhere_need_their_folder_listed(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "gtd.csv").write_text("eventid,iyear\n1,2020\n", encoding="utf-8")
    listed = f'allowed_sources: ["exports"]\nreports:\n  - name: brief\n    notebook: 40-theatre-brief.ipynb\n' \
             f'    parameters: {{source: "{exports / "gtd.csv"}"}}\n'
    assert check(tmp_path, listed) == (0, [])
    assert check(tmp_path, brief(f'{{source: "{exports / "gtd.csv"}"}}'),
                 env={"INCIDENTKIT_SOURCE_DIRS": str(exports)}) == (0, [])
    code, lines = check(tmp_path, brief(f'{{source: "{exports / "gtd.csv"}"}}'))
    assert code == 2 and lines[0].endswith(f"source: {str(exports / 'gtd.csv')!r} {OUTSIDE}")


@pytest.mark.parametrize(
    ("folders", "message"),
    [
        ('["/"]', "PLAN:1:19: allowed_sources: '/' is a system folder or holds the home folder; name the folder that "
                  "holds the exports"),
        ('["/etc"]', "PLAN:1:19: allowed_sources: '/etc' is a system folder or holds the home folder; name the folder "
                     "that holds the exports"),
        ('["/proc/self"]', "PLAN:1:19: allowed_sources: '/proc/self' is a system folder or holds the home folder; "
                           "name the folder that holds the exports"),
        ('["no-such-folder"]', "PLAN:1:19: allowed_sources: 'no-such-folder' is not a folder"),
        ('"exports"', "PLAN:1:18: 'allowed_sources' must be a list of folder names, found 'exports'"),
    ],
)
def test_allowed_sources_may_not_open_the_system(tmp_path: Path, folders: str, message: str) -> None:
    plan = f"allowed_sources: {folders}\nreports:\n  - name: c\n    notebook: 50-data-coverage.ipynb\n"
    code, lines = check(tmp_path, plan)
    assert code == 2
    assert lines == [message]


def test_the_kernel_is_given_the_plans_allowed_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from incidentkit.reports.plan import load_plan

    (tmp_path / "exports").mkdir()
    plan = tmp_path / "plan.yaml"
    plan.write_text('allowed_sources: ["exports"]\nreports:\n  - {name: c, notebook: 50-data-coverage.ipynb}\n',
                    encoding="utf-8")
    monkeypatch.setenv("INCIDENTKIT_SOURCE_DIRS", "/srv/elsewhere")
    (report,) = load_plan(plan, NOTEBOOKS)
    assert report.source_dirs == (str((tmp_path / "exports").resolve()),)
    assert report.environment == {"INCIDENTKIT_SOURCE_DIRS": f"/srv/elsewhere{os.pathsep}{report.source_dirs[0]}"}


# --- what an export's error message may quote -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "shown"),
    [
        ("root:$6$" + "s" * 200 + ":19000:0:99999:7:::\nx\n", "the header (root:$6$" + "s" * 52 + "...)"),
        ("eventid,iyear\n".encode("utf-16").decode("latin-1"), "the header (eventid, iyear) is not a GTD"),
        ("\x1b[2J\x07evil,header\n1,2\n", "the header (\\x1b[2J\\x07evil, header)"),
    ],
    ids=["secret-line", "utf-16", "terminal-escapes"],
)
def test_an_unrecognised_export_is_quoted_short_and_escaped(tmp_path: Path, content: str, shown: str) -> None:
    import incidentkit as ik

    export = tmp_path / "export.csv"
    export.write_bytes(content.encode("latin-1"))
    with pytest.raises(ik.ReaderError) as err:
        ik.load_incidents(str(export))
    message = str(err.value)
    assert shown in message
    assert "\x00" not in message and "\x1b" not in message and "\x07" not in message
    quoted = message[message.index("the header (") + len("the header (") : message.index(") is not a GTD")]
    assert len(quoted.split(" -- ")[0]) <= 63
    if "iyear" in content.encode("latin-1").decode("utf-16", errors="ignore"):
        assert "UTF-16 text (utf-16), read through a UTF-8 copy" in message  # the encoding is named
