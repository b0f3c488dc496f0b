"""Figures and summaries are reproducible: the same figure gives the same bytes."""

from __future__ import annotations

import json

import matplotlib

matplotlib.use("Agg")
import incidentkit as ik  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402


def _figure():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 1, 2], label="x")
    ax.set_title("A title")
    ax.legend()
    return fig


def test_save_figure_is_byte_stable(tmp_path):
    first = ik.charts.save_figure(_figure(), "example-figure", tmp_path / "a")
    second = ik.charts.save_figure(_figure(), "example-figure", tmp_path / "b")
    plt.close("all")
    for fmt in ("png", "svg"):
        assert first[fmt].read_bytes() == second[fmt].read_bytes()
    svg = first["svg"].read_text()
    assert "<dc:date>" not in svg
    assert first["png"].name == "example-figure.png" and first["png"].parent.name == "figures"
    assert first["png"].stat().st_mode & 0o044 == 0o044  # readable by a web server, not 0600 like mkstemp's


def test_figure_names_must_be_slugs(tmp_path):
    with pytest.raises(ik.ParameterError):
        ik.charts.save_figure(_figure(), "../evil name", tmp_path)
    plt.close("all")


def test_summary_json_converts_pandas_values(tmp_path):
    path = ik.charts.write_summary(
        {"incidents": pd.Series([1, 2]).sum(), "first": pd.Timestamp("2016-02-15"), "unknown": pd.NA,
         "share": float("nan"), "table": pd.DataFrame({"a": [1]})},
        tmp_path,
    )
    data = json.loads(path.read_text())
    assert data == {"incidents": 3, "first": "2016-02-15", "unknown": None, "share": None, "table": [{"a": 1}]}
    assert ik.charts.read_summary(tmp_path) == data


def test_output_dir_defaults_under_reports_dev(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTKIT_REPORTS_DIR", str(tmp_path))
    out = ik.charts.output_dir("", "10-trends")
    assert out == (tmp_path / "dev" / "10-trends").resolve()
    assert (out / "figures").is_dir()
    given = ik.charts.output_dir(str(tmp_path / "x"), "10-trends")
    assert given == (tmp_path / "x").resolve()
