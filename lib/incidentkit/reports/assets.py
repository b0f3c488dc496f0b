"""The files a run's pages share and offer: DataTables for the incident tables and the site's links (written once
per run into ``<run>/assets/``), and each report's CSV downloads."""

from __future__ import annotations

import json
from importlib import metadata, util
from pathlib import Path
from typing import Any

#: The run's shared files, beside ``index.html``; a report page (in ``<run>/<report>/``) finds them in ``../assets``.
ASSETS_DIR = "assets"


def download_label(file: str) -> str:
    """How a report's CSV file is offered: ``incidents.csv`` -> "Download the incidents (CSV)"."""
    stem = Path(file).stem.replace("-", " ").replace("_", " ")
    return f"Download the {stem} (CSV)"


def report_downloads(folder: Path, listed: list[str] | None = None) -> list[tuple[str, str]]:
    """``[(file, label)]`` for a report's downloads: ``listed`` (the runner's ``record["downloads"]``) or else the
    top-level ``*.csv`` files of its folder, sorted by name."""
    if listed is None:
        listed = sorted(p.name for p in folder.glob("*.csv") if p.is_file()) if folder.is_dir() else []
    return [(name, download_label(name)) for name in listed]


def datatables_bundle() -> Path:
    """itables' offline DataTables bundle (``itables/html/dt_bundle.js``), found without importing itables (whose
    import loads pandas: a run that reuses every report imports neither)."""
    spec = util.find_spec("itables")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the package 'itables' is not installed (make venv installs it)")
    return Path(spec.origin).parent / "html" / "dt_bundle.js"


def write_navigation(run_folder: Path, links: dict[str, Any]) -> Path:
    """Write ``<run_folder>/assets/site.js``: every report's links (``navigation.site_navigation``) as JSON, read by
    each page's ``templates/navigation.js``. Sorted keys: the same run record gives the same bytes."""
    folder = run_folder / ASSETS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    data = json.dumps(links, sort_keys=True, ensure_ascii=True, indent=1)
    path = folder / "site.js"
    path.write_text(f"/* The run's reports and their links (incidentkit.reports.navigation). */\nwindow.ikSite = {data};\n",
                    encoding="utf-8")
    return path


def write_assets(run_folder: Path) -> list[Path]:
    """Write the files every page of a run shares into ``<run_folder>/assets/``: DataTables (itables' offline
    bundle, pinned in constraints.txt) as ``datatables.js`` (a plain script holding the bundle's module text, see
    ``templates/tables.js``) and ``datatables.css``. Same itables version, same bytes."""
    bundle = datatables_bundle()
    itables_version = metadata.version("itables")
    folder = run_folder / ASSETS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    source = json.dumps(bundle.read_text(encoding="utf-8"), ensure_ascii=True)
    script = (
        f"/* DataTables as bundled by itables {itables_version} (dt_bundle.js; MIT, see its licence comments),\n"
        "   held as text for templates/tables.js, which imports it from a blob: URL. */\n"
        f"window.ikDataTablesSource = {source};\n"
    )
    js, css = folder / "datatables.js", folder / "datatables.css"
    js.write_text(script, encoding="utf-8")
    css.write_text(bundle.with_suffix(".css").read_text(encoding="utf-8"), encoding="utf-8")
    return [js, css]
