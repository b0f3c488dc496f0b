"""incidentkit: curated incident tables, GTD/ACLED/UCDP readers and analysis helpers for analysts of Islamic State
violence, with the charts and report runner of its notebooks.

>>> import incidentkit as ik
>>> incidents = ik.load_incidents(theatres="North Caucasus", start="2015-01-01")
>>> ik.casualty_totals(incidents)

The names here (:data:`__all__`) are what an analyst uses: loading, validating and reading the data, and the
arithmetic on it. What only a notebook's presentation needs sits in two namespaces: ``ik.charts`` (the house style,
one function per figure, figure and summary output) and ``ik.text`` (Markdown, sentences and tables for a reader).

Names are resolved lazily (PEP 562): ``import incidentkit`` is cheap, and a submodule is imported the first time one
of its names is used, so command-line tools such as ``python -m incidentkit.reports`` start fast.
"""

import importlib as _importlib
import typing as _typing

from .errors import DataValidationError as DataValidationError
from .errors import IncidentkitError as IncidentkitError
from .errors import ParameterError as ParameterError
from .errors import Problem as Problem
from .errors import ReaderError as ReaderError

#: The package version: the one place it is written (pyproject.toml reads it from here).
__version__ = "0.1.0"

#: public name -> submodule that defines it
_EXPORTS: dict[str, str] = {
    # loading, validating and selecting the curated tables
    "load_incidents": "data.load",
    "load_events": "data.load",
    "load_sources": "data.load",
    "load_reported_statistics": "data.load",
    "load_table": "data.load",
    "incident_frame": "data.load",
    "validate": "data.validation",
    "ValidationReport": "data.validation",
    "check_parameters": "data.selection",
    "Selection": "data.selection",
    "valid_values": "data.selection",
    "describe_source": "data.selection",
    # what a table covers (an export's span, places and coded fields; the curated documents) and IS's roles
    "coverage": "data.coverage",
    "Coverage": "data.coverage",
    "counts_by_role": "analysis.roles",
    "role_table": "analysis.roles",
    # reference tables
    "load_theatres": "data.reference",
    "theatre_order": "data.reference",
    "load_theatre_map": "data.reference",
    "load_branches": "data.reference",
    "load_gazetteer": "data.reference",
    "branch_aliases": "data.reference",
    "admin1_aliases": "data.reference",
    "assign_theatre": "data.reference",
    # external datasets
    "read_gtd": "data.readers",
    "read_acled": "data.readers",
    "read_ucdp": "data.readers",
    "read_export": "data.readers",
    "detect_dataset": "data.readers",
    "actor_names": "data.readers",
    # casualty arithmetic
    "incident_figures": "analysis.measures",
    "casualty_totals": "analysis.measures",
    "lethality": "analysis.measures",
    "perpetrator_share": "analysis.measures",
    "perpetrator_share_table": "analysis.measures",
    "deaths_distribution": "analysis.measures",
    "deadliest": "analysis.measures",
    "headline_figures": "analysis.measures",
    "killed_wounded_pairs": "analysis.measures",
    "single_incidents": "analysis.measures",
    # series over time
    "counts_by_period": "analysis.trends",
    "rolling_mean": "analysis.trends",
    "year_on_year": "analysis.trends",
    "period_stats": "analysis.trends",
    "group_column": "analysis.trends",
    "timeline_events": "analysis.trends",
    # theatres side by side
    "theatre_comparison": "analysis.regions",
    "mix_shares": "analysis.regions",
    "monthly_by_theatre": "analysis.regions",
    # data coverage
    "rows_by_dataset": "analysis.coverage",
    "rows_by_source": "analysis.coverage",
    "precision_table": "analysis.coverage",
    "missing_fields": "analysis.coverage",
    "unknown_casualties": "analysis.coverage",
    "reported_vs_incidents": "analysis.coverage",
    "reported_context": "analysis.statements",
    "coded_fields": "analysis.coverage",
    "coverage_documents": "analysis.coverage",
    # a period against the one before, chronology, notable incidents
    "previous_period": "analysis.brief",
    "previous_selection": "analysis.brief",
    "selection_events": "analysis.brief",
    "brief_figures": "analysis.brief",
    "period_comparison": "analysis.brief",
    "chronology": "analysis.brief",
    "notable_incidents": "analysis.brief",
    "other_roles_chronology": "analysis.brief",
    # exploring in JupyterLab: controls, map, table, details and chart; the interactive table and map alone
    "explore": "widgets.explorer",
    "incident_table": "widgets.table",
    "incident_map": "widgets.mapview",
}

#: namespace -> module: ``ik.charts`` is the charts layer, ``ik.text`` the analysis layer's text for a reader.
_NAMESPACES: dict[str, str] = {"charts": "charts", "text": "analysis.text"}

#: Names that left the top level for a namespace (incidentkit 0.1.0 exported them here): a clear error says where.
_MOVED: dict[str, str] = {
    **dict.fromkeys(
        ("add_caption", "apply_style", "category_colors", "theatre_colors", "load_borders", "map_counts",
         "mark_events", "plot_deaths", "plot_deaths_ccdf", "plot_incident_map", "plot_incidents",
         "plot_killed_wounded", "plot_lethality", "plot_missing_fields", "plot_mix", "plot_period_comparison",
         "plot_reported_vs_incidents", "plot_roles", "plot_small_multiples", "plot_theatre_comparison",
         "plot_totals", "output_dir", "read_summary", "save_figure", "write_summary",
         # names of the namespace only (a top-level lookup still says where they are)
         "caption_html", "caption_text", "figure_caption", "save_incidents", "show_figure"),
        "charts",
    ),
    **dict.fromkeys(
        ("chronology_markdown", "comparison_text", "coverage_statement", "deadliest_table", "describe_selection",
         "escape_markdown", "format_range", "headline_markdown", "notable_markdown", "reported_caption",
         "reported_markdown", "reported_notes", "reported_sentences", "table_or_note", "table_text", "total_text",
         "chronology_html", "comparison_html", "deadliest_html", "headline", "html_table", "key_figures",
         "key_figures_html", "notable_html", "table_html", "theatres_html", "timeline_html"),
        "text",
    ),
}

__all__ = sorted(
    [
        *_EXPORTS,
        *_NAMESPACES,
        "DataValidationError",
        "IncidentkitError",
        "ParameterError",
        "Problem",
        "ReaderError",
        "__version__",
    ]
)


def __getattr__(name: str) -> object:
    if name in _EXPORTS:
        value = getattr(_importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    elif name in _NAMESPACES:
        value = _importlib.import_module(f".{_NAMESPACES[name]}", __name__)
    elif name in _MOVED:
        raise AttributeError(f"incidentkit.{name} is now incidentkit.{_MOVED[name]}.{name} "
                             f"(ik.{_MOVED[name]}.{name})", name=name, obj=None)
    else:
        raise AttributeError(f"module 'incidentkit' has no attribute {name!r}", name=name, obj=None)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return list(__all__)


if _typing.TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only (tests/test_public_api.py: = _EXPORTS)
    from . import charts  # noqa: F401
    from .analysis import text  # noqa: F401
    from .analysis.brief import (  # noqa: F401
        brief_figures,
        chronology,
        notable_incidents,
        other_roles_chronology,
        period_comparison,
        previous_period,
        previous_selection,
        selection_events,
    )
    from .analysis.coverage import (  # noqa: F401
        coded_fields,
        coverage_documents,
        missing_fields,
        precision_table,
        reported_vs_incidents,
        rows_by_dataset,
        rows_by_source,
        unknown_casualties,
    )
    from .analysis.measures import (  # noqa: F401
        casualty_totals,
        deadliest,
        deaths_distribution,
        headline_figures,
        incident_figures,
        killed_wounded_pairs,
        lethality,
        perpetrator_share,
        perpetrator_share_table,
        single_incidents,
    )
    from .analysis.regions import mix_shares, monthly_by_theatre, theatre_comparison  # noqa: F401
    from .analysis.roles import counts_by_role, role_table  # noqa: F401
    from .analysis.statements import reported_context  # noqa: F401
    from .analysis.trends import (  # noqa: F401
        counts_by_period,
        group_column,
        period_stats,
        rolling_mean,
        timeline_events,
        year_on_year,
    )
    from .data.coverage import Coverage, coverage  # noqa: F401
    from .data.load import (  # noqa: F401
        incident_frame,
        load_events,
        load_incidents,
        load_reported_statistics,
        load_sources,
        load_table,
    )
    from .data.readers import actor_names, detect_dataset, read_acled, read_export, read_gtd, read_ucdp  # noqa: F401
    from .data.reference import (  # noqa: F401
        admin1_aliases,
        assign_theatre,
        branch_aliases,
        load_branches,
        load_gazetteer,
        load_theatre_map,
        load_theatres,
        theatre_order,
    )
    from .data.selection import Selection, check_parameters, describe_source, valid_values  # noqa: F401
    from .data.validation import ValidationReport, validate  # noqa: F401
    from .widgets.explorer import explore  # noqa: F401
    from .widgets.mapview import incident_map  # noqa: F401
    from .widgets.table import incident_table  # noqa: F401
