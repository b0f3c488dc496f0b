"""Names normalised, not enumerated (issue 11, items 1 and 2): admin1 spellings placed in their theatre after one
normalisation, and IS actor names taken by the alias table, the composite rule and documented patterns, each name
matched only by rule, and each IS-looking name not taken, reported with its rows.

Crafted exports are written in the test from the synthetic fixtures' layouts; the real samples in
../shared/real-samples are read when present (skipped, with the reason, when absent).
"""

from __future__ import annotations

import csv
import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from export_files import craft
from incidentkit.data.load import load_incidents
from incidentkit.data.readers import RowsRejectedWarning, actor_names, read_export
from incidentkit.data.readers.actors import PREFILTER, actor_rules
from incidentkit.data.readers.names import place_keys
from incidentkit.data.readers.places import admin1_names, place_index
from incidentkit.data.reference import assign_theatre, branch_aliases, load_theatre_map

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "real-samples"
REAL = {
    "gtd": SAMPLES / "gtd" / "globalterrorismdb_0718dist_HEAD-truncated-1MiB.csv",
    "acled": SAMPLES / "acled" / "acledR_acled_old_deletion_dummy_2022H1.csv",
    "ucdp": SAMPLES / "ucdp" / "ged231_random-sample-1000_uncertainUCDP.csv",
}
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="real samples (../shared/real-samples) not present")

#: (dataset, country, spelling, the theatre data/theatre_map.csv gives the unit): the spellings of the issue and more.
SPELLINGS = [
    ("ucdp", "SYR", "Deir ez Zor Governorate", "Syria: North-east"),
    ("ucdp", "SYR", "Al Hasakah Governorate", "Syria: North-east"),
    ("ucdp", "SYR", "Ar Raqqah Governorate", "Syria: North-east"),
    ("ucdp", "SYR", "Daraa Governorate", "Syria: Daraa"),
    ("ucdp", "SYR", "As Suwayda Governorate", "Syria: Daraa"),
    ("ucdp", "SYR", "Quneitra Governorate", "Syria: Daraa"),
    ("ucdp", "SYR", "Homs Governorate", "Syria: Badia"),
    ("ucdp", "SYR", "Hamah Governorate", "Syria: Badia"),
    ("ucdp", "SYR", "Aleppo Governorate", "Syria: other"),
    ("ucdp", "SYR", "Idlib Governorate", "Syria: other"),
    ("acled", "SYR", "Deir-ez-Zor", "Syria: North-east"),
    ("acled", "SYR", "Al-Hasakeh", "Syria: North-east"),
    ("acled", "SYR", "Ar-Raqqa", "Syria: North-east"),
    ("acled", "SYR", "Dar'a", "Syria: Daraa"),
    ("acled", "SYR", "As-Sweida", "Syria: Daraa"),
    ("acled", "SYR", "Homs", "Syria: Badia"),
    ("acled", "SYR", "Hama", "Syria: Badia"),
    ("acled", "SYR", "Idleb", "Syria: other"),
    ("acled", "SYR", "Rural Damascus", "Syria: other"),
    ("gtd", "SYR", "Dayr az Zawr", "Syria: North-east"),
    ("gtd", "SYR", "Deir Ezzor", "Syria: North-east"),
    ("gtd", "SYR", "Deraa", "Syria: Daraa"),
    ("gtd", "SYR", "Hims", "Syria: Badia"),
    ("gtd", "SYR", "Al-Raqqah", "Syria: North-east"),
    ("gtd", "RUS", "Chechen Republic", "North Caucasus"),
    ("gtd", "RUS", "Republic of Dagestan", "North Caucasus"),
    ("gtd", "RUS", "Kabardino-Balkar Republic", "North Caucasus"),
    ("gtd", "RUS", "Daghestan", "North Caucasus"),
    ("ucdp", "RUS", "Stavropol krai", "North Caucasus"),
    ("acled", "RUS", "Stavropol", "North Caucasus"),
    ("ucdp", "RUS", "Moscow oblast", "Russia (other)"),
    ("ucdp", "RUS", "Moscow city", "Russia (other)"),
]
REMOVED_SPELLINGS = (
    ('gtd', 'RUS', 'Dagestan', 'Dagestan'), ('gtd', 'RUS', 'Dagestan (Republic)', 'Dagestan'),
    ('gtd', 'RUS', 'Chechnya', 'Chechnya'), ('gtd', 'RUS', 'Chechnya (Republic)', 'Chechnya'),
    ('gtd', 'RUS', 'Ingushetia', 'Ingushetia'), ('gtd', 'RUS', 'Ingushetia (Republic)', 'Ingushetia'),
    ('gtd', 'RUS', 'Kabardino Balkariya', 'Kabardino-Balkaria'),
    ('gtd', 'RUS', 'Kabardino-Balkaria', 'Kabardino-Balkaria'),
    ('gtd', 'RUS', 'Kabardino-Balkaria (Republic)', 'Kabardino-Balkaria'),
    ('gtd', 'RUS', 'Karachay-Cherkessia', 'Karachay-Cherkessia'),
    ('gtd', 'RUS', 'Karachay-Cherkessia (Republic)', 'Karachay-Cherkessia'),
    ('gtd', 'RUS', 'North Ossetia-Alania', 'North Ossetia-Alania'),
    ('gtd', 'RUS', 'North Ossetia-Alania (Republic)', 'North Ossetia-Alania'), ('gtd', 'RUS', 'Adygea', 'Adygea'),
    ('gtd', 'RUS', 'Adygea (Republic)', 'Adygea'), ('gtd', 'RUS', 'Stavropol', 'Stavropol Krai'),
    ('gtd', 'RUS', 'Stavropol Krai', 'Stavropol Krai'), ('gtd', 'RUS', 'Moscow', 'Moscow'),
    ('gtd', 'RUS', 'Moscow (Federal City)', 'Moscow'), ('gtd', 'RUS', 'Moscow Oblast', 'Moscow Oblast'),
    ('gtd', 'RUS', 'Saint Petersburg', 'Saint Petersburg'),
    ('gtd', 'RUS', 'Saint Petersburg (Federal City)', 'Saint Petersburg'),
    ('gtd', 'SYR', 'Dayr az Zawr', 'Deir ez-Zor'), ('gtd', 'SYR', 'Deir ez-Zor', 'Deir ez-Zor'),
    ('gtd', 'SYR', 'Hims', 'Homs'), ('gtd', 'SYR', 'Homs', 'Homs'), ('gtd', 'SYR', 'Hamah', 'Hama'),
    ('gtd', 'SYR', 'Hama', 'Hama'), ('gtd', 'SYR', 'Daraa', 'Daraa'), ('gtd', 'SYR', "Dar'a", 'Daraa'),
    ('gtd', 'SYR', 'Quneitra', 'Quneitra'), ('gtd', 'SYR', 'As Suwayda', 'As-Suwayda'),
    ('gtd', 'SYR', 'Al Hasakah', 'Al-Hasakah'), ('gtd', 'SYR', 'Ar Raqqah', 'Ar-Raqqa'),
    ('gtd', 'SYR', 'Ar Raqqa', 'Ar-Raqqa'), ('gtd', 'SYR', 'Aleppo', 'Aleppo'), ('gtd', 'SYR', 'Idlib', 'Idlib'),
    ('gtd', 'SYR', 'Damascus', 'Damascus'), ('gtd', 'SYR', 'Rif Dimashq', 'Rif Dimashq'),
    ('gtd', 'SYR', 'Rif Dimashq (Damascus Countryside)', 'Rif Dimashq'),
    ('ucdp', 'RUS', 'Dagestan republic', 'Dagestan'), ('ucdp', 'RUS', 'Chechnya republic', 'Chechnya'),
    ('ucdp', 'RUS', 'Ingushetia republic', 'Ingushetia'),
    ('ucdp', 'RUS', 'Kabardino-Balkaria republic', 'Kabardino-Balkaria'),
    ('ucdp', 'RUS', 'Karachay-Cherkessia republic', 'Karachay-Cherkessia'),
    ('ucdp', 'RUS', 'North Ossetia-Alania republic', 'North Ossetia-Alania'),
    ('ucdp', 'RUS', 'Adygea republic', 'Adygea'), ('ucdp', 'RUS', 'Stavropol krai', 'Stavropol Krai'),
    ('ucdp', 'RUS', 'Moscow city', 'Moscow'), ('ucdp', 'RUS', 'Moscow oblast', 'Moscow Oblast'),
    ('ucdp', 'RUS', 'Saint Petersburg city', 'Saint Petersburg'),
    ('ucdp', 'SYR', 'Deir ez Zor governorate', 'Deir ez-Zor'), ('ucdp', 'SYR', 'Homs governorate', 'Homs'),
    ('ucdp', 'SYR', 'Hamah governorate', 'Hama'), ('ucdp', 'SYR', 'Daraa governorate', 'Daraa'),
    ('ucdp', 'SYR', 'Quneitra governorate', 'Quneitra'), ('ucdp', 'SYR', 'As Suwayda governorate', 'As-Suwayda'),
    ('ucdp', 'SYR', 'Al Hasakah governorate', 'Al-Hasakah'), ('ucdp', 'SYR', 'Ar Raqqah governorate', 'Ar-Raqqa'),
    ('ucdp', 'SYR', 'Aleppo governorate', 'Aleppo'), ('ucdp', 'SYR', 'Idlib governorate', 'Idlib'),
    ('ucdp', 'SYR', 'Damascus governorate', 'Damascus'), ('ucdp', 'SYR', 'Rif Dimashq governorate', 'Rif Dimashq'),
    ('ucdp', 'SYR', 'Latakia governorate', 'Latakia'), ('ucdp', 'SYR', 'Tartus governorate', 'Tartus'),
    ('acled', 'RUS', 'Republic of Dagestan', 'Dagestan'), ('acled', 'RUS', 'Republic of Chechnya', 'Chechnya'),
    ('acled', 'RUS', 'Republic of Ingushetia', 'Ingushetia'),
    ('acled', 'RUS', 'Republic of Kabardino-Balkaria', 'Kabardino-Balkaria'),
    ('acled', 'RUS', 'Republic of Karachay-Cherkessia', 'Karachay-Cherkessia'),
    ('acled', 'RUS', 'Republic of North Ossetia-Alania', 'North Ossetia-Alania'),
    ('acled', 'RUS', 'Republic of Adygea', 'Adygea'), ('acled', 'RUS', 'Stavropol', 'Stavropol Krai'),
    ('acled', 'RUS', 'Moscow', 'Moscow'), ('acled', 'RUS', 'Moscow Oblast', 'Moscow Oblast'),
    ('acled', 'RUS', 'Saint Petersburg', 'Saint Petersburg'), ('acled', 'SYR', 'Deir ez Zor', 'Deir ez-Zor'),
    ('acled', 'SYR', 'Homs', 'Homs'), ('acled', 'SYR', 'Hama', 'Hama'), ('acled', 'SYR', 'Dara', 'Daraa'),
    ('acled', 'SYR', 'Quneitra', 'Quneitra'), ('acled', 'SYR', 'As Sweida', 'As-Suwayda'),
    ('acled', 'SYR', 'Al Hasakeh', 'Al-Hasakah'), ('acled', 'SYR', 'Ar Raqqa', 'Ar-Raqqa'),
    ('acled', 'SYR', 'Aleppo', 'Aleppo'), ('acled', 'SYR', 'Idleb', 'Idlib'),
    ('acled', 'SYR', 'Damascus', 'Damascus'), ('acled', 'SYR', 'Lattakia', 'Latakia'),
    ('acled', 'SYR', 'Tartous', 'Tartus'),
)


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("INCIDENTKIT_CACHE_DIR", str(tmp_path / "cache"))


def theatre_of(dataset: str, iso3: str, spelling: str) -> str:
    name = admin1_names(dataset, pd.Series([iso3], dtype="str"), pd.Series([spelling], dtype="str"))
    return str(assign_theatre(pd.Series([iso3]), name, fallback="Elsewhere").iloc[0])


# --- places ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("dataset", "iso3", "spelling", "theatre"), SPELLINGS, ids=[s[2] for s in SPELLINGS])
def test_each_spelling_lands_in_its_theatre(dataset, iso3, spelling, theatre):
    assert theatre_of(dataset, iso3, spelling) == theatre


def test_moscow_oblast_stays_apart_from_moscow():
    names = admin1_names("ucdp", pd.Series(["RUS"] * 3), pd.Series(["Moscow oblast", "Moscow city", "Moscow"]))
    assert list(names) == ["Moscow Oblast", "Moscow", "Moscow"]


@pytest.mark.parametrize(("dataset", "iso3", "spelling", "admin1"), REMOVED_SPELLINGS,
                         ids=[f"{r[0]}-{r[2]}" for r in REMOVED_SPELLINGS])
def test_every_spelling_removed_from_the_alias_table_still_gives_its_name(dataset, iso3, spelling, admin1):
    """data/CHANGELOG.md 1.4.0: the 89 rows the normaliser made redundant still map as before."""
    assert admin1_names(dataset, pd.Series([iso3]), pd.Series([spelling])).iloc[0] == admin1


def test_no_two_names_of_a_country_share_a_key():
    """The normalisation never merges two of the project's units (Homs/Hama, Moscow/Moscow Oblast, ...)."""
    index = place_index("any")
    for (iso3, key), names in index.full.items():
        assert len(names) == 1, (iso3, key, names)


def test_place_keys_fold_transliteration_variants():
    assert {place_keys(s)[0] for s in ("Dar'a", "Daraa", "Deraa", "Dara", "Dar\u2019a", "Dar`a")} == {"dr"}
    assert {place_keys(s)[1] for s in ("Deir ez Zor Governorate", "Deir-ez-Zor", "Dayr az Zawr", "Deir al-Zour")} == {
        "drzr"}
    assert place_keys("Republic of Dagestan")[1] == place_keys("Dagestan")[0]


def test_unknown_spelling_in_an_admin1_theatre_is_reported(tmp_path):
    path = craft(tmp_path, "ucdp_quirks.csv", [
        {"id": "1", "country": "Syria", "adm_1": "Deir ez Zor Governorate"},
        {"id": "2", "country": "Syria", "adm_1": "Nowhere Governorate"},
        {"id": "3", "country": "Syria", "adm_1": "Nowhere Governorate"},
    ], "ged_places.csv")
    df = read_export(path)
    assert list(df["admin1"]) == ["Deir ez-Zor", "Nowhere Governorate", "Nowhere Governorate"]
    assert df.attrs["read_report"]["places"] == [
        {"iso3": "SYR", "admin1": "Nowhere Governorate", "rows": 2, "why": "unmatched"}]


def test_ucdp_governorates_with_a_capital_g_are_placed(tmp_path):
    """Symptom: a UCDP Syria release's 'Deir ez Zor Governorate', 'Al Hasakah Governorate' all fell into 'Syria:
    other'."""
    ucdp = [s for s in SPELLINGS if s[0] == "ucdp" and s[1] == "SYR"]
    path = craft(tmp_path, "ucdp_quirks.csv", [
        {"id": str(900 + k), "country": "Syria", "adm_1": spelling, "side_a": "Government of Syria", "side_b": "IS",
         "type_of_violence": "1"} for k, (_, _, spelling, _) in enumerate(ucdp)
    ], "ged_syria.csv")
    df = load_incidents(source=path).set_index("source_event_id")
    assert len(df) == len(ucdp)
    for k, (_, _, spelling, theatre) in enumerate(ucdp):
        assert df.loc[str(900 + k), "theatre"] == theatre, spelling


def test_acled_2020_tool_spellings_are_placed(tmp_path):
    """Symptom: ACLED's 2020 export tool spells 'Deir-ez-Zor', 'Al-Hasakeh', "Dar'a", 'As-Sweida': 11 of 13 Syrian
    IS rows fell into 'Syria: other'."""
    acled = [s for s in SPELLINGS if s[0] == "acled" and s[1] == "SYR"]
    path = craft(tmp_path, "acled_2020.csv", [
        {"event_id_cnty": f"SYR{k}", "iso": "760", "iso3": "SYR", "country": "Syria", "admin1": spelling,
         "actor1": "Islamic State (Syria)"} for k, (_, _, spelling, _) in enumerate(acled)
    ], "acled_2020_syria.csv")
    df = load_incidents(source=path).set_index("source_event_id")
    for k, (_, _, spelling, theatre) in enumerate(acled):
        assert df.loc[f"SYR{k}", "theatre"] == theatre, spelling


@needs_samples
@pytest.mark.parametrize("dataset", list(REAL))
def test_every_admin1_of_a_real_sample_is_a_known_name_in_its_theatre(dataset):
    """Every Syrian admin1 of a real sample is one of the project's names after normalisation (the theatre map
    names every governorate), every Russian one either is or is listed in the read report with its rows (its rows
    fall into 'Russia (other)'), and each row's theatre is the one the theatre map gives its name."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsRejectedWarning)
        df = read_export(REAL[dataset])
    listed = {(p["iso3"], p["admin1"]): p["rows"] for p in df.attrs["read_report"]["places"]}
    assert not [k for k in listed if k[0] == "SYR"]
    tmap = load_theatre_map()
    by_name = {(r.iso3, r.admin1): r.theatre for r in tmap.itertuples()}
    rest = {r.iso3: r.theatre for r in tmap.itertuples() if r.admin1 == "*"}
    rows = df[df["iso3"].isin(["SYR", "RUS"]) & df["admin1"].notna()]
    theatre = assign_theatre(rows["iso3"], rows["admin1"])
    counts = rows.groupby(["iso3", "admin1"]).size()
    for iso3, admin1, got in zip(rows["iso3"], rows["admin1"], theatre, strict=True):
        known = admin1 in place_index(dataset).full.get((iso3, place_keys(admin1)[0]), set())
        assert known or listed.get((iso3, admin1)) == counts[(iso3, admin1)], (iso3, admin1)
        assert got == by_name.get((iso3, admin1), rest[iso3]), (iso3, admin1)


# --- actors ------------------------------------------------------------------------------------------------------

ISSUE_ACTORS = {
    "Islamic State (Greater Sahara)": ("NER", "Niger", "pattern", "is-sahel"),
    "JNIM: Group for Support of Islam and Muslims and/or Islamic State (Greater Sahara)": ("MLI", "Mali", "composite",
                                                                                           "is-sahel"),
    "Islamic State (West Africa) and/or Boko Haram - Jamatu Ahli is-Sunnah lid-Dawatai wal-Jihad": (
        "NGA", "Nigeria", "composite", "is-west-africa"),
}


def _acled_actor_file(tmp_path: Path) -> Path:
    rows = []
    for k, (name, (iso3, country, _, _)) in enumerate(ISSUE_ACTORS.items()):
        for j in range(k + 1):  # 1, 2 and 3 rows: the report counts them
            rows.append({"event_id_cnty": f"A{k}{j}", "iso3": iso3, "iso": "", "country": country, "admin1": "Test",
                         "actor1": name, "actor2": "Civilians (Test)", "event_type": "Violence against civilians",
                         "sub_event_type": "Attack"})
    rows += [
        {"event_id_cnty": "C1", "actor1": "Global Coalition Against Daesh", "actor2": "Islamic State (Iraq)",
         "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike"},
        {"event_id_cnty": "C2", "actor1": "Global Coalition Against Daesh", "actor2": "Civilians (Iraq)",
         "event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike"},
    ]
    return craft(tmp_path, "acled_2020.csv", rows, "acled_actors.csv")


def test_issue_actor_names_are_is_with_branch_and_attribution(tmp_path):
    df = read_export(_acled_actor_file(tmp_path)).set_index("source_event_id")
    for k, (name, (_, _, how, branch)) in enumerate(ISSUE_ACTORS.items()):
        row = df.loc[f"A{k}0"]
        assert row["is_branch"] == branch and row["is_role"] == "perpetrator", name
        assert row["perpetrator"] == name
        assert row["attribution"] == ("suspected" if how == "composite" else "confirmed"), name
        assert ("composite_actor" in str(row["flags"]).split(";")) == (how == "composite"), name
    strike = df.loc["C1"]  # the coalition striking IS: an operation against IS, the coalition is not IS
    assert strike["is_role"] == "target" and strike["perpetrator"] == "Global Coalition Against Daesh"
    assert strike["is_branch"] == "is-central"
    assert pd.isna(df.loc["C2", "is_branch"]) and pd.isna(df.loc["C2", "is_role"])


def test_read_report_lists_pattern_matches_and_names_not_taken_with_rows(tmp_path):
    report = read_export(_acled_actor_file(tmp_path)).attrs["read_report"]["actors"]
    taken = {e["name"]: e for e in report["pattern"]}
    for k, (name, (_, _, how, branch)) in enumerate(ISSUE_ACTORS.items()):
        assert taken[name]["rows"] == k + 1 and taken[name]["match"] == how
        assert taken[name]["branches"] == {branch: k + 1} and taken[name]["columns"] == ["actor1"]
    assert "Islamic State (Iraq)" not in taken  # an alias: not reported
    (coalition,) = report["not_taken"]
    assert coalition["name"] == "Global Coalition Against Daesh" and coalition["rows"] == 2
    assert coalition["rule"] == "names a force opposing IS"


def test_actor_names_table_for_notebooks(tmp_path):
    table = actor_names(read_export(_acled_actor_file(tmp_path)))
    assert list(table.columns) == ["name", "taken", "match", "branches", "rows", "rule", "columns"]
    assert table.loc[~table["taken"], "name"].tolist() == ["Global Coalition Against Daesh"]
    assert table["rows"].tolist() == sorted(table.loc[table["taken"], "rows"], reverse=True) + [2]
    assert actor_names(pd.DataFrame()).empty  # a curated table carries no read report


def test_old_upper_case_acled_layout_names_is_with_a_prefix(tmp_path):
    """Symptom: in ACLED's 2015 layout the actor is 'IS: Islamic State': 0 IS rows where 8 exist."""
    path = craft(tmp_path, "acled_2015.csv", [
        {"EVENT_ID_CNTY": f"IS{k}", "ACTOR1": "IS: Islamic State", "COUNTRY": country, "EVENT_TYPE": "Remote violence"}
        for k, country in enumerate(["Syria", "Iraq", "Libya"])
    ], "acled_2015_is.csv")
    df = read_export(path).set_index("source_event_id")
    assert df["is_role"].eq("perpetrator").all()
    assert df["is_branch"].tolist() == ["is-central", "is-central", "is-libya"]  # from the row's country
    (entry,) = df.attrs["read_report"]["actors"]["pattern"]
    assert entry["name"] == "IS: Islamic State" and entry["rows"] == 3


@pytest.mark.parametrize(("name", "branch"), [
    ("ISLAMIC STATE (SYRIA)", "is-central"),  # an alias, case-blind
    ("Islamic State (Somalia)", "is-somalia"),  # the country it names
    ("Islamic State (West Africa) - Greater Sahara Faction", "is-sahel"),  # an alias: the narrower faction wins
    ("Islamic State - West Africa Province - Lake Chad Faction", "is-west-africa"),
    ("Wilayat Sinai", "is-sinai"),
    ("ISIS", "is-central"),  # no place named: the row's country (Syria)
    ("Daesh", "is-central"),
    ("Islamic State (Bangladesh)", "is-unspecified"),  # a country with no branch
])
def test_is_names_the_alias_table_lacks(name, branch):
    assert actor_rules("acled").classify(name, "SYR").branch == branch


@pytest.mark.parametrize("name", [
    "Global Coalition Against Daesh", "Anti-ISIS Militia", "Military Forces of the Islamic State of Afghanistan",
    "Families of Islamic State members", "Hamas and/or Global Coalition Against Daesh",
])
def test_is_looking_names_that_are_not_is(name):
    match = actor_rules("acled").classify(name, "IRQ")
    assert match.how == "not_taken" and match.branch is None and match.rule


@pytest.mark.parametrize("name", ["Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad", "Islamic Front",
                                  "Military Forces of Iraq (2014-)", "Civilians (Syria)"])
def test_other_names_are_not_is_and_not_reported(name):
    assert actor_rules("acled").classify(name, "NGA").how == "none"


def test_prefilter_matches_every_name_the_rules_can_take():
    """Issue 13 selects candidate rows on the raw actor columns: every alias and every pattern name must match."""
    rx = re.compile(PREFILTER)
    names = list(branch_aliases()["alias"]) + list(ISSUE_ACTORS) + [
        "IS: Islamic State", "ISIS", "Wilayat Sinai", "Daesh", "Da'ish", "IS - Sinai", "IS (Khorasan)", "ISKP",
        "IS-K", "Islamic-State fighters"]
    for name in names:
        if name == "IS" or actor_rules("gtd").classify(name, "SYR").is_is or any(
                actor_rules(d).classify(name, "SYR").is_is for d in ("acled", "ucdp")):
            assert rx.search(name), name
    assert not rx.search("Boko Haram - Jamaatu Ahli is-Sunnah lid-Dawati wal-Jihad")


@needs_samples
@pytest.mark.parametrize("dataset", list(REAL))
def test_every_real_sample_reports_what_was_rejected_or_taken_by_rule(dataset):
    """Nothing dropped silently: every record is kept or listed with its line; names taken by rule and IS-looking
    names not taken are listed with their rows, whose total never exceeds the rows kept."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RowsRejectedWarning)
        df = read_export(REAL[dataset])
    report = df.attrs["read_report"]
    encoding = "cp1252" if dataset == "gtd" else "utf-8"
    with open(REAL[dataset], encoding=encoding, newline="") as fh:
        records = sum(1 for _ in csv.reader(fh)) - 1
    assert report["rows_read"] == records == len(df) + len(report["rejected"])
    assert all(r["line"] is not None and r["reason"] for r in report["rejected"])
    assert all(c["line"] is not None and c["reason"] for c in report["changed"])
    for entry in report["actors"]["pattern"] + report["actors"]["not_taken"]:
        assert 0 < entry["rows"] <= len(df) and entry["rule"]
    named = actor_names(df)
    assert len(named) == len(report["actors"]["pattern"]) + len(report["actors"]["not_taken"])
    if dataset == "acled":  # the sample's coalition rows and its composites are listed
        assert "Global Coalition Against Daesh" in set(named.loc[~named["taken"], "name"])
        assert named.loc[named["taken"], "match"].eq("composite").any()
