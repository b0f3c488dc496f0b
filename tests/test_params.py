"""Notebook parameter validation: clear messages, and a Selection that names itself."""

from __future__ import annotations

import incidentkit as ik
import pytest


def test_valid_parameters_make_a_selection(mini_data):
    sel = ik.check_parameters(source="curated", theatres=["North Caucasus"], start="2015-01-01", end="2018-12-31",
                              period="quarter", rolling=3)
    assert sel.filters["theatres"] == ["North Caucasus"]
    assert sel.options == {"period": "quarter", "rolling": 3}
    assert sel.label == "North Caucasus, 2015-01-01 to 2018-12-31"
    assert "curated" in sel.caption()
    assert len(ik.load_incidents(sel.source, **sel.filters)) == 3


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
