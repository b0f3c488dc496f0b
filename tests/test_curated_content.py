"""Content tests for the curated tables in data/: sourcing, places, casualty arithmetic, dates and documentation.

These check what the generic contract tests cannot: that every row is backed by a source that exists and was
published no earlier than the incident, that coordinates come from the gazetteer, and that README/CHANGELOG describe
the tables as they are.
"""

from __future__ import annotations

import calendar
import csv
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
SEED_FILES = [
    "000_2b6d68757739a329.txt",
    "001_e533d8af090f8ec4.txt",
    "002_864dfdd803368ae4.txt",
    "003_dedf3c1d547549d1.txt",
    "004_9f5821176270e47d.txt",
]
THEATRES = [
    "North Caucasus", "Russia (other)", "Syria: Badia", "Syria: Daraa", "Syria: North-east", "Syria: other",
    "Libya", "Iran", "Turkey", "Azerbaijan", "Afghanistan", "Iraq", "Elsewhere",
]
BRANCHES = {
    "is-central", "is-caucasus", "is-khorasan", "is-libya", "is-sinai", "is-west-africa", "is-sahel",
    "is-central-africa", "is-somalia", "is-mozambique", "is-pakistan", "is-hind", "is-east-asia", "is-yemen",
    "is-turkey", "is-unspecified",
}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def incidents() -> pd.DataFrame:
    return _read("incidents")


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return _read("events")


@pytest.fixture(scope="module")
def sources() -> pd.DataFrame:
    return _read("sources")


@pytest.fixture(scope="module")
def stats() -> pd.DataFrame:
    return _read("reported_statistics")


@pytest.fixture(scope="module")
def gazetteer() -> pd.DataFrame:
    return _read("gazetteer")


def _ids(value: str) -> list[str]:
    return [v for v in value.split(";") if v]


def _num(value: str) -> float | None:
    return float(value) if value != "" else None


def _period_end(day: str, precision: str) -> date:
    """Last day of the period that a (date, precision) pair stands for."""
    d = date.fromisoformat(day)
    if precision == "year":
        return date(d.year, 12, 31)
    if precision == "month":
        return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
    return d


@pytest.mark.parametrize("table", ["incidents", "events", "reported_statistics"])
def test_every_row_cites_existing_sources(table: str, sources: pd.DataFrame) -> None:
    df = _read(table)
    known = set(sources["source_id"])
    missing = {(i, sid) for i, v in enumerate(df["source_ids"]) for sid in _ids(v) if sid not in known}
    assert not missing, f"{table}: unknown source ids {sorted(missing)}"
    assert (df["source_ids"].map(lambda v: len(_ids(v))) >= 1).all()


def _seeds() -> Path:
    """The folder of seed documents beside the project; the test is skipped, with the reason, when it is absent."""
    if not SEEDS.is_dir():
        pytest.skip(f"the seed documents (../shared/seeds) are not present at {SEEDS}")
    return SEEDS


def test_every_seed_document_has_a_sources_row(sources: pd.DataFrame) -> None:
    notes = " ".join(sources["notes"])
    for name in SEED_FILES:
        assert f"Seed document {name}" in notes, f"no sources row names seed {name}"


def test_the_seed_folder_holds_the_listed_documents() -> None:
    assert sorted(p.name for p in _seeds().glob("*.txt")) == SEED_FILES


def test_seed_rows_cite_nothing_and_cited_rows_name_a_seed_row(sources: pd.DataFrame) -> None:
    is_seed = sources["notes"].str.startswith("Seed document ")
    external = sources["notes"].str.startswith("External source ")
    assert (sources.loc[is_seed | external, "cited_by"] == "").all()
    seed_ids = set(sources.loc[is_seed, "source_id"])
    cited = sources[~is_seed & ~external]
    assert set(cited["cited_by"]) <= seed_ids, "cited_by must name a seed document's row"
    # a cited source was not consulted: its title is descriptive (in brackets) unless the seed gives the real one
    assert cited["notes"].str.contains("Not consulted").all()


def test_sources_named_by_the_documents_have_rows(sources: pd.DataFrame) -> None:
    publishers = " ".join(sources["publisher"])
    for name in ("Palmyra News Network", "Combating Terrorism Center", "@libyaalhadathtv", "SITE Intelligence Group",
                 "SANA", "Syrian Observatory for Human Rights", "Counter Extremism Project"):
        assert name in publishers, f"no sources row for {name}"


def test_facts_beyond_the_seeds_cite_an_external_source(incidents: pd.DataFrame, events: pd.DataFrame, sources: pd.DataFrame) -> None:
    external = set(sources.loc[sources["notes"].str.startswith("External source "), "source_id"])
    assert external, "the countries of the al-Baghdadi and Mansour events need a cited source"
    ev = events.set_index("event_id")
    for eid in ("2019-10-27-al-baghdadi-killed", "2016-05-mansour-killed-us-strike"):
        assert set(_ids(ev.loc[eid, "source_ids"])) & external, eid
    branches = _read("branches").set_index("branch_id")
    # announcement days only where a document gives the day (the Caucasus Province, 23 June 2015)
    assert branches.loc[branches["announced"] != "", "announced"].to_dict() == {"is-caucasus": "2015-06-23"}
    assert not branches.drop(index="is-caucasus")["description"].str.contains(r"\d{4}-\d{2}-\d{2}").any()


def test_every_source_is_used(sources: pd.DataFrame) -> None:
    used = {sid for name in ("incidents", "events", "reported_statistics") for v in _read(name)["source_ids"] for sid in _ids(v)}
    used |= set(sources["cited_by"]) - {""}
    assert set(sources["source_id"]) - used == set()


def test_urls_are_only_those_stated(sources: pd.DataFrame) -> None:
    stated = sources[(sources["url"] != "") & ~sources["notes"].str.startswith("External source ")]
    assert stated["url"].tolist() == ["https://www.al-monitor.com/originals/2022/03/islamic-state-takes-advantage-ukraine-war-increase-attacks"]
    # an external source's URL is the address where it was consulted, and its notes say so
    consulted = sources[(sources["url"] != "") & sources["notes"].str.startswith("External source ")]
    assert consulted["notes"].str.contains("Consulted at the URL given").all()


def test_the_stated_url_is_in_its_seed_document(sources: pd.DataFrame) -> None:
    stated = sources[(sources["url"] != "") & ~sources["notes"].str.startswith("External source ")]
    text = (_seeds() / SEED_FILES[3]).read_text(encoding="utf-8")
    assert all(u in text for u in stated["url"])


@pytest.mark.parametrize("table,date_col", [("incidents", "date"), ("events", "date"), ("reported_statistics", "period_start")])
def test_nothing_dated_after_its_sources_were_published(table: str, date_col: str, sources: pd.DataFrame) -> None:
    published = {
        r.source_id: _period_end(r.published, r.date_precision) for r in sources.itertuples() if r.published
    }
    late = []
    for r in _read(table).to_dict("records"):
        start = date.fromisoformat(r[date_col])
        for sid in _ids(r["source_ids"]):
            if sid in published and start > published[sid]:
                late.append((r[date_col], sid))
    assert not late, f"{table}: rows dated after a citing source's publication: {late}"


def test_incident_coordinates_come_from_the_gazetteer(incidents: pd.DataFrame, gazetteer: pd.DataFrame) -> None:
    placed = gazetteer[gazetteer["latitude"] != ""]
    places = {(g.latitude, g.longitude): g for g in placed.itertuples()}
    for r in incidents.itertuples():
        if r.latitude == "" and r.longitude == "":
            # blank coordinates only where the place is known no finer than its region (README 'Places and coordinates')
            assert r.geo_precision in ("admin1", "country"), f"{r.incident_id}: {r.geo_precision} without coordinates"
            if r.geo_precision == "admin1":
                assert r.admin1, r.incident_id
            continue
        assert r.geo_precision != "country", f"{r.incident_id}: country precision with coordinates"
        assert (r.latitude, r.longitude) in places, f"{r.incident_id}: coordinates not in the gazetteer"
        g = places[(r.latitude, r.longitude)]
        assert (g.iso3, g.admin1, g.geo_precision) == (r.iso3, r.admin1, r.geo_precision), r.incident_id


def test_a_known_admin1_is_never_coded_at_country_precision(incidents: pd.DataFrame) -> None:
    wrong = incidents[(incidents["geo_precision"] == "country") & (incidents["admin1"] != "")]
    assert wrong.empty, f"admin1 known but geo_precision country: {wrong['incident_id'].tolist()}"


def test_gazetteer_lists_every_place_and_its_rows_are_rounded(incidents: pd.DataFrame, gazetteer: pd.DataFrame) -> None:
    used = set(zip(incidents["latitude"], incidents["longitude"], strict=True))
    text = " ".join(incidents["location"] + " " + incidents["summary"] + " " + incidents["notes"]).lower()
    for g in gazetteer.itertuples():
        assert g.coord_source, g.place_id
        assert (g.latitude == "") == (g.longitude == ""), g.place_id
        short = g.name.split(" (")[0].lower()
        assert short in text, f"gazetteer place {g.name} is named by no incident"
        if g.latitude == "":
            assert "not" in g.coord_source.lower(), f"{g.place_id}: blank coordinates without the reason"
            continue
        decimals = 2 if g.geo_precision == "locality" else 1
        for v in (g.latitude, g.longitude):
            assert round(float(v), decimals) == float(v), f"{g.place_id}: {v} not rounded to {decimals} decimals"
        if (g.latitude, g.longitude) not in used:
            assert "reference point" in g.coord_source, f"gazetteer place {g.place_id} has coordinates no row uses"
    names = {g.split(" (")[0] for g in gazetteer["name"]}
    for place in ("al-Uqaylah", "Ajdabiya", "Sirte", "Qanan", "Jalin", "Ein Zubaydah", "Mara-Ayagy", "Jabal al-Amour",
                  "Qusar district", "Achkhoy-Martanovsky district", "Kabardino-Balkaria", "Al Wahat"):
        assert place in names, f"{place} missing from the gazetteer"


def test_near_rule_is_applied_as_documented(incidents: pd.DataFrame, gazetteer: pd.DataFrame) -> None:
    inc = incidents.set_index("incident_id")
    ajdabiya = gazetteer.set_index("place_id").loc["ajdabiya"]
    qanan = inc.loc["2018-06-01-lby-qanan-police-station-attack"]
    assert (qanan["latitude"], qanan["longitude"], qanan["geo_precision"]) == (ajdabiya["latitude"], ajdabiya["longitude"], "locality")
    assert "near rule" in qanan["notes"]
    jalin = inc.loc["2018-07-24-syr-jalin-clashes-regime-advance"]
    assert jalin["geo_precision"] == "admin1" and "near rule" in jalin["notes"]


def test_casualty_arithmetic(incidents: pd.DataFrame) -> None:
    for r in incidents.to_dict("records"):
        for what in ("killed", "wounded"):
            lo, best, hi = (_num(r[f"{what}_{k}"]) for k in ("low", "best", "high"))
            vals = [v for v in (lo, best, hi) if v is not None]
            assert vals == sorted(vals), f"{r['incident_id']}: {what} low/best/high out of order"
        perp, best, lo = _num(r["perpetrators_killed"]), _num(r["killed_best"]), _num(r["killed_low"])
        if perp is not None and best is not None:
            assert best >= perp, r["incident_id"]
        if perp is not None and lo is not None:
            assert lo >= perp, r["incident_id"]


def test_vague_quantities_have_no_invented_best(incidents: pd.DataFrame) -> None:
    # a lower bound implied only by wording (README rule) never comes with a best estimate
    row = incidents.set_index("incident_id").loc["2018-07-24-lby-al-uqaylah-police-station-raid"]
    assert (row["killed_low"], row["killed_best"], row["killed_high"]) == ("3", "", "")
    combined = incidents.set_index("incident_id").loc["2015-09-02-rus-magaramkent-army-barracks-raid"]
    assert combined["killed_low"] == combined["wounded_low"] == ""


def test_combined_killed_and_wounded_figures_count_only_certain_deaths(incidents: pd.DataFrame) -> None:
    # README: a combined statement is not a killed figure; only deaths certain on their own (a suicide bomber) count
    combined = incidents[incidents["notes"].str.contains("combined", case=False)]
    assert len(combined) >= 2
    for r in combined.itertuples():
        assert r.killed_best == "" and r.killed_high == "", r.incident_id
        if r.killed_low:
            assert r.killed_low == r.perpetrators_killed, f"{r.incident_id}: counts deaths the combined figure does not establish"


def test_audited_codings_follow_the_readme_rules(incidents: pd.DataFrame) -> None:
    inc = incidents.set_index("incident_id")
    assert inc.loc["2018-07-24-syr-ein-zubaydah-suicide-car-bombing", "killed_low"] == "1"
    # 'Khorasani and other IS-K militants': one named + an unspecified plural (2)
    assert inc.loc["2021-08-01-afg-taliban-execute-is-k-prisoners", "killed_low"] == "3"
    # perpetrators_killed is a lower bound where the wording gives one: 'all of the attackers' (plural) and 'at least five'
    assert inc.loc["2024-04-28-rus-mara-ayagy-police-post-attack", "perpetrators_killed"] == "2"
    assert inc.loc["2024-06-23-rus-dagestan-church-synagogue-attacks", "perpetrators_killed"] == "5"
    # a subset (one tribe's dead) is not a conflicting total
    sukhnah = inc.loc["2023-02-17-syr-al-sukhnah-truffle-hunters-massacre"]
    assert (sukhnah["killed_low"], sukhnah["killed_best"], sukhnah["killed_high"]) == ("68", "68", "")
    # a document reporting IS's statement after the attack makes it claimed
    assert inc.loc["2024-03-22-rus-krasnogorsk-crocus-city-hall-attack", "claim_status"] == "claimed"


def test_every_leader_killed_or_captured_in_an_operation_has_its_incident(incidents: pd.DataFrame, events: pd.DataFrame) -> None:
    # README 'events': a leader killed in a raid has both an event and an incident; the event's notes name the
    # incident, or say why there is none (not IS, dated only to a year, no operation described)
    ids = set(incidents["incident_id"])
    leaders = events[events["event_type"].isin(["leader_killed", "leader_arrested"])]
    assert len(leaders) >= 10
    for r in leaders.itertuples():
        named = [i for i in ids if i in r.notes]
        assert named or "No incident:" in r.notes, f"{r.event_id}: names no incident and gives no reason"
        for i in named:
            assert incidents.set_index("incident_id").loc[i, "date"][:4] in (r.date[:4], r.date_end[:4]), (r.event_id, i)
    baghdadi = incidents.set_index("incident_id").loc["2019-10-27-syr-us-raid-kills-abu-bakr-al-baghdadi"]
    assert baghdadi["date"] == "2019-10-27" and baghdadi["target_type"] == "Terrorists/Non-State Militia"


def test_north_caucasus_events_are_in_the_north_caucasus_theatre(events: pd.DataFrame) -> None:
    tmap = _read("theatre_map")
    nc_admin1 = set(tmap.loc[tmap["theatre"] == "North Caucasus", "admin1"])
    russian = events[events["iso3"] == "RUS"]
    for r in russian.itertuples():
        theatre = r.theatre or ("North Caucasus" if r.admin1 in nc_admin1 else "Russia (other)")
        text = f"{r.title} {r.summary}"
        if re.search(r"Caucasus|Dagestan|Chechnya|Ingushetia|Qawqaz", text):
            assert theatre == "North Caucasus", f"{r.event_id} concerns the North Caucasus but falls in {theatre}"
    explicit = events[events["theatre"] != ""]
    assert (explicit["admin1"] == "").all(), "an explicit theatre only for rows without admin1"
    assert len(explicit[explicit["theatre"] == "North Caucasus"]) == 6


def test_syrian_desert_rows_without_a_governorate_are_in_the_badia(incidents: pd.DataFrame) -> None:
    no_admin1 = incidents[(incidents["iso3"] == "SYR") & (incidents["admin1"] == "")]
    desert = no_admin1[no_admin1["summary"].str.contains("desert|Badia", case=False)]
    assert len(desert) >= 1
    assert (desert["theatre"] == "Syria: Badia").all(), desert["incident_id"].tolist()


def test_incident_ids_encode_date_and_country(incidents: pd.DataFrame) -> None:
    for r in incidents.itertuples():
        assert re.match(rf"^\d{{4}}-\d{{2}}-\d{{2}}-{r.iso3.lower()}-[a-z0-9-]+$", r.incident_id), r.incident_id
        if not r.incident_id.startswith(r.date):
            # ids are stable: a date corrected after the first release keeps the id, and the notes say so
            assert "keeps its 1.0.0 date" in r.notes, f"{r.incident_id}: id date differs from {r.date} without a note"
    assert incidents["incident_id"].is_unique


def test_windows_the_documents_imply_are_coded_as_windows(incidents: pd.DataFrame, events: pd.DataFrame) -> None:
    ingushetia = incidents.set_index("incident_id").loc["2023-04-01-rus-ingushetia-clashes-cto"]
    assert (ingushetia["date"], ingushetia["date_end"], ingushetia["date_precision"]) == ("2023-03-01", "2023-04-30", "month")
    leader = events.set_index("event_id").loc["2023-02-abu-al-hussein-leads-is"]
    # named after his predecessor's death (October 2022) and before the article (February 2023)
    assert (leader["date"], leader["date_end"], leader["date_precision"]) == ("2022-10-01", "2023-02-28", "month")


def test_dates_and_precision(incidents: pd.DataFrame, events: pd.DataFrame) -> None:
    for df in (incidents, events):
        for r in df.itertuples():
            d = date.fromisoformat(r.date)
            if r.date_precision == "month":
                assert d.day == 1
            if r.date_precision == "year":
                assert (d.month, d.day) == (1, 1)
            if r.date_end:
                assert date.fromisoformat(r.date_end) >= d
    assert set(incidents["date_precision"]) <= {"day", "month"}, "incidents are dated to a day or a month"


def test_inferred_or_chosen_dates_are_explained(incidents: pd.DataFrame) -> None:
    not_plain = incidents[(incidents["date_basis"] != "incident") | (incidents["date_precision"] != "day")]
    assert (not_plain["notes"] != "").all()
    kizilyurt = incidents.set_index("incident_id").loc["2018-07-20-rus-kizilyurt-police-ambush"]
    assert "20 June" in kizilyurt["notes"] and "20 July" in kizilyurt["notes"]


def test_reference_tables() -> None:
    theatres = _read("theatres")
    assert theatres["theatre"].tolist() == THEATRES
    assert theatres["sort_order"].astype(int).tolist() == list(range(1, 14))
    tmap = _read("theatre_map")
    assert set(tmap["theatre"]) <= set(THEATRES)
    for iso3 in ("RUS", "SYR", "LBY", "IRN", "TUR", "AZE", "AFG", "IRQ"):
        assert ((tmap["iso3"] == iso3) & (tmap["admin1"] == "*")).any(), iso3
    assert BRANCHES <= set(_read("branches")["branch_id"])


def test_every_incident_and_statistic_has_a_theatre(incidents: pd.DataFrame, stats: pd.DataFrame) -> None:
    tmap = _read("theatre_map")
    pairs = set(zip(tmap["iso3"], tmap["admin1"], strict=True))
    for r in incidents.itertuples():
        assert (r.iso3, r.admin1) in pairs or (r.iso3, "*") in pairs, r.incident_id
    assert set(stats["theatre"]) - {""} <= set(THEATRES)
    for r in stats.itertuples():
        if r.value_high:
            assert int(r.value_high) >= int(r.value_low), r.stat_id
        if r.qualifier in ("at_least", "over", "dozens", "several", "a_number_of", "thousands", "tens_of_thousands"):
            assert r.value_high == "", r.stat_id
        coded = {"dozens": "24", "several": "3", "a_number_of": "2", "thousands": "2000", "tens_of_thousands": "20000"}
        if r.qualifier in coded:
            assert r.value_low == coded[r.qualifier], f"{r.stat_id}: '{r.qualifier}' is coded {coded[r.qualifier]} (README)"


def test_aggregate_statements_found_by_the_audit_are_recorded(stats: pd.DataFrame) -> None:
    ids = set(stats["stat_id"])
    for sid in ("war-against-is-deaths-syria-iraq-2014-2019", "central-syria-desert-deaths-2023-02",
                "senior-is-figures-killed-us-sdf-2023-02", "truffle-convoy-deaths-badia-2019-2023",
                "central-asians-recruited-by-is-k-2015-2024"):
        assert sid in ids, sid
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    assert "several previous Islamic State attacks" in readme, "the statement left out must be explained in the known gaps"


def test_curated_rows_carry_no_reader_flags(incidents: pd.DataFrame) -> None:
    assert (incidents["flags"] == "").all()


def test_readme_documents_every_field_under_its_table() -> None:
    import json

    readme = (DATA / "README.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (\S+)\n(.*?)(?=^## |\Z)", readme, flags=re.M | re.S))
    for res in json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))["resources"]:
        assert res["name"] in sections, f"README has no '## {res['name']}' section"
        for f in res["schema"]["fields"]:
            assert f"`{f['name']}`" in sections[res["name"]], f"{res['name']}.{f['name']} not documented"
    for heading in ("## Coding rules", "## Theatre definitions", "## Known gaps", "## How to cite"):
        assert heading in readme


def test_changelog_counts_match_the_tables() -> None:
    import json

    text = (DATA / "CHANGELOG.md").read_text(encoding="utf-8")
    version = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))["version"]
    releases = re.findall(r"^## (\d+\.\d+\.\d+) \(", text, flags=re.M)
    assert releases and releases[0] == version, f"the latest CHANGELOG section {releases[:1]} is not version {version}"
    assert "## 1.0.0 (2026-11-21)" in text
    log = text.split("\n## ", 2)[1]  # the latest release's section only: its counts must be the current ones
    for name in ("incidents", "events", "sources", "reported_statistics", "coverage", "gazetteer", "branches", "theatres",
                 "theatre_map"):
        with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as fh:
            n = sum(1 for _ in csv.DictReader(fh))
        assert re.search(rf"\| {name}\.csv \| {n}\b", log), f"CHANGELOG row count for {name}.csv is not {n}"


# --- IS's role (is_role) and suicide: README 'IS's role' ------------------------------------------------------------

ROLES = ("perpetrator", "target", "two_sided")
#: Operations and actions against IS that the documents describe (README 'IS's role', rule 1).
TARGET_ROWS = {
    "2017-04-01-afg-us-massive-ordnance-air-blast-strike",
    "2019-10-27-syr-us-raid-kills-abu-bakr-al-baghdadi",
    "2021-01-20-rus-katyr-yurt-special-operation",
    "2021-08-01-afg-taliban-execute-is-k-prisoners",
    "2023-02-01-syr-raid-kills-hamza-al-homsi",
    "2023-02-10-syr-raid-kills-ibrahim-al-qahtani",
    "2023-02-18-syr-raid-captures-is-official",
    "2023-04-30-syr-jandaris-raid-kills-abu-hussein-al-qurashi",
    "2024-09-30-rus-ingushetia-fsb-detention-operation",
}
#: Fighting with no initiator stated (rule 3).
TWO_SIDED_ROWS = {
    "2018-04-21-rus-dagestan-clash-nine-militants-killed",
    "2018-07-24-lby-al-uqaylah-lna-clashes",
    "2018-07-24-syr-jalin-clashes-regime-advance",
    "2022-10-01-syr-daraa-is-leader-killed-fighting-rebels",
    "2024-03-02-rus-karabulak-shootout",
}
#: Words naming a force that acts against IS (state forces, their allies, the Taliban, rebels).
COUNTER_IS_FORCE = re.compile(
    r"\b(forces?|Forces|Taliban|intelligence|Ministry|FSB|army|Army|police|Police|National Guard|Syrian Democratic)\b"
)


def test_every_incident_has_a_role(incidents: pd.DataFrame) -> None:
    missing = incidents.loc[~incidents["is_role"].isin(ROLES), "incident_id"].tolist()
    assert not missing, f"incidents without a valid is_role: {missing}"
    counts = incidents["is_role"].value_counts().to_dict()
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    for role, word in (("perpetrator", "rows are violence carried out by IS"), ("target", "are operations against IS"),
                       ("two_sided", "are two-sided fighting")):
        assert f"{counts.get(role, 0)} {word}" in readme, f"README's count of {role} rows is not {counts.get(role, 0)}"


def test_operations_against_is_are_never_coded_as_is_violence(incidents: pd.DataFrame) -> None:
    inc = incidents.set_index("incident_id")
    assert set(inc.index[inc["is_role"] == "target"]) == TARGET_ROWS
    assert set(inc.index[inc["is_role"] == "two_sided"]) == TWO_SIDED_ROWS
    for iid, r in inc.iterrows():
        acting_force = bool(COUNTER_IS_FORCE.search(r["perpetrator"]))
        if r["is_role"] == "target":
            # README: the force acting against IS is the perpetrator, IS is the target
            assert acting_force, f"{iid}: an operation against IS must name the acting force as perpetrator"
            assert r["target_type"] == "Terrorists/Non-State Militia", iid
            assert r["claim_status"] in ("unclaimed", "unknown"), iid
            assert "is_role target" in r["notes"] or "Role target" in r["notes"], f"{iid}: notes do not say the role"
        else:
            # perpetrator and two_sided rows name the IS side as perpetrator (clash rule): never a state force
            assert not acting_force, f"{iid}: perpetrator {r['perpetrator']!r} is a force acting against IS, role {r['is_role']}"
        if r["is_role"] == "two_sided":
            assert "two_sided" in r["notes"], f"{iid}: a two-sided row must say in its notes why"


def test_role_decisions_on_fighting_are_explained(incidents: pd.DataFrame) -> None:
    # a row describing fighting or an operation is where the role is a decision: its notes must say how it was made
    fighting = re.compile(r"\b(?:clash\w*|fight|fighting|fought|battle\w*|shoot-out|operation|storm\w*|snipers?|shot)\b", re.I)
    rows = incidents[incidents["summary"].str.contains(fighting) | incidents["perpetrator"].str.contains(fighting)]
    assert len(rows) >= 12
    for r in rows.itertuples():
        assert re.search(r"Role (perpetrator|target|two_sided)|is_role (perpetrator|target|two_sided)", r.notes), (
            f"{r.incident_id}: fighting or an operation, but the notes do not say how its role was decided"
        )


def test_rows_outside_any_branch_still_have_a_role_and_say_why(incidents: pd.DataFrame) -> None:
    unattributed = incidents[incidents["is_branch"] == ""]
    assert len(unattributed) == 3
    for r in unattributed.itertuples():
        if r.is_role != "target":  # an operation's perpetrator (the state force) is established, the link to IS is not
            assert r.attribution == "suspected", r.incident_id
        assert "not established" in r.notes, f"{r.incident_id}: notes must say IS's involvement is not established"


def test_suicide_is_coded_only_where_a_document_says_so(incidents: pd.DataFrame) -> None:
    assert set(incidents["suicide"]) <= {"", "true", "false"}
    coded = incidents[incidents["suicide"] != ""]
    for r in coded.itertuples():
        assert "suicide" in (r.notes + r.summary).lower(), f"{r.incident_id}: suicide coded without the reason"
    # unknown stays unknown: dying attackers or an arrest later do not say what the perpetrators intended
    inc = incidents.set_index("incident_id")
    for iid in ("2018-02-18-rus-kizlyar-church-shooting", "2024-03-22-rus-krasnogorsk-crocus-city-hall-attack",
                "2019-10-27-syr-us-raid-kills-abu-bakr-al-baghdadi"):
        assert inc.loc[iid, "suicide"] == "", iid
    assert inc.loc["2018-07-24-syr-ein-zubaydah-suicide-car-bombing", "suicide"] == "true"


# --- coverage.csv: which documents and periods stand behind each theatre (README 'coverage') -----------------------


@pytest.fixture(scope="module")
def coverage() -> pd.DataFrame:
    return _read("coverage")


def _consulted(sources: pd.DataFrame) -> set[str]:
    notes = sources["notes"]
    return set(sources.loc[notes.str.startswith("Seed document ") | notes.str.startswith("External source "), "source_id"])


def _row_theatre(r: dict, tmap: pd.DataFrame) -> str:
    if r.get("theatre"):
        return r["theatre"]
    pairs = dict(zip(zip(tmap["iso3"], tmap["admin1"], strict=True), tmap["theatre"], strict=True))
    return pairs.get((r["iso3"], r.get("admin1", "")), pairs.get((r["iso3"], "*"), ""))


def test_every_coverage_row_cites_a_consulted_document(coverage: pd.DataFrame, sources: pd.DataFrame) -> None:
    assert len(coverage) > 0
    assert (coverage["source_id"] != "").all(), "a coverage row without its source"
    unknown = set(coverage["source_id"]) - set(sources["source_id"])
    assert not unknown, f"coverage cites unknown sources {sorted(unknown)}"
    cited_only = set(coverage["source_id"]) - _consulted(sources)
    assert not cited_only, f"coverage rows must name consulted documents, not sources only cited by a seed: {cited_only}"
    assert (coverage["covers"].str.len() > 20).all()
    assert set(coverage["theatre"]) <= set(THEATRES)
    assert not coverage.duplicated(["theatre", "source_id", "period_start"]).any()


def test_coverage_periods_are_the_documents_own(coverage: pd.DataFrame, sources: pd.DataFrame) -> None:
    published = {
        r.source_id: _period_end(r.published, r.date_precision) for r in sources.itertuples() if r.published
    }
    for r in coverage.itertuples():
        start, end = date.fromisoformat(r.period_start), date.fromisoformat(r.period_end)
        assert start <= end, (r.theatre, r.source_id)
        if r.source_id in published:
            assert end <= published[r.source_id], f"{r.theatre}/{r.source_id}: period ends after the document"
        assert r.notes, f"{r.theatre}/{r.source_id}: notes must say how the period was read"


def test_coverage_holds_every_row_of_the_tables(
    coverage: pd.DataFrame, sources: pd.DataFrame, incidents: pd.DataFrame, events: pd.DataFrame, stats: pd.DataFrame
) -> None:
    tmap = _read("theatre_map")
    consulted = _consulted(sources)
    seed_of = {r.source_id: r.cited_by for r in sources.itertuples() if r.cited_by}
    spans: dict[tuple[str, str], tuple[date, date]] = {}
    for r in coverage.itertuples():
        lo, hi = spans.get((r.theatre, r.source_id), (date.max, date.min))
        spans[(r.theatre, r.source_id)] = (min(lo, date.fromisoformat(r.period_start)), max(hi, date.fromisoformat(r.period_end)))
    behind: set[tuple[str, str]] = set()
    items = [("incidents", r["incident_id"], r, r["date"], r["date_end"]) for r in incidents.to_dict("records")]
    items += [("events", r["event_id"], r, r["date"], r["date_end"]) for r in events.to_dict("records")]
    items += [("reported_statistics", r["stat_id"], r, r["period_start"], r["period_end"])
              for r in stats.to_dict("records") if r["theatre"]]
    for table, rid, r, start, end in items:
        theatre = _row_theatre(r, tmap)
        assert theatre, f"{table} {rid}: no theatre"
        first = date.fromisoformat(start)
        # a stated end must lie in the coverage; a period implied by the precision (May 2016) need only begin in it,
        # as a document published mid-month covers that month up to its publication
        last = date.fromisoformat(end) if end else first
        for sid in _ids(r["source_ids"]):
            doc = sid if sid in consulted else seed_of.get(sid, "")
            assert doc in consulted, f"{table} {rid}: source {sid} is neither consulted nor cited by a consulted one"
            behind.add((theatre, doc))
            assert (theatre, doc) in spans, f"{table} {rid}: no coverage row for {theatre} / {doc}"
            lo, hi = spans[(theatre, doc)]
            assert lo <= first and last <= hi, f"{table} {rid} ({first}..{last}) outside {theatre}/{doc} coverage {lo}..{hi}"
    for r in coverage.itertuples():
        if (r.theatre, r.source_id) not in behind:
            assert "not coded" in r.not_covered, f"{r.theatre}/{r.source_id}: no table row behind it and no reason given"


def test_coverage_says_what_is_a_chronology_and_what_is_not(coverage: pd.DataFrame) -> None:
    # only the encyclopedia article lists incidents one by one; North Caucasus 2015-2017 is a summary (>180 deaths)
    chron = coverage[coverage["coverage_type"] == "chronology"]
    assert set(chron["source_id"]) == {"encyclopedia-is-insurgency-north-caucasus"}
    assert set(chron["theatre"]) == {"North Caucasus", "Azerbaijan"}
    nc = coverage[(coverage["theatre"] == "North Caucasus") & (coverage["coverage_type"] == "summary")]
    assert nc[["period_start", "period_end"]].values.tolist() == [["2015-01-01", "2017-12-31"]]


def test_readme_row_counts_match_the_tables() -> None:
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    stated = dict(re.findall(r"^File `(\w+)\.csv`, (\d+) rows", readme, flags=re.M))
    assert "coverage" in stated
    for name, n in stated.items():
        with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as fh:
            assert sum(1 for _ in csv.DictReader(fh)) == int(n), f"README says {name}.csv has {n} rows"
