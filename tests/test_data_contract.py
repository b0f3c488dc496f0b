"""The curated tables in data/ against their data contract (data/datapackage.json) and their documentation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import frictionless
import incidentkit as ik
import pytest
from incidentkit.data.schema import resource_names

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
DESCRIPTOR = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = [r["name"] for r in DESCRIPTOR["resources"]]


def test_every_field_is_fully_described():
    for res in DESCRIPTOR["resources"]:
        assert res.get("path") and res.get("description"), res["name"]
        schema = res["schema"]
        assert schema.get("primaryKey"), f"{res['name']} has no primaryKey"
        for f in schema["fields"]:
            assert f.get("type") in {"string", "integer", "number", "boolean", "date"}, (res["name"], f["name"])
            assert len(f.get("description", "")) > 10, (res["name"], f["name"])
            if f["type"] == "integer" and f["name"].startswith(("killed", "wounded", "perpetrators", "hostages")):
                assert f.get("unit") == "persons", (res["name"], f["name"])
            if f["name"] in ("latitude", "longitude"):
                assert f.get("unit", "").startswith("degrees")


@pytest.mark.parametrize("name", RESOURCES)
def test_each_table_passes_the_library_validation(name):
    df = ik.load_table(name)  # raises DataValidationError with the full report
    assert len(df) > 0, f"data/{name}.csv is empty"


def test_the_package_is_valid_for_frictionless_too():
    report = frictionless.validate(str(DATA / "datapackage.json"))
    problems = [f"{t.name}: {e.message}" for t in report.tasks for e in t.errors] + [e.message for e in report.errors]
    assert report.valid, "\n".join(problems[:50])


def test_incidents_load_with_a_theatre_and_sources():
    incidents = ik.load_incidents()
    assert incidents["theatre"].notna().all()
    assert incidents["source_ids"].str.len().gt(0).all()
    cited = {s for ids in incidents["source_ids"] for s in ids.split(";")}
    assert cited <= set(ik.load_sources()["source_id"])
    assert ik.validate(incidents).ok


def test_readme_documents_every_table_and_field():
    readme = (DATA / "README.md").read_text(encoding="utf-8")
    sections = {m.group(1): m.start() for m in re.finditer(r"^## (\w+)\s*$", readme, flags=re.M)}
    ordered = sorted(sections.items(), key=lambda kv: kv[1])
    for name in resource_names():
        assert name in sections, f"data/README.md has no section '## {name}'"
        start = sections[name]
        following = [pos for _, pos in ordered if pos > start]
        body = readme[start : following[0] if following else len(readme)]
        for f in DESCRIPTOR["resources"][RESOURCES.index(name)]["schema"]["fields"]:
            assert f"`{f['name']}`" in body, f"data/README.md section {name} does not document `{f['name']}`"
    for heading in ("Coding rules", "Known gaps", "How to cite"):
        assert heading.lower() in readme.lower(), f"data/README.md lacks a '{heading}' section"


def test_changelog_records_the_package_version():
    changelog = (DATA / "CHANGELOG.md").read_text(encoding="utf-8")
    assert DESCRIPTOR["version"] in changelog
