"""load_incidents and friends: contract dtypes, every filter, and clear errors on bad filter values."""

from __future__ import annotations

import incidentkit as ik
import pandas as pd
import pytest
from incidentkit.data.schema import field_names


def test_curated_incidents_follow_the_contract(mini_data):
    df = ik.load_incidents()
    assert list(df.columns) == [*field_names("incidents"), "source_dataset", "source_event_id"]
    assert len(df) == 6
    assert str(df["killed_best"].dtype) == "Int64"
    assert str(df["date"].dtype) == "datetime64[ns]"
    assert isinstance(df["attack_type"].dtype, pd.CategoricalDtype)
    assert str(df["suicide"].dtype) == "boolean"
    assert (df["source_dataset"] == "curated").all()
    # unknown stays unknown: the Chechnya row has no figure at all
    row = df.set_index("incident_id").loc["2016-03-01-rus-b"]
    assert pd.isna(row["killed_best"]) and pd.isna(row["killed_low"])
    assert df.set_index("incident_id").loc["2018-08-01-rus-d", "killed_best"] == 0


def test_theatre_is_attached_from_the_map(mini_data):
    df = ik.load_incidents().set_index("incident_id")
    assert df.loc["2016-02-15-rus-a", "theatre"] == "North Caucasus"
    assert df.loc["2018-08-01-rus-d", "theatre"] == "Russia (other)"  # RUS '*' row
    assert df.loc["2019-05-05-syr-e", "theatre"] == "Syria: Badia"
    assert df.loc["2019-06-01-lby-f", "theatre"] == "Libya"
    assert list(df["theatre"].cat.categories) == ik.theatre_order()


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"theatres": "North Caucasus"}, {"2016-02-15-rus-a", "2016-03-01-rus-b", "2018-07-20-rus-c"}),
        ({"theatres": ["Libya", "Syria: Badia"]}, {"2019-05-05-syr-e", "2019-06-01-lby-f"}),
        ({"countries": "Syria"}, {"2019-05-05-syr-e"}),
        ({"countries": ["LBY"]}, {"2019-06-01-lby-f"}),
        ({"branches": "is-central"}, {"2018-08-01-rus-d", "2019-05-05-syr-e"}),
        ({"attack_types": "Bombing/Explosion"}, {"2016-02-15-rus-a", "2018-08-01-rus-d"}),
        ({"target_types": ["Military"]}, {"2016-03-01-rus-b", "2019-05-05-syr-e"}),
        ({"claim_status": "unclaimed"}, {"2019-06-01-lby-f"}),
        ({"min_date_precision": "day"}, {"2016-02-15-rus-a", "2018-07-20-rus-c", "2018-08-01-rus-d",
                                         "2019-05-05-syr-e", "2019-06-01-lby-f"}),
        ({"start": "2018-07-20", "end": "2019-05-05"}, {"2018-07-20-rus-c", "2018-08-01-rus-d", "2019-05-05-syr-e"}),
        ({"theatres": [], "countries": None}, None),
    ],
)
def test_each_filter(mini_data, kwargs, expected):
    got = set(ik.load_incidents(**kwargs)["incident_id"])
    if expected is None:
        assert len(got) == 6
    else:
        assert got == expected


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"theatres": "Narnia"}, "valid values are: North Caucasus, Russia (other)"),
        ({"countries": "Atlantis"}, "countries: unknown value 'Atlantis'"),
        ({"branches": "is-mars"}, "is-caucasus"),
        ({"attack_types": "Bombing"}, "Bombing/Explosion"),
        ({"target_types": "Police officers"}, "Private Citizens & Property"),
        ({"claim_status": "yes"}, "claimed, unclaimed, denied"),
        ({"min_date_precision": "hour"}, "day, week, month, year"),
        ({"start": "2020-01-01", "end": "2019-01-01"}, "is after end"),
        ({"start": "not-a-date"}, "expected YYYY-MM-DD"),
        ({"theatres": [1, 2]}, "theatres: item 1: expected str, found int 1\ntheatres: item 2: expected str"),
        ({"theatres": "north caucasus", "start": 2015}, "start: expected str, found int 2015"),
    ],
)
def test_bad_filter_values_name_the_valid_ones(mini_data, kwargs, fragment):
    with pytest.raises(ik.ParameterError) as err:
        ik.load_incidents(**kwargs)
    assert fragment in str(err.value)


def test_unknown_source_path_is_named(mini_data, tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(ik.ParameterError, match="nope.csv"):
        ik.load_incidents(str(missing))


def test_events_sources_and_statistics(mini_data):
    events = ik.load_events()
    assert list(events["event_id"]) == ["2015-06-23-province-announced", "2019-04-01-other"]
    assert events.loc[0, "theatre"] == "Russia (other)"  # no admin1: the country's '*' row
    assert list(ik.load_events(theatres="Syria: Badia")["event_id"]) == ["2019-04-01-other"]
    assert set(ik.load_sources()["source_id"]) == {"src-a", "src-b"}
    stats = ik.load_reported_statistics()
    assert stats.loc[0, "qualifier"] == "at_least" and pd.isna(stats.loc[0, "value_high"])


def test_missing_table_file_names_the_path(mini_data):
    (mini_data / "sources.csv").unlink()
    with pytest.raises(ik.IncidentkitError, match=r"sources\.csv: file not found"):
        ik.load_sources()


def test_loading_a_bad_table_raises_the_full_report(mini_data):
    path = mini_data / "incidents.csv"
    text = path.read_text(encoding="utf-8")
    text = text.replace("2016-02-15-rus-a,2016-02-15,,day", "2016-02-15-rus-a,2016-02-15,,daily")
    text = text.replace("Hostage Taking (Kidnapping),Business", "Hostage Taking (Kidnapping),Shops")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ik.DataValidationError) as err:
        ik.load_incidents()
    problems = err.value.problems
    assert {(p.column, p.line) for p in problems} >= {("date_precision", 2), ("target_type", 7)}
    assert "incidents.csv" in str(err.value)


def test_countries_by_name_code_or_dataset_spelling(mini_data):
    assert set(ik.load_incidents(countries=["Russia (Soviet Union)"])["iso3"]) == {"RUS"}
    # a real country with no incident selects nothing, it is not an error
    assert ik.load_incidents(countries="Nigeria").empty
    assert ik.load_incidents(countries="NGA").empty
    sel = ik.check_parameters(source="curated", countries=["Nigeria"])
    assert sel.countries == ["Nigeria"]


def test_an_explicit_theatre_places_what_country_and_admin1_cannot(mini_data):
    path = mini_data / "incidents.csv"
    text = path.read_text(encoding="utf-8")
    # the Moscow row, told explicitly that it belongs to the North Caucasus theatre (allowed: RUS has that theatre)
    text = text.replace("Moscow,,,,admin1,,", "Moscow,,,,admin1,North Caucasus,")
    path.write_text(text, encoding="utf-8")
    df = ik.load_incidents().set_index("incident_id")
    assert df.loc["2018-08-01-rus-d", "theatre"] == "North Caucasus"


@pytest.mark.parametrize("table", ["sources", "branches"])
def test_a_missing_reference_table_is_an_error_not_a_skipped_check(mini_data, table):
    (mini_data / f"{table}.csv").unlink()
    with pytest.raises(ik.IncidentkitError, match=f"{table}.csv"):
        ik.load_incidents()


def test_every_ragged_row_is_reported_and_a_bom_is_ignored(mini_data):
    path = mini_data / "sources.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text("\ufeff" + text, encoding="utf-8")
    assert len(ik.load_sources()) == 2
    lines = text.splitlines()
    path.write_text("\n".join([lines[0], lines[1] + ",extra", lines[2] + ",extra"]) + "\n", encoding="utf-8")
    with pytest.raises(ik.IncidentkitError) as err:
        ik.load_sources()
    assert "line 2" in str(err.value) and "line 3" in str(err.value)


def test_a_corrupt_data_dictionary_names_its_file(mini_data):
    (mini_data / "datapackage.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(ik.IncidentkitError, match=r"datapackage.json, line 1"):
        ik.load_incidents()


def test_a_checked_selection_is_loaded_without_checking_it_again(mini_data, monkeypatch):
    from incidentkit.data import load

    sel = ik.check_parameters(source="curated", theatres=["north caucasus"], start="2015-01-01", end="2018-12-31")
    expected = ik.load_incidents(theatres="North Caucasus", start="2015-01-01", end="2018-12-31")
    elsewhere = ik.check_parameters(theatres=["russia other"])

    def no_second_check(*args, **kwargs):
        raise AssertionError("a checked Selection was checked again")

    monkeypatch.setattr(load, "check_values", no_second_check)
    got = ik.load_incidents(sel)
    assert list(got["incident_id"]) == list(expected["incident_id"]) and len(got) == 3
    assert list(ik.load_events(elsewhere)["event_id"]) == ["2015-06-23-province-announced"]
    with pytest.raises(ik.ParameterError, match=r"the selection holds the filters; remove \['theatres'\]"):
        ik.load_incidents(sel, theatres="Libya")


def test_plain_values_are_checked_by_the_same_rules_as_parameters(mini_data):
    with pytest.raises(ik.ParameterError) as in_code:
        ik.load_incidents(theatres=["Badia"])
    with pytest.raises(ik.ParameterError) as as_parameter:
        ik.check_parameters(theatres=["Badia"])
    assert str(in_code.value) == str(as_parameter.value)
    # one value or a list, any spelling, a date or a Timestamp: what an analyst types in a cell
    assert len(ik.load_incidents(theatres="NORTH CAUCASUS", start=pd.Timestamp("2015-01-01"))) == len(
        ik.load_incidents(theatres=["North Caucasus"], start="2015-01-01"))
