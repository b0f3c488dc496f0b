"""Notebook parameter validation: clear messages, and a Selection that names itself."""

from __future__ import annotations

import incidentkit as ik
import pandas as pd
import pytest


def test_valid_parameters_make_a_selection(mini_data):
    sel = ik.check_parameters(source="curated", theatres=["North Caucasus"], start="2015-01-01", end="2018-12-31",
                              period="quarter", rolling=3)
    assert sel.filters["theatres"] == ["North Caucasus"]
    assert sel.options == {"period": "quarter", "rolling": 3}
    assert sel.label == "North Caucasus, 2015-01-01 to 2018-12-31; violence carried out by IS"  # the roles counted
    assert "curated" in sel.caption()
    assert len(ik.load_incidents(sel.source, **sel.filters)) == 3


def test_roles_are_a_parameter_and_default_to_violence_by_is(mini_data):
    sel = ik.check_parameters(source="curated", start="2015-01-01", end="2018-12-31")
    assert sel.roles == ("perpetrator",) and sel.filters["roles"] == ("perpetrator",)
    every = ik.check_parameters(source="curated", start="2015-01-01", end="2018-12-31", roles="all")
    assert every.roles == ("perpetrator", "two_sided", "target")
    assert every.label.endswith("every role of IS (violence by IS, two-sided fighting and operations against IS)")
    assert sel.with_roles(["target"]).roles_label == "operations against IS"
    with pytest.raises(ik.ParameterError, match="valid values are: perpetrator, two_sided, target"):
        ik.check_parameters(source="curated", roles=["victim"])
    with pytest.raises(ik.ParameterError, match="would select no incident"):
        ik.check_parameters(source="curated", roles=[])


def test_a_blank_window_is_the_sources_own(mini_data, tmp_path):
    """Defaults follow the source: a blank start/end is the documents' period for the place."""
    sel = ik.check_parameters(source="curated", theatres=["North Caucasus"], start="", end="")
    assert (sel.start, sel.end) == (pd.Timestamp("2016-01-01"), pd.Timestamp("2018-12-31"))  # mini coverage.csv
    sel = ik.check_parameters(source="curated", start="2017-01-01", end="")
    assert sel.start == pd.Timestamp("2017-01-01") and sel.end == pd.Timestamp("2024-06-01")


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"theatres": ["Narnia"]}, "valid values are: North Caucasus"),
        ({"start": "2020-01-01", "end": "2019-01-01"}, "is after end"),
        ({"start": "yesterday"}, "expected YYYY-MM-DD"),
        ({"source": "/no/such/file.csv"}, "neither 'curated' nor an existing file"),
        ({"theatres": "[\"North Caucasus\"]"}, "unknown value"),
        ({"branches": [1]}, "expected strings"),
        ({"period": "week"}, "month, quarter, year"),
        ({"rolling": 0}, "whole number >= 1"),
        ({"theatre": "Mars"}, "valid theatres are"),
        ({"colour": "red"}, "unknown parameter 'colour'"),
    ],
)
def test_bad_parameters_fail_clearly(mini_data, kwargs, fragment):
    kwargs = {"source": "curated", **kwargs}
    with pytest.raises(ik.ParameterError) as err:
        ik.check_parameters(**kwargs)
    assert fragment in str(err.value)
