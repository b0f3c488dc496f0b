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
    "incident_figures": "measures",
    "casualty_totals": "measures",
    "lethality": "measures",
    "perpetrator_share": "measures",
    "deaths_distribution": "measures",
    "deadliest": "measures",
    "counts_by_period": "trends",
    "rolling_mean": "trends",
    "year_on_year": "trends",
    # trends and casualties notebooks
    "headline_figures": "measures",
    "describe_selection": "measures",
    "deadliest_table": "measures",
    "perpetrator_share_table": "measures",
    "killed_wounded_pairs": "measures",
    "format_range": "measures",
    "group_column": "trends",
    "timeline_events": "trends",
    "period_stats": "trends",
    "plot_incidents": "plots_trends",
    "plot_deaths": "plots_trends",
    "mark_events": "plots_trends",
    "plot_totals": "plots_casualties",
    "plot_lethality": "plots_casualties",
    "plot_deaths_ccdf": "plots_casualties",
    "plot_killed_wounded": "plots_casualties",
    # regional comparison, theatre brief and data coverage notebooks
    "theatre_comparison": "regions",
    "mix_shares": "regions",
    "monthly_by_theatre": "regions",
    "plot_theatre_comparison": "plots_regions",
    "plot_mix": "plots_regions",
    "plot_small_multiples": "plots_regions",
    "load_borders": "maps",
    "map_counts": "maps",
    "plot_incident_map": "maps",
    "previous_period": "brief",
    "previous_selection": "brief",
    "selection_events": "brief",
    "brief_figures": "brief",
    "period_comparison": "brief",
    "chronology": "brief",
    "notable_incidents": "brief",
    "escape_markdown": "brief",
    "headline_markdown": "brief",
    "chronology_markdown": "brief",
    "notable_markdown": "brief",
    "comparison_text": "brief",
    "plot_period_comparison": "brief",
    "reported_notes": "coverage",
    "rows_by_dataset": "coverage",
    "rows_by_source": "coverage",
    "precision_table": "coverage",
    "missing_fields": "coverage",
    "unknown_casualties": "coverage",
    "reported_vs_incidents": "coverage",
    "plot_missing_fields": "plots_coverage",
    "plot_reported_vs_incidents": "plots_coverage",
    # notebooks
    "check_parameters": "data.selection",
    "Selection": "data.selection",
    "apply_style": "style",
    "theatre_colors": "style",
    "category_colors": "style",
    "add_caption": "style",
    "table_or_note": "style",
    "table_text": "style",
    "output_dir": "output",
    "save_figure": "output",
    "write_summary": "output",
    "read_summary": "output",
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
    from .brief import (  # noqa: F401
        brief_figures,
        chronology,
        chronology_markdown,
        comparison_text,
        escape_markdown,
        headline_markdown,
        notable_incidents,
        notable_markdown,
        period_comparison,
        plot_period_comparison,
        previous_period,
        previous_selection,
        selection_events,
    )
    from .coverage import (  # noqa: F401
        missing_fields,
        precision_table,
        reported_notes,
        reported_vs_incidents,
        rows_by_dataset,
        rows_by_source,
        unknown_casualties,
    )
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
    from .maps import load_borders, map_counts, plot_incident_map  # noqa: F401
    from .measures import (  # noqa: F401
        casualty_totals,
        deadliest,
        deadliest_table,
        deaths_distribution,
        describe_selection,
        format_range,
        headline_figures,
        incident_figures,
        killed_wounded_pairs,
        lethality,
        perpetrator_share,
        perpetrator_share_table,
    )
    from .output import output_dir, read_summary, save_figure, write_summary  # noqa: F401
    from .plots_casualties import (  # noqa: F401
        plot_deaths_ccdf,
        plot_killed_wounded,
        plot_lethality,
        plot_totals,
    )
    from .plots_coverage import plot_missing_fields, plot_reported_vs_incidents  # noqa: F401
    from .plots_regions import plot_mix, plot_small_multiples, plot_theatre_comparison  # noqa: F401
    from .plots_trends import mark_events, plot_deaths, plot_incidents  # noqa: F401
    from .regions import mix_shares, monthly_by_theatre, theatre_comparison  # noqa: F401
    from .style import (  # noqa: F401
        add_caption,
        apply_style,
        category_colors,
        table_or_note,
        table_text,
        theatre_colors,
    )
    from .trends import (  # noqa: F401
        counts_by_period,
        group_column,
        period_stats,
        rolling_mean,
        timeline_events,
        year_on_year,
    )
