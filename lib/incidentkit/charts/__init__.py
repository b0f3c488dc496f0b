"""Charts: the house style (palette, fixed theatre colours, captions), one function per figure of the notebooks
(trends, casualties, regions, coverage, brief, the incident map) and the figure and summary output.

The notebooks reach this layer as ``ik.charts`` (``ik.charts.plot_incidents(...)``, ``ik.charts.save_figure(...)``);
:data:`__all__` lists what it offers. Every chart function takes the table it draws first, then keyword-only
options, then ``title`` and ``caption``, and returns the :class:`~matplotlib.figure.Figure`. Builds on
:mod:`incidentkit.analysis` and :mod:`incidentkit.data`.
"""

from __future__ import annotations

from .brief import plot_period_comparison
from .casualties import plot_deaths_ccdf, plot_killed_wounded, plot_lethality, plot_totals
from .coverage import plot_missing_fields, plot_reported_vs_incidents
from .maps import load_borders, map_counts, plot_incident_map
from .output import (
    caption_html,
    output_dir,
    read_summary,
    save_figure,
    save_incidents,
    show_figure,
    write_summary,
)
from .regions import plot_mix, plot_small_multiples, plot_theatre_comparison
from .roles import plot_roles
from .style import add_caption, apply_style, caption_text, category_colors, figure_caption, theatre_colors
from .trends import mark_events, plot_deaths, plot_incidents

__all__ = [
    # the house style
    "add_caption",
    "apply_style",
    "caption_text",
    "category_colors",
    "figure_caption",
    "theatre_colors",
    # one function per figure
    "load_borders",
    "map_counts",
    "mark_events",
    "plot_deaths",
    "plot_deaths_ccdf",
    "plot_incident_map",
    "plot_incidents",
    "plot_killed_wounded",
    "plot_lethality",
    "plot_missing_fields",
    "plot_mix",
    "plot_period_comparison",
    "plot_reported_vs_incidents",
    "plot_roles",
    "plot_small_multiples",
    "plot_theatre_comparison",
    "plot_totals",
    # where figures, summaries and the incidents behind a report go
    "caption_html",
    "output_dir",
    "read_summary",
    "save_figure",
    "save_incidents",
    "show_figure",
    "write_summary",
]
