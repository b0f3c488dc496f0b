"""Notebook parameter validation (``ik.check_parameters``): the rules table's messages, friendly filter values, and a
Selection that names itself. The same messages from ``reports check``: tests/test_parameter_contract.py."""

from __future__ import annotations

from pathlib import Path

import incidentkit as ik
import pandas as pd
import pytest
from incidentkit.data.parameters import RULES


def test_valid_parameters_make_a_selection(mini_data):
    sel = ik.check_parameters(source="curated", theatres=["North Caucasus"], start="2015-01-01", end="2018-12-31",
                              period="quarter", rolling=3)
    assert sel.filters["theatres"] == ["North Caucasus"]
    assert sel.options == {"period": "quarter", "rolling": 3}
    assert sel.label == "North Caucasus, 2015-01-01 to 2018-12-31; violence carried out by IS"  # the roles counted
    assert "curated" in sel.caption()
    assert len(ik.load_incidents(sel)) == 3
    assert len(ik.load_incidents(sel)) == 3


def test_roles_are_a_parameter_and_default_to_violence_by_is(mini_data):
    sel = ik.check_parameters(source="curated", start="2015-01-01", end="2018-12-31")
    assert sel.roles == ("perpetrator",) and sel.filters["roles"] == ("perpetrator",)
    every = ik.check_parameters(source="curated", start="2015-01-01", end="2018-12-31", roles=["all"])
    assert every.roles == ("perpetrator", "two_sided", "target")
    assert every.label.endswith("every role of IS (violence by IS, two-sided fighting and operations against IS)")
    assert sel.with_roles(["target"]).roles_label == "operations against IS"
    with pytest.raises(ik.ParameterError, match="valid values are: perpetrator, two_sided, target"):
        ik.check_parameters(source="curated", roles=["victim"])
    with pytest.raises(ik.ParameterError, match="would select no incident"):
        ik.check_parameters(source="curated", roles=[])
    # matched as every filter is: case- and punctuation-blind, through the words the product names roles with
    spelled = ik.check_parameters(source="curated", roles=["Operations against IS", "TWO-SIDED", "target"])
    assert spelled.roles == ("two_sided", "target")
    with pytest.raises(ik.ParameterError, match=r"roles: unknown value 'targte' \(did you mean 'target'\?\); "
                                                r"valid values are: perpetrator, two_sided, target"):
        ik.check_parameters(source="curated", roles=["perpetrator", "targte"])


def test_a_blank_window_is_the_sources_own(mini_data, tmp_path, monkeypatch):
    """Defaults follow the source: with an export, a blank start/end is the file's own first/last date."""
    export = Path(__file__).parent / "fixtures" / "readers" / "acled_roles.csv"
    monkeypatch.setenv("INCIDENTKIT_SOURCE_DIRS", str(export.parent))
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))
    sel = ik.check_parameters(source=str(export), start="", end="")
    assert (sel.start, sel.end) == (pd.Timestamp("2022-01-03"), pd.Timestamp("2022-06-28"))
    sel = ik.check_parameters(source=str(export), start="2022-03-01", end="")
    assert sel.start == pd.Timestamp("2022-03-01") and sel.end == pd.Timestamp("2022-06-28")
    curated = ik.check_parameters(source="curated", start="", end="")
    assert curated.start is None and curated.end is None  # the curated table: its first and last incident


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"theatres": ["Narnia"]},
         "theatres: unknown value 'Narnia'; valid values are: North Caucasus, Russia (other), Syria: Badia, Libya, "
         "Elsewhere"),
        ({"theatres": ["Badia"]},
         "theatres: unknown value 'Badia' (did you mean 'Syria: Badia'?); valid values are: North Caucasus, "
         "Russia (other), Syria: Badia, Libya, Elsewhere"),
        ({"start": "2020-01-01", "end": "2019-01-01"},
         "start (2020-01-01) is after end (2019-01-01); choose a start on or before the end"),
        ({"start": "yesterday"}, "start: 'yesterday' is not a date; expected YYYY-MM-DD"),
        ({"start": "2024-02-30"}, "start: '2024-02-30' is not a date; expected YYYY-MM-DD"),
        ({"theatres": "North Caucasus"},
         "theatres: expected list, found str 'North Caucasus' (write a list: ['North Caucasus'])"),
        ({"branches": [1]}, "branches: item 1: expected str, found int 1"),
        ({"period": "week"}, "period: unknown value 'week'; valid values are: month, quarter, year"),
        ({"period": "Quarter"},
         "period: unknown value 'Quarter' (did you mean 'quarter'?); valid values are: month, quarter, year"),
        ({"rolling": 0}, "rolling: expected a whole number >= 1, found 0"),
        ({"rolling": "3"}, "rolling: expected int, found str '3'"),
        ({"top_n": True}, "top_n: expected int, found bool True"),
        ({"theatre": "Mars"},
         "theatre: unknown value 'Mars'; valid values are: North Caucasus, Russia (other), Syria: Badia, Libya, "
         "Elsewhere"),
        ({"theatre": "", "start": "2024-01-01", "end": "2024-12-31"},
         "theatre and countries: both are empty; the brief is on one place: give one theatre or countries "
         "(see data/theatres.csv)"),
        ({"theatre": "Libya", "start": "", "end": "2024-12-31"},
         "start and end: the brief compares the period with the one before, so both must be set"),
        ({"theatres": ["<b>Libya</b>"]},
         "theatres: item 1: '<b>Libya</b>' holds markup ('<b>Libya'); parameter values are plain text, without HTML "
         "tags"),
        ({"theatres": ["Libya\x00"]},
         "theatres: item 1: 'Libya\\x00' holds a control character (U+0000); parameter values are plain text on one "
         "line"),
    ],
)
def test_bad_parameters_fail_with_the_rules_message(mini_data, kwargs, message):
    with pytest.raises(ik.ParameterError) as err:
        ik.check_parameters(**{"source": "curated", **kwargs})
    assert str(err.value) == message


def test_every_bad_value_is_named_one_per_line(mini_data):
    with pytest.raises(ik.ParameterError) as err:
        ik.check_parameters(source="curated", period="week", rolling=0)
    assert str(err.value).splitlines() == [
        "period: unknown value 'week'; valid values are: month, quarter, year",
        "rolling: expected a whole number >= 1, found 0",
    ]


def test_unknown_parameters_and_runner_parameters_are_refused(mini_data):
    for name in ("colour", "output_dir"):
        with pytest.raises(ik.ParameterError, match=f"unknown parameter '{name}'; known parameters: attack_types"):
            ik.check_parameters(source="curated", **{name: "x"})


@pytest.mark.parametrize(
    ("kwargs", "field", "expected"),
    [
        ({"theatres": ["north caucasus", "SYRIA: badia", "Syria Badia"]}, "theatres", ["North Caucasus", "Syria: Badia"]),
        ({"theatres": ["russia other"]}, "theatres", ["Russia (other)"]),
        ({"branches": ["ISK", "iskp", "Daesh-K", "IS-K", "is khorasan"]}, "branches", ["is-khorasan"]),
        ({"branches": ["Caucasus Province", "wilayat qawqaz"]}, "branches", ["is-caucasus"]),
        ({"countries": ["russia", "rus", "Türkiye", "turkiye", "côte d'ivoire"]}, "countries",
         ["Russia", "RUS", "Türkiye", "Côte d'Ivoire"]),
        ({"theatre": "north caucasus", "start": "2024-01-01", "end": "2024-12-31"}, "theatres", ["North Caucasus"]),
    ],
)
def test_filter_values_match_case_accent_and_alias_blind(kwargs, field, expected):  # the project's data/
    sel = ik.check_parameters(source="curated", **kwargs)
    assert getattr(sel, field) == expected


def test_an_unknown_branch_or_country_suggests_the_closest():
    with pytest.raises(ik.ParameterError, match=r"unknown value 'khorasan' \(did you mean 'is-khorasan'\?\)"):
        ik.check_parameters(branches=["khorasan"])
    with pytest.raises(ik.ParameterError, match=r"unknown value 'Nigeira' \(did you mean 'Nigeria'"):
        ik.check_parameters(countries=["Nigeira"])
    with pytest.raises(ik.ParameterError) as err:
        ik.check_parameters(theatres=["syria"])
    assert "(did you mean 'Syria: Badia', 'Syria: Daraa', 'Syria: North-east' or 'Syria: other'?)" in str(err.value)


def test_a_name_two_branches_share_is_not_an_alias():
    # GTD's "Islamic State of Iraq and the Levant (ISIL)" is the core in Iraq and Syria, a branch not named elsewhere
    with pytest.raises(ik.ParameterError, match="branches: unknown value 'Islamic State of Iraq and the Levant"):
        ik.check_parameters(branches=["Islamic State of Iraq and the Levant (ISIL)"])


def test_every_rule_has_an_annotation_of_the_parameters_cell_and_a_meaning():
    for name, rule in RULES.items():
        assert rule.annotation in ("str", "int", "bool", "list"), name
        assert rule.meaning, name
        assert (rule.items == "str") == (rule.annotation == "list"), name


def test_the_analysis_helpers_know_the_values_the_rules_allow():
    from incidentkit.analysis.trends import GROUP_COLUMNS, PERIODS

    assert RULES["period"].check.allowed == tuple(PERIODS)
    assert RULES["group_by"].check.allowed == tuple(GROUP_COLUMNS)
    with pytest.raises(ik.ParameterError, match="period: unknown value 'week'; valid values are: month, quarter, year"):
        ik.counts_by_period(ik.incident_frame([]), "week")
    with pytest.raises(ik.ParameterError, match="group_by: unknown value 'region'"):
        ik.group_column("region")
