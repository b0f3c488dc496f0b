"""Where a notebook's figures and summary go, written reproducibly (same data and parameters, same bytes)."""

from __future__ import annotations

import html
import io
import json
import math
import os
import re
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML, Image, display

from ..analysis.exports import incidents_export
from ..errors import ParameterError
from ..paths import reports_dir
from .style import FIGURE_DPI, figure_caption

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
#: Salt for matplotlib's SVG ids, so that two renders of the same figure give the same bytes.
SVG_HASHSALT = "incidentkit"


def output_dir(output_dir: str, notebook: str) -> Path:
    """Return (and create) the folder for a notebook's figures and ``summary.json``.

    ``output_dir`` is the notebook's parameter: blank means ``reports/dev/<notebook>`` (interactive runs); the report
    runner passes the report's own folder.
    """
    if not _NAME.match(notebook.replace("_", "-")):
        raise ParameterError(f"notebook name {notebook!r}: expected a slug such as '10-trends'")
    out = Path(output_dir).expanduser() if output_dir.strip() else reports_dir() / "dev" / notebook
    (out / "figures").mkdir(parents=True, exist_ok=True)
    return out.resolve()


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: The process umask, read once at import (reading it means setting it, which is not thread-safe).
_UMASK = _read_umask()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file the permissions open() would
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_figure(fig: Figure, name: str, out: Path | str, *, dpi: int = FIGURE_DPI) -> dict[str, Path]:
    """Save ``fig`` as ``<out>/figures/<name>.png`` and ``.svg`` with byte-stable output; return the two paths.

    Matplotlib's varying metadata (software version, dates) is dropped and SVG ids are salted with a constant, so
    the same figure gives the same bytes on every run. ``name`` must be a stable slug (``monthly-incidents``).
    """
    if not _NAME.match(name):
        raise ParameterError(f"figure name {name!r}: expected a lower-case slug such as 'monthly-incidents'")
    folder = Path(out) / "figures"
    paths = {"png": folder / f"{name}.png", "svg": folder / f"{name}.svg"}
    with matplotlib.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path"}):
        for fmt, meta in (("png", {"Software": None}), ("svg", {"Date": None, "Creator": None})):
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta, bbox_inches="tight")
            _atomic_write(paths[fmt], buf.getvalue())
    return paths


def caption_html(fig: Figure) -> str:
    """The caption attached to ``fig`` (:func:`~incidentkit.charts.style.add_caption`) as HTML for the page: its
    sentences in a paragraph and its numbered key as a list ("1 2015-01 IS announces ..."), every text escaped, in
    a ``div.ik-caption`` (plain elements only: the report site's sanitiser keeps them)."""
    cap = figure_caption(fig)
    key = "".join(f"<li><strong>{n}</strong> {html.escape(t)}</li>" for n, t in cap.key)
    key_html = f'<ul class="ik-key">{key}</ul>' if key else ""
    return f'<div class="ik-caption"><p>{html.escape(cap.text)}</p>{key_html}</div>'


def show_figure(fig: Figure, name: str, out: Path | str, *, dpi: int = FIGURE_DPI) -> None:
    """Save ``fig`` (:func:`save_figure`), close it and show it: the saved PNG (the same bytes) as the cell's image
    output, then its caption and numbered key under it at body size (:func:`caption_html`). A notebook cell ends
    with ``ik.charts.show_figure(fig, name, out)`` (it returns nothing, so nothing else is printed)."""
    paths = save_figure(fig, name, out, dpi=dpi)
    plt.close(fig)
    display(Image(data=paths["png"].read_bytes(), format="png"))
    caption = figure_caption(fig)
    if caption.text or caption.key:
        display(HTML(caption_html(fig)))


def save_incidents(incidents: pd.DataFrame, out: Path | str, sources: pd.DataFrame | None = None, *,
                   name: str = "incidents.csv") -> Path:
    """Write the incidents behind a report as ``<out>/incidents.csv`` (UTF-8, one row per incident in date order,
    :func:`incidentkit.analysis.exports.incidents_export`: figures as stated and as numbers, blank where unknown,
    sources' titles, URLs and citations); byte-stable. The report site offers it as a download."""
    if not re.match(r"^[a-z0-9]+(-[a-z0-9]+)*\.csv$", name):
        raise ParameterError(f"incidents file name {name!r}: expected a lower-case slug ending in .csv")
    text = incidents_export(incidents, sources).to_csv(index=False, lineterminator="\n")
    path = Path(out) / name
    _atomic_write(path, text.encode("utf-8"))
    return path


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, pd.DataFrame):
        return _jsonable(value.to_dict(orient="records"))
    if isinstance(value, pd.Series):
        return _jsonable(value.to_dict())
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return None if pd.isna(value) else value.isoformat()[:10] if not getattr(value, "hour", 0) else value.isoformat()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def write_summary(data: dict[str, Any], out: Path | str, *, name: str = "summary.json") -> Path:
    """Write a notebook's key numbers as JSON (sorted keys, pandas/numpy values converted, NA -> null)."""
    path = Path(out) / name
    text = json.dumps(_jsonable(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    _atomic_write(path, text.encode("utf-8"))
    return path


def read_summary(out: Path | str, *, name: str = "summary.json") -> dict[str, Any]:
    """Read a summary written by :func:`write_summary`."""
    return json.loads((Path(out) / name).read_text(encoding="utf-8"))
