"""The cache (Arrow IPC, memory-mapped): a hit, invalidation by content and reader version, corrupt entries rebuilt, report kept."""

from __future__ import annotations

import dataclasses
import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
from incidentkit.data.readers import CacheWarning, RowsRejectedWarning, read_gtd, read_ucdp, registry
from incidentkit.data.readers import cache as cache_mod

FIXTURES = Path(__file__).parent / "fixtures" / "readers"


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def export(tmp_path) -> Path:
    path = tmp_path / "ged_test.csv"
    shutil.copy(FIXTURES / "ucdp_quirks.csv", path)
    return path


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.arrow"))


def test_second_read_is_served_from_the_cache(cache, export, monkeypatch):
    first = read_ucdp(export)
    assert len(entries(cache)) == 1

    def boom(path):  # a cache hit must not convert again
        raise AssertionError("converted again")

    monkeypatch.setattr("incidentkit.data.readers.pipeline.build", boom)
    second = read_ucdp(export)
    pd.testing.assert_frame_equal(first, second)
    assert second["date"].dtype == "datetime64[ns]"  # numpy, not Arrow timestamps
    assert isinstance(second["attack_type"].dtype, pd.CategoricalDtype)


def test_changed_file_invalidates(cache, export):
    before = read_ucdp(export)
    text = export.read_text().replace("Synthetic headline one", "Synthetic headline ONE")  # same size
    export.write_text(text)
    after = read_ucdp(export)
    assert after.loc[after["source_event_id"] == "900001", "summary"].item() == "Synthetic headline ONE"
    assert before.loc[before["source_event_id"] == "900001", "summary"].item() == "Synthetic headline one"
    assert len(entries(cache)) == 2


def test_new_reader_version_invalidates(cache, export, monkeypatch):
    read_ucdp(export)
    spec = registry.spec_of("ucdp")
    monkeypatch.setitem(registry._DATASETS, "ucdp", dataclasses.replace(spec, version=999))
    read_ucdp(export)
    assert any("-v999-" in p.name for p in entries(cache))


@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_corrupt_entry_is_removed_and_rebuilt(cache, export, damage):
    good = read_ucdp(export)
    (entry,) = entries(cache)
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2] if damage == "truncate" else b"not an arrow file" * 10)
    with pytest.warns(CacheWarning, match="corrupt cache entry"):
        again = read_ucdp(export)
    pd.testing.assert_frame_equal(good, again)
    (rebuilt,) = entries(cache)
    assert rebuilt.read_bytes()[:6] == b"ARROW1"


def test_rejected_rows_report_survives_the_cache(cache, tmp_path):
    path = tmp_path / "gtd_cut.csv"
    raw = (FIXTURES / "gtd_quirks.csv").read_bytes()
    path.write_bytes(raw + b"201801010001,2018,1,1,,0,,167,Rus")  # a cut last row, as in the real sample
    with pytest.warns(RowsRejectedWarning, match="line 9"):
        cold = read_gtd(path)
    with pytest.warns(RowsRejectedWarning, match="line 9"):
        warm = read_gtd(path)
    assert warm.attrs["read_report"]["rejected"] == cold.attrs["read_report"]["rejected"]
    assert cold.attrs["read_report"]["rows_read"] == 7 and len(cold) == 6


def test_writes_are_atomic(cache, export):
    read_ucdp(export)
    assert not list(cache.glob("*.tmp"))


def test_hash_changes_with_content(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        h1 = cache_mod.content_hash(path)
    path.write_text("a,b\n1,3\n")
    assert cache_mod.content_hash(path) != h1


def test_background_write_is_waited_for_and_atomic(cache, export, monkeypatch):
    monkeypatch.setattr(cache_mod, "BACKGROUND_ROWS", 0)  # every frame is written by a background thread
    first = read_ucdp(export)

    def boom(path):  # the second read waits for the write instead of converting again
        raise AssertionError("converted again")

    monkeypatch.setattr("incidentkit.data.readers.pipeline.build", boom)
    second = read_ucdp(export)
    pd.testing.assert_frame_equal(first, second)
    cache_mod.wait_for_cache_writes()
    assert len(entries(cache)) == 1 and not list(cache.glob("*.tmp"))


def test_background_entry_is_not_changed_by_the_caller(cache, export, monkeypatch):
    monkeypatch.setattr(cache_mod, "BACKGROUND_ROWS", 0)
    first = read_ucdp(export)
    expected = first.copy()
    first["killed_best"] = first["killed_best"] + 1000  # the caller edits its frame while the entry is written
    first.loc[0, "latitude"] = 0.0  # in place: numpy-backed columns must not be shared with the entry
    first.loc[0, "killed_low"] = 7
    first.loc[0, "attack_type"] = "Unknown" if expected.loc[0, "attack_type"] != "Unknown" else "Hijacking"
    first.loc[0, "date"] = pd.Timestamp("1999-01-01")
    cache_mod.wait_for_cache_writes()
    pd.testing.assert_frame_equal(read_ucdp(export), expected)


@pytest.fixture
def data_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the project's data folder, set as the library's data folder (its tables can be edited)."""
    folder = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parents[1] / "data", folder)
    monkeypatch.setenv("INCIDENTKIT_DATA_DIR", str(folder))
    return folder


def test_changed_alias_table_gives_a_fresh_conversion(cache, export, data_copy):
    before = read_ucdp(export).set_index("source_event_id")
    assert before.loc["900001", "admin1"] == "Dagestan"  # 'Dagestan republic' normalised
    aliases = data_copy / "admin1_aliases.csv"
    kept = [line for line in aliases.read_text().splitlines(True) if not line.startswith("ucdp,RUS,Dagestan republic,")]
    aliases.write_text("".join(kept) + "ucdp,RUS,Dagestan republic,Test Republic\n")  # an alias row wins
    after = read_ucdp(export).set_index("source_event_id")
    assert after.loc["900001", "admin1"] == "Test Republic"  # not the stale cached conversion
    assert len(entries(cache)) == 2


def test_changed_branch_aliases_give_a_fresh_conversion(cache, export, data_copy):
    before = read_ucdp(export).set_index("source_event_id")
    assert before.loc["900001", "is_branch"] == "is-caucasus"
    aliases = data_copy / "branch_aliases.csv"
    aliases.write_text(aliases.read_text().replace("ucdp,IS,RUS,is-caucasus", "ucdp,IS,RUS,is-unspecified"))
    after = read_ucdp(export).set_index("source_event_id")
    assert after.loc["900001", "is_branch"] == "is-unspecified"


def test_dependency_digest_follows_the_tables_and_the_schema(data_copy):
    first = cache_mod.dependency_digest()
    assert cache_mod.dependency_digest() == first  # stable
    package = data_copy / "datapackage.json"
    package.write_text(package.read_text().replace('"incidents"', '"incidents" ', 1))  # formatting only
    assert cache_mod.dependency_digest() == first
    package.write_text(package.read_text().replace('"killed_best"', '"killed_best_renamed"', 1))
    second = cache_mod.dependency_digest()
    assert second != first
    (data_copy / "admin1_aliases.csv").write_text((data_copy / "admin1_aliases.csv").read_text() + "\n")
    assert cache_mod.dependency_digest() != second


def _data_region(entry: Path) -> tuple[int, int]:
    """Return [start, end) of an entry's schema and record batch: after the 8-byte magic, before the footer (an
    Arrow IPC file ends with the footer, its 4-byte length and the 6-byte magic)."""
    raw = entry.read_bytes()
    footer = int.from_bytes(raw[-10:-6], "little")
    return 8, len(raw) - 10 - footer


@pytest.mark.parametrize("where", [0.25, 0.5, 0.75])
def test_flipped_bytes_in_the_data_region_are_detected_and_rebuilt(cache, export, where):
    good = read_ucdp(export)
    (entry,) = entries(cache)
    start, end = _data_region(entry)
    raw = bytearray(entry.read_bytes())
    pos = start + int((end - start) * where)
    raw[pos] ^= 0x10
    raw[pos + 1] ^= 0x01
    entry.write_bytes(bytes(raw))  # same size, still a Parquet file
    with pytest.warns(CacheWarning, match="corrupt cache entry removed and rebuilt"):
        again = read_ucdp(export)
    pd.testing.assert_frame_equal(good, again)
    (rebuilt,) = entries(cache)
    assert bytearray(rebuilt.read_bytes()) != raw
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheWarning)  # the rebuilt entry is sound
        pd.testing.assert_frame_equal(good, read_ucdp(export))


def test_rewritten_entry_with_the_same_metadata_is_detected(cache, export):
    import pyarrow as pa
    import pyarrow.feather as feather

    good = read_ucdp(export)
    (entry,) = entries(cache)
    table = feather.read_table(entry, memory_map=False)
    i = table.column_names.index("killed_best")
    forged = table.set_column(i, "killed_best", pa.array([999] * table.num_rows, pa.int64()))
    feather.write_feather(forged.replace_schema_metadata(table.schema.metadata), entry,
                          compression="uncompressed")  # parses, metadata matches
    with pytest.warns(CacheWarning, match="do not match the digest"):
        again = read_ucdp(export)
    pd.testing.assert_frame_equal(good, again)


def test_changed_text_value_is_caught_by_the_digest(cache, export):
    read_ucdp(export)
    (entry,) = entries(cache)
    raw = bytearray(entry.read_bytes())
    pos = raw.find(b"Synthetic headline one")
    assert pos > 0  # uncompressed: text is stored as literal bytes
    raw[pos + len("Synthetic headline ")] ^= 0x20  # 'one' -> 'One': a different, perfectly valid value
    entry.write_bytes(bytes(raw))
    with pytest.warns(CacheWarning, match="do not match the digest"):
        again = read_ucdp(export)
    assert again.loc[again["source_event_id"] == "900001", "summary"].item() == "Synthetic headline one"


def test_entry_replaced_by_a_folder_is_said_once_per_read_and_not_said_removed(cache, export):
    """Issue 12: a folder in the entry's place cannot be removed; the warning says so (not 'removed and rebuilt'),
    once per read, and the export is still read."""
    good = read_ucdp(export)
    (entry,) = entries(cache)
    entry.unlink()
    entry.mkdir()
    (entry / "something").write_text("x")
    for _ in range(2):  # every later read: one warning, the truth
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            again = read_ucdp(export)
        cache_warnings = [w for w in caught if issubclass(w.category, CacheWarning)]
        assert len(cache_warnings) == 1, [str(w.message) for w in cache_warnings]
        message = str(cache_warnings[0].message)
        assert "could not be removed" in message and "a folder" in message
        assert "removed and rebuilt" not in message
        pd.testing.assert_frame_equal(good, again)
    assert entry.is_dir()


def test_missing_sidecar_means_rebuild(cache, export):
    good = read_ucdp(export)
    (entry,) = entries(cache)
    cache_mod.sidecar_path(entry).unlink()
    with pytest.warns(CacheWarning, match="sidecar"):
        again = read_ucdp(export)
    pd.testing.assert_frame_equal(good, again)
    assert cache_mod.sidecar_path(entries(cache)[0]).exists()
