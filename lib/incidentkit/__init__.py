"""incidentkit: curated incident tables, GTD/ACLED/UCDP readers, analysis helpers and a report runner for
analysts of Islamic State violence.

>>> import incidentkit as ik
>>> incidents = ik.load_incidents(theatres="North Caucasus", start="2015-01-01")
>>> ik.casualty_totals(incidents)

The public API is re-exported here lazily (PEP 562): ``import incidentkit`` is cheap, and a submodule is imported
the first time one of its names is used, so command-line tools such as ``python -m incidentkit.reports`` start fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .errors import DataValidationError as DataValidationError
from .errors import IncidentkitError as IncidentkitError
from .errors import ParameterError as ParameterError
from .errors import Problem as Problem
from .errors import ReaderError as ReaderError

__version__ = "0.1.0"

#: public name -> submodule that defines it
_EXPORTS: dict[str, str] = {
    # loading and validation
    "load_incidents": "data.load",
    "load_events": "data.load",
    "load_sources": "data.load",
    "load_reported_statistics": "data.load",
    "load_table": "data.load",
    "valid_values": "data.selection",
    "describe_source": "data.selection",
    "validate": "data.validation",
    "incident_frame": "data.load",
    "ValidationReport": "data.validation",
    # what a table covers and which roles of IS it counts
    "coverage": "data.coverage",
    "Coverage": "data.coverage",
    "coverage_statement": "analysis.statements",
    "reported_sentences": "analysis.statements",
    "reported_markdown": "analysis.statements",
    "reported_caption": "analysis.statements",
    "reported_context": "analysis.statements",
    "counts_by_role": "analysis.roles",
    "role_table": "analysis.roles",
    "plot_roles": "charts.roles",
    "total_text": "analysis.text",
    "single_incidents": "analysis.measures",
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
    # arithmetic
    "incident_figures": "analysis.measures",
    "casualty_totals": "analysis.measures",
    "lethality": "analysis.measures",
    "perpetrator_share": "analysis.measures",
    "deaths_distribution": "analysis.measures",
    "deadliest": "analysis.measures",
    "counts_by_period": "analysis.trends",
    "rolling_mean": "analysis.trends",
    "year_on_year": "analysis.trends",
    # trends and casualties notebooks
    "headline_figures": "analysis.measures",
    "describe_selection": "analysis.text",
    "deadliest_table": "analysis.text",
    "perpetrator_share_table": "analysis.measures",
    "killed_wounded_pairs": "analysis.measures",
    "format_range": "analysis.text",
    "group_column": "analysis.trends",
    "timeline_events": "analysis.trends",
    "period_stats": "analysis.trends",
    "plot_incidents": "charts.trends",
    "plot_deaths": "charts.trends",
    "mark_events": "charts.trends",
    "plot_totals": "charts.casualties",
    "plot_lethality": "charts.casualties",
    "plot_deaths_ccdf": "charts.casualties",
    "plot_killed_wounded": "charts.casualties",
    # regional comparison, theatre brief and data coverage notebooks
    "theatre_comparison": "analysis.regions",
    "mix_shares": "analysis.regions",
    "monthly_by_theatre": "analysis.regions",
    "plot_theatre_comparison": "charts.regions",
    "plot_mix": "charts.regions",
    "plot_small_multiples": "charts.regions",
    "load_borders": "charts.maps",
    "map_counts": "charts.maps",
    "plot_incident_map": "charts.maps",
    "previous_period": "analysis.brief",
    "previous_selection": "analysis.brief",
    "selection_events": "analysis.brief",
    "brief_figures": "analysis.brief",
    "period_comparison": "analysis.brief",
    "chronology": "analysis.brief",
    "notable_incidents": "analysis.brief",
    "other_roles_chronology": "analysis.brief",
    "escape_markdown": "analysis.text",
    "headline_markdown": "analysis.text",
    "chronology_markdown": "analysis.text",
    "notable_markdown": "analysis.text",
    "comparison_text": "analysis.text",
    "plot_period_comparison": "charts.brief",
    "reported_notes": "analysis.text",
    "rows_by_dataset": "analysis.coverage",
    "rows_by_source": "analysis.coverage",
    "precision_table": "analysis.coverage",
    "missing_fields": "analysis.coverage",
    "coded_fields": "analysis.coverage",
    "coverage_documents": "analysis.coverage",
    "unknown_casualties": "analysis.coverage",
    "reported_vs_incidents": "analysis.coverage",
    "plot_missing_fields": "charts.coverage",
    "plot_reported_vs_incidents": "charts.coverage",
    # notebooks
    "check_parameters": "data.selection",
    "Selection": "data.selection",
    "apply_style": "charts.style",
    "theatre_colors": "charts.style",
    "category_colors": "charts.style",
    "add_caption": "charts.style",
    "table_or_note": "charts.style",
    "table_text": "charts.style",
    "output_dir": "charts.output",
    "save_figure": "charts.output",
    "write_summary": "charts.output",
    "read_summary": "charts.output",
}

__all__ = sorted(
    [*_EXPORTS, "DataValidationError", "IncidentkitError", "ParameterError", "Problem", "ReaderError", "__version__"]
)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'incidentkit' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
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
        single_incidents,  # noqa: F401
    )
    from .analysis.regions import mix_shares, monthly_by_theatre, theatre_comparison  # noqa: F401
    from .analysis.roles import counts_by_role, role_table  # noqa: F401
    from .analysis.statements import (  # noqa: F401
        coverage_statement,
        reported_caption,
        reported_context,
        reported_markdown,
        reported_sentences,
    )
    from .analysis.text import (  # noqa: F401
        chronology_markdown,
        comparison_text,
        deadliest_table,
        describe_selection,
        escape_markdown,
        format_range,
        headline_markdown,
        notable_markdown,
        reported_notes,
        total_text,  # noqa: F401
    )
    from .analysis.trends import (  # noqa: F401
        counts_by_period,
        group_column,
        period_stats,
        rolling_mean,
        timeline_events,
        year_on_year,
    )
    from .charts.brief import plot_period_comparison  # noqa: F401
    from .charts.casualties import (  # noqa: F401
        plot_deaths_ccdf,
        plot_killed_wounded,
        plot_lethality,
        plot_totals,
    )
    from .charts.coverage import plot_missing_fields, plot_reported_vs_incidents  # noqa: F401
    from .charts.maps import load_borders, map_counts, plot_incident_map  # noqa: F401
    from .charts.output import output_dir, read_summary, save_figure, write_summary  # noqa: F401
    from .charts.regions import plot_mix, plot_small_multiples, plot_theatre_comparison  # noqa: F401
    from .charts.roles import plot_roles  # noqa: F401
    from .charts.style import (  # noqa: F401
        add_caption,
        apply_style,
        category_colors,
        table_or_note,
        table_text,
        theatre_colors,
    )
    from .charts.trends import mark_events, plot_deaths, plot_incidents  # noqa: F401
    from .data.coverage import Coverage, coverage  # noqa: F401
    from .data.load import (  # noqa: F401
        incident_frame,
        load_events,
        load_incidents,
        load_reported_statistics,
        load_sources,
        load_table,
    )
    from .data.readers import detect_dataset, read_acled, read_export, read_gtd, read_ucdp  # noqa: F401
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
