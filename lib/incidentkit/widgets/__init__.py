"""Exploring incidents interactively in JupyterLab: ``ik.explore()`` (controls, map, table, details, period chart,
updated without re-running a cell), ``ik.incident_table()`` and ``ik.incident_map()``.

Built on ipywidgets, itables' DataTables widget and plotly's ``FigureWidget`` (both run in the page by anywidget),
whose JavaScript ships inside the Python packages as prebuilt JupyterLab extensions: nothing is fetched from a CDN or
a tile server (docs/exploring.md says why these and not others). Sits with the report runner in layer 4: it uses the data, analysis and charts
layers, and nothing below imports it.
"""

from __future__ import annotations

from .explorer import Explorer, explore
from .mapview import incident_map
from .table import incident_table

__all__ = ["Explorer", "explore", "incident_map", "incident_table"]
