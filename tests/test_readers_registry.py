"""One module per dataset (issue 11, item 6): a dataset is a DatasetSpec and one registry line. A tiny fake dataset,
declared and registered here, is detected, read, cached, reported and loaded like GTD, ACLED and UCDP, and shown by
its display name; display names live in one place."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from incidentkit.data.load import load_incidents
from incidentkit.data.readers import (
    DatasetSpec,
    ReadContext,
    dataset_name,
    datasets,
    detect_dataset,
    read_export,
    registered,
    source_datasets,
)
from incidentkit.data.readers.actors import match_column, row_branches
from incidentkit.data.readers.codes import enum
from incidentkit.data.readers.extent import CODABLE, coded
from incidentkit.data.readers.places import admin1_names
from incidentkit.data.readers.values import category, count, iso3_from_names, number, str_from_codes, text
from incidentkit.data.selection import describe_source

LIB = Path(__file__).resolve().parents[1] / "lib" / "incidentkit"


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))


def _convert(table: pa.Table, ctx: ReadContext) -> dict[str, Any]:
    """The whole conversion of the fake dataset: ids, day-precise dates, place, the IS actor, deaths."""
    n = ctx.n
    uid = number(table, "tiny_id", ctx.issues, integer=True)
    sid = uid.astype("str")
    day = pd.to_datetime(text(table, "tiny_day"), format="%Y-%m-%d", errors="coerce")
    ctx.issues.reject(day.isna().to_numpy(), "tiny_day", "expected a date as YYYY-MM-DD", text(table, "tiny_day"))
    iso3, ctx.flags["country_unmapped"] = iso3_from_names(category(table, "tiny_country"))
    branch = row_branches(*match_column(ctx.rules, ctx.actors, "tiny_group", category(table, "tiny_group"), iso3)[:2])[0]
    roles = enum("is_role")
    dead = count(table, "tiny_dead", ctx.issues)
    return {
        "incident_id": "tiny-" + sid, "date": day.astype("datetime64[ns]"),
        "date_precision": enum("date_precision").full(n, "day"), "date_basis": enum("date_basis").full(n, "incident"),
        "country": text(table, "tiny_country"), "iso3": iso3,
        "admin1": admin1_names("tiny", iso3, category(table, "tiny_region"), ctx.report),
        "geo_precision": enum("geo_precision").full(n, "admin1"),
        "perpetrator": text(table, "tiny_group").fillna("Unknown"), "is_branch": pd.Series(branch, dtype="str"),
        "is_role": roles.categorical(np.where(pd.notna(branch), roles.code("perpetrator"), -1)),
        "claim_status": enum("claim_status").full(n, "unknown"), "attribution": enum("attribution").full(n, "confirmed"),
        "attack_type": enum("attack_type").full(n, "Unknown"), "target_type": enum("target_type").full(n, "Unknown"),
        "killed_low": dead, "killed_best": dead, "killed_high": dead,
        "source_ids": str_from_codes(np.zeros(n, dtype=np.int64), ["tiny"]),
        "source_dataset": str_from_codes(np.zeros(n, dtype=np.int64), ["tiny"]), "source_event_id": sid,
    }


TINY = DatasetSpec(
    key="tiny",
    name="Tiny Events",
    title="A tiny fake dataset declared by a test",
    signature=("tiny_id", "tiny_day", "tiny_group", "tiny_country"),
    columns={c: pa.string() for c in ("tiny_id", "tiny_day", "tiny_group", "tiny_country", "tiny_region", "tiny_dead")},
    required=("tiny_id", "tiny_day", "tiny_country"),
    required_values=("tiny_id", "tiny_day", "tiny_country"),
    id_column="tiny_id",
    convert=_convert,
    version=1,
    coded={k: coded("no", "a fake dataset") for k in CODABLE},
    actor_columns=("tiny_group",),
)

CSV = (
    "tiny_id,tiny_day,tiny_group,tiny_country,tiny_region,tiny_dead\n"
    "1,2023-02-10,Islamic State (Syria),Syria,Homs Governorate,4\n"
    "2,2023-02-11,Some Militia,Russia,Republic of Dagestan,1\n"
    "3,2023-02-12,Islamic State (Somalia),Somalia,Bari,-2\n"
    "4,not a day,Some Militia,Syria,Idlib,0\n"
)


def test_a_fake_dataset_registered_in_the_test_is_read_like_the_others(tmp_path):
    path = tmp_path / "tiny_export.csv"
    path.write_text(CSV)
    with registered(TINY):
        assert "tiny" in datasets() and source_datasets()[-1] == "tiny"
        assert detect_dataset(path) == "tiny"
        assert dataset_name("tiny") == "Tiny Events" and describe_source(path) == "Tiny Events export tiny_export.csv"
        with pytest.warns(UserWarning, match="line 5, column 'tiny_day'"):
            df = read_export(path).set_index("source_event_id")
        assert list(df.index) == ["1", "2", "3"]  # line 5 rejected, named
        assert df.loc["1", "is_branch"] == "is-central" and df.loc["1", "admin1"] == "Homs"
        assert df.loc["2", "admin1"] == "Dagestan" and pd.isna(df.loc["2", "is_branch"])
        assert df.loc["3", "is_branch"] == "is-somalia" and pd.isna(df.loc["3", "killed_best"])
        report = df.attrs["read_report"]
        assert [c["line"] for c in report["changed"]] == [4]  # the negative count
        assert {e["name"] for e in report["actors"]["pattern"]} == {"Islamic State (Syria)", "Islamic State (Somalia)"}
        assert report["coverage"]["coded"]["claims"]["coded"] == "no"
        warm = read_export(path)  # served from the cache, with the same report
        assert warm.attrs["read_report"]["changed"] == report["changed"]
        loaded = load_incidents(source=path)
        assert loaded["theatre"].astype(str).tolist() == ["Syria: Badia", "Elsewhere"]
    assert "tiny" not in datasets() and dataset_name("tiny") == "tiny"


def test_a_dataset_must_read_what_it_requires():
    with pytest.raises(ValueError, match="required but not read"):
        DatasetSpec(key="bad", name="Bad", title="", signature=("a",), columns={"a": pa.string()}, required=("b",),
                    required_values=(), id_column="a", convert=_convert, version=1, coded={})


def test_display_names_live_in_the_registry_only():
    """No module keeps its own copy of the datasets' display names."""
    for path in LIB.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                assert not {"gtd", "acled", "ucdp"} <= keys, f"{path}: a dict keyed by the datasets"
    assert [dataset_name(k) for k in source_datasets()] == ["incidentkit curated table", "GTD", "ACLED", "UCDP GED"]


def test_every_reader_looks_codes_up_by_name():
    """No reader indexes a contract enum by position (``enum_values(...)[k]`` or ``categories=...`` literals)."""
    for path in (LIB / "data" / "readers").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "enum_values(" not in source or path.name == "codes.py", path.name
