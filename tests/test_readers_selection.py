"""Selecting IS rows before converting (readers/candidates.py) gives exactly what converting every row and then
selecting gives: the same frame, the same read report (rows not read, lines, coverage, actor names), on every real
sample, every reader fixture and crafted hostile files, in one batch and in many."""

from __future__ import annotations

import codecs
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
from incidentkit import load_incidents
from incidentkit.data import coverage as coverage_mod
from incidentkit.data import load as load_mod
from incidentkit.data.readers import RowsRejectedWarning, candidates, read_export, stream
from incidentkit.data.readers.detect import detect_dataset
from incidentkit.errors import ReaderError

FIXTURES = Path(__file__).parent / "fixtures" / "readers"
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "real-samples"
#: Report keys that differ by design: ``selection`` (only the IS-only read has it) and ``places`` (admin1 spellings
#: are checked in the rows converted; those of the IS rows are a subset of the whole file's, checked below).
BY_DESIGN = ("selection", "places")


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))


def _exports(folder: Path) -> list[Path]:
    out = []
    for path in sorted(folder.rglob("*.csv")):
        try:
            detect_dataset(path)
        except (ReaderError, ValueError):
            continue  # a codebook table, not an export
        out.append(path)
    return out


def _samples() -> list[Path]:
    return _exports(SAMPLES) if SAMPLES.is_dir() else []


def quietly(path: Path, **kwargs) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsRejectedWarning)
        return read_export(path, use_cache=False, **kwargs)


def assert_same_as_convert_then_select(path: Path) -> tuple[pd.DataFrame, dict]:
    """Assert the IS-only read equals the whole read then selected; return the IS-only frame and its report."""
    whole = quietly(path)
    selected = quietly(path, only_is=True)
    expected = whole[whole["is_branch"].notna().to_numpy()].reset_index(drop=True)
    pd.testing.assert_frame_equal(selected, expected)
    full, part = whole.attrs["read_report"], selected.attrs["read_report"]
    assert {k: v for k, v in part.items() if k not in BY_DESIGN} == {k: v for k, v in full.items() if k not in BY_DESIGN}
    whole_places = {(p["iso3"], p["admin1"]) for p in full.get("places", [])}
    assert {(p["iso3"], p["admin1"]) for p in part.get("places", [])} <= whole_places
    return selected, part


@pytest.mark.parametrize("path", _exports(FIXTURES), ids=lambda p: p.name)
@pytest.mark.parametrize("block", [None, 512], ids=["one-batch", "many-batches"])
def test_every_fixture(path, block, monkeypatch):
    if block:
        monkeypatch.setattr(stream, "BLOCK_SIZE", block)
    assert_same_as_convert_then_select(path)


def test_the_fixtures_are_all_there():
    names = {p.name for p in _exports(FIXTURES)}
    assert {"acled_current.csv", "acled_2015.csv", "acled_2020.csv", "gtd_quirks.csv", "ucdp_quirks.csv"} <= names


@pytest.mark.skipif(not _samples(), reason="real samples not found in ../shared/real-samples/")
@pytest.mark.parametrize("path", _samples(), ids=lambda p: p.name)
@pytest.mark.parametrize("block", [None, 64 << 10], ids=["one-batch", "many-batches"])
def test_every_real_sample(path, block, monkeypatch):
    if block:
        monkeypatch.setattr(stream, "BLOCK_SIZE", block)
    selected, report = assert_same_as_convert_then_select(path)
    if report.get("selection"):  # selected before converting: far fewer rows converted than read
        assert report["selection"]["rows_converted"] < report["rows_read"]


@pytest.mark.skipif(not _samples(), reason="real samples not found in ../shared/real-samples/")
def test_the_real_samples_are_selected_before_converting():
    for path in _samples():
        if detect_dataset(path) in ("gtd", "acled"):
            report = quietly(path, only_is=True).attrs["read_report"]
            assert report["selection"]["rows_not_converted"] > 0, path


def _craft(tmp_path: Path, name: str, edit) -> Path:
    src = FIXTURES / name
    encoding = "cp1252" if name.startswith("gtd") else "utf-8"
    text = src.read_bytes().decode(encoding)
    out = tmp_path / f"crafted_{name}"
    out.write_bytes(edit(text).encode(encoding))
    return out


def _first_non_is_line(text: str, marker: str) -> str:
    return next(line for line in text.splitlines(True)[1:] if marker in line)


@pytest.mark.parametrize(
    "case",
    ["stray-quote", "cut-last-row", "bad-date-not-is", "blank-required-not-is", "id-shared-is-and-not", "utf16"],
)
def test_hostile_files(tmp_path, case, monkeypatch):
    if case == "stray-quote":  # records merged by a stray quote (tests/test_readers_lines.py)
        path = _craft(tmp_path, "acled_current.csv", lambda t: t.replace(
            '"Synthetic note one, with a comma.",3,', '"Synthetic note one, with a comma.,3,').replace(
            ",Synthetic note two.,0,", ',"Synthetic note two.",0,'))
    elif case == "cut-last-row":
        path = _craft(tmp_path, "gtd_quirks.csv", lambda t: t + "201801010001,2018,1,1,,0,,167,Rus")
    elif case == "bad-date-not-is":
        def edit(t: str) -> str:
            lines = t.splitlines(True)
            k = next(i for i, line in enumerate(lines[1:], 1) if "Islamic State" not in line and "ISIL" not in line)
            head = lines[0].rstrip("\r\n").split(",")
            row = lines[k].rstrip("\r\n").split(",")
            row[head.index("event_date")] = "not a date"
            lines[k] = ",".join(row) + "\n"
            return "".join(lines)
        path = _craft(tmp_path, "acled_roles.csv", edit)
    elif case == "blank-required-not-is":
        def edit(t: str) -> str:
            lines = t.splitlines(True)
            k = next(i for i, line in enumerate(lines[1:], 1) if "Islamic State" not in line and "ISIL" not in line)
            head = lines[0].rstrip("\r\n").split(",")
            row = lines[k].rstrip("\r\n").split(",")
            row[head.index("fatalities")] = ""
            lines[k] = ",".join(row) + "\n"
            return "".join(lines)
        path = _craft(tmp_path, "acled_roles.csv", edit)
    elif case == "id-shared-is-and-not":  # a duplicate id across an IS row and another: read whole, then selected
        def edit(t: str) -> str:
            lines = t.splitlines(True)
            head = lines[0].rstrip("\r\n").split(",")
            col = head.index("event_id_cnty")
            rows = [line.rstrip("\r\n").split(",") for line in lines[1:]]
            is_row = next(r for r in rows if any("Islamic State" in v for v in r))
            other = next(r for r in rows if not any("Islamic State" in v or "ISIL" in v for v in r))
            other[col] = is_row[col]
            return lines[0] + "".join(",".join(r) + "\n" for r in rows)
        path = _craft(tmp_path, "acled_roles.csv", edit)
        called = []
        real = candidates.build_is_rows
        monkeypatch.setattr("incidentkit.data.readers.pipeline.build_is_rows",
                            lambda *a: called.append(real(*a)) or called[-1])
    else:  # UTF-16 (read through a UTF-8 copy)
        path = tmp_path / "acled_utf16.csv"
        path.write_bytes(codecs.BOM_UTF16_LE + (FIXTURES / "acled_roles.csv").read_text().encode("utf-16-le"))
    selected, report = assert_same_as_convert_then_select(path)
    if case == "stray-quote":
        assert any("records may be merged" in r["reason"] for r in report["rejected"])
    if case in ("bad-date-not-is", "blank-required-not-is"):  # a row naming no IS actor, rejected all the same
        assert report["selection"]["rows_not_converted"] > 0
        assert len(report["rejected"]) == 1 and report["rejected"][0]["line"] is not None
    if case == "id-shared-is-and-not":
        assert called == [None]  # the selection stepped aside: the whole file was converted
        assert "selection" not in report


def test_load_incidents_is_the_same_either_way(tmp_path, monkeypatch):
    path = SAMPLES / "acled" / "acledR_acled_old_deletion_dummy_2022H1.csv"
    if not path.exists():
        pytest.skip("real ACLED sample not found in ../shared/real-samples/")
    roles = ["perpetrator", "target", "two_sided"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsRejectedWarning)
        before = load_incidents(path, roles=roles)
        monkeypatch.setattr("incidentkit.data.readers.pipeline.build_is_rows", lambda *a: None)
        monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "another-cache"))
        after = load_incidents(path, roles=roles)
    pd.testing.assert_frame_equal(before, after)
    assert coverage_mod.coverage(before) == coverage_mod.coverage(after)
    assert len(before) > 0


def test_is_only_reads_are_cached_apart_and_served_warm(tmp_path, monkeypatch):
    path = FIXTURES / "acled_roles.csv"
    cold = read_export(path, only_is=True)
    whole = read_export(path)
    monkeypatch.setattr("incidentkit.data.readers.pipeline.build", lambda *a: pytest.fail("converted again"))
    monkeypatch.setattr("incidentkit.data.readers.pipeline.build_is_rows", lambda *a: pytest.fail("converted again"))
    pd.testing.assert_frame_equal(read_export(path, only_is=True), cold)
    pd.testing.assert_frame_equal(read_export(path), whole)
    assert len(cold) < len(whole)


def test_a_warm_load_does_not_validate_the_same_rows_against_the_same_tables_again(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", folder)
    monkeypatch.setenv("INCIDENTKIT_DATA_DIR", str(folder))
    path = FIXTURES / "acled_roles.csv"
    calls = []
    real = load_mod.validate
    monkeypatch.setattr(load_mod, "validate", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = load_incidents(path)
    assert calls == [1]
    pd.testing.assert_frame_equal(load_incidents(path), first)  # served from the cache: not validated again
    assert calls == [1]
    sources = folder / "sources.csv"
    sources.write_text(sources.read_text() + "\n")  # any change to a data table: validated again
    pd.testing.assert_frame_equal(load_incidents(path), first)
    assert calls == [1, 1]
