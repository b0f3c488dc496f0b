"""What a run does with each report of the plan: reuse the previous run's files, execute it, or carry it over.

A report is **reused** (its files hard-linked from the latest run) when its fingerprint (:mod:`.fingerprint`) is
unchanged and its latest result was good; it is **executed** when something it depends on changed, when it failed,
or with ``--force``. A report left out by ``--only`` keeps its latest result: FAILED stays failed, a good result whose
inputs changed since becomes STALE, and a report that never ran is NOT-RUN.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import paths
from .execute import ReportTask
from .fingerprint import environment_digest, file_digest, report_fingerprint, source_paths, tree_digest
from .pages import PageContext
from .plan import Report
from .publish import link_tree

#: Statuses whose files may be reused when the inputs are unchanged (a stale report keeps its old fingerprint).
REUSABLE = frozenset({"ok", "reused", "stale"})
#: Fields of a record carried over from an earlier run.
_CARRIED = ("error", "duration", "started_at", "html", "notebook_file", "kernel_log", "summary_file", "summary",
            "figures", "downloads", "warnings")


@dataclass(frozen=True)
class Inputs:
    """What every report of a run depends on alike, hashed once: the data folder, the library, the environment."""

    notebooks: Path
    data: str
    library: str
    environment: str

    @classmethod
    def of(cls, notebooks: Path, data: Path, library: Path) -> Inputs:
        """Hash the data folder and the library folder (file hashes are remembered by stat) and the environment."""
        return cls(notebooks, tree_digest(data), tree_digest(library), environment_digest())

    def fingerprint(self, report: Report) -> str:
        """The report's reuse key: its notebook, its parameters, its ``source`` file if any, and the shared inputs."""
        # a relative source path is looked up where the kernel runs (notebooks/), then in the project folder
        sources = source_paths(report.parameters.get("source"), [self.notebooks, paths.project_root()])
        return report_fingerprint(
            notebook_digest=file_digest(self.notebooks / report.notebook),
            parameters=report.parameters,
            data_digest=self.data,
            library_digest=self.library,
            environment=self.environment,
            source_digests=[tree_digest(p) for p in sources],
        )


def page_context(reports: list[Report]) -> PageContext:
    """Every report of the plan as the pages see it (see :class:`.pages.PageContext`)."""
    return PageContext(
        tuple(
            {"name": r.name, "slug": r.slug, "notebook": r.notebook, "parameters": dict(r.parameters)}
            for r in reports
        )
    )


def new_record(report: Report, fingerprint: str) -> dict[str, Any]:
    """A report's record before anything is decided (the fields of ``run.json``)."""
    return {
        "name": report.name,
        "slug": report.slug,
        "notebook": report.notebook,
        "parameters": report.parameters,
        "timeout": report.timeout,
        "cell_timeout": report.cell_timeout,
        "fingerprint": fingerprint,
        "status": "pending",
        "error": None,
        "duration": None,
        "executed_in": None,
        "note": None,
        "html": None,
        "notebook_file": None,
        "kernel_log": None,
        "summary_file": None,
        "summary": None,
        "figures": [],
        "downloads": [],
        "warnings": [],
    }


def decide(
    report: Report,
    record: dict[str, Any],
    previous: tuple[Path | None, dict[str, dict[str, Any]]],
    staging: Path,
    *,
    wanted: bool,
    force: bool,
) -> bool:
    """Reuse or carry ``report`` over into ``staging`` (filling in ``record``), or return True: execute it."""
    previous_dir, records = previous
    prev = records.get(report.name)
    prev_folder = previous_dir / report.slug if previous_dir is not None and prev is not None else None
    has_output = prev_folder is not None and prev_folder.is_dir()
    unchanged = prev is not None and prev.get("fingerprint") == record["fingerprint"]
    # a stale record keeps the fingerprint it was executed with, so it is reusable when its inputs are back
    reusable = has_output and unchanged and prev is not None and prev.get("status") in REUSABLE
    if reusable and not (force and wanted):
        assert prev is not None and prev_folder is not None
        link_tree(prev_folder, staging / report.slug)
        record.update(carried(prev, "reused"))
        return False
    if wanted:
        return True
    record.update(not_selected(prev, prev_folder if has_output else None, staging / report.slug))
    return False


def carried(prev: dict[str, Any], status: str) -> dict[str, Any]:
    """The fields of a report carried over from the previous run with ``status`` (its files are linked)."""
    out = {k: prev.get(k) for k in _CARRIED}
    for key in ("warnings", "figures", "downloads"):
        out[key] = list(out.get(key) or [])
    out["status"] = status
    out["executed_in"] = prev.get("executed_in") or prev.get("run_id")
    if status == "reused":
        out["note"] = f"inputs unchanged; executed in run {out['executed_in']}"
    if status in {"stale", "failed"}:
        # keep the fingerprint it was executed with: the next run that selects it re-executes it
        out["fingerprint"] = prev.get("fingerprint")
    return out


def not_selected(prev: dict[str, Any] | None, prev_folder: Path | None, folder: Path) -> dict[str, Any]:
    """The record of a report left out by ``--only`` whose previous result cannot be reused as it is."""
    status = (prev or {}).get("status")
    if prev is None or status in {None, "not-run"} or (prev_folder is None and status != "failed"):
        why = (
            "never executed" if prev is None or status in {None, "not-run"} else "no output in the latest run"
        )
        return {"status": "not-run", "note": f"{why}; not selected (--only)", "fingerprint": None}
    if prev_folder is not None:
        link_tree(prev_folder, folder)
    if status == "failed":
        out = carried(prev, "failed")
        out["note"] = f"failed in run {out['executed_in']}; not re-run (not selected with --only)"
        if prev_folder is None:  # the failure is reported even when its files are gone
            out.update(html=None, notebook_file=None, kernel_log=None, summary_file=None, figures=[], downloads=[])
        return out
    out = carried(prev, "stale")
    out["note"] = f"inputs changed since run {out['executed_in']}; not re-run (not selected with --only)"
    return out


def task_for(
    report: Report, notebooks: Path, data: Path, staging: Path, temp: Path, context: PageContext
) -> ReportTask:
    """What a worker needs to execute ``report`` into ``staging``."""
    return ReportTask(
        name=report.name,
        slug=report.slug,
        notebook_path=str(notebooks / report.notebook),
        cwd=str(notebooks),
        folder=str(staging / report.slug),
        parameters=dict(report.parameters),
        timeout=report.timeout,
        cell_timeout=report.cell_timeout,
        ipc_dir=str(temp),
        environment={"INCIDENTKIT_DATA_DIR": str(data), **report.environment},
        context=context,
    )
