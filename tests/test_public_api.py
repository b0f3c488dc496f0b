"""The public API is deliberate: ``incidentkit`` offers what an analyst uses, ``ik.charts`` and ``ik.text`` what only
a notebook's presentation needs, and each list is pinned here, so adding or moving a name is a visible decision.
Every public name has a docstring of its own.
"""

from __future__ import annotations

import ast
import inspect
import subprocess
import sys
from pathlib import Path

import incidentkit as ik
import pytest

PACKAGE = Path(ik.__file__).resolve().parent

#: ``import incidentkit as ik; ik.<name>``: loading, validating and reading data, and the arithmetic on it.
TOP_LEVEL = [
    "Coverage", "DataValidationError", "IncidentkitError", "ParameterError", "Problem", "ReaderError", "Selection",
    "ValidationReport", "__version__", "actor_names", "admin1_aliases", "assign_theatre", "branch_aliases",
    "brief_figures", "casualty_totals", "charts", "check_parameters", "chronology", "coded_fields",
    "counts_by_period", "counts_by_role", "coverage", "coverage_documents", "deadliest",
    "deaths_distribution", "describe_source", "detect_dataset", "explore", "group_column", "headline_figures",
    "incident_figures", "incident_frame", "incident_map", "incident_table", "killed_wounded_pairs", "lethality",
    "load_branches", "load_events",
    "load_gazetteer", "load_incidents", "load_reported_statistics", "load_sources", "load_table",
    "load_theatre_map", "load_theatres", "missing_fields", "mix_shares", "monthly_by_theatre", "notable_incidents",
    "other_roles_chronology", "reported_context", "role_table", "single_incidents",
    "period_comparison", "period_stats", "perpetrator_share", "perpetrator_share_table", "precision_table",
    "previous_period", "previous_selection", "read_acled", "read_export", "read_gtd", "read_ucdp",
    "reported_vs_incidents", "rolling_mean", "rows_by_dataset", "rows_by_source", "selection_events", "text",
    "theatre_comparison", "theatre_order", "timeline_events", "unknown_casualties", "valid_values", "validate",
    "year_on_year",
]
#: ``ik.charts.<name>``: the house style, one function per figure, and where figures and summaries go.
CHARTS = [
    "add_caption", "apply_style", "category_colors", "load_borders", "map_counts", "mark_events", "output_dir",
    "plot_deaths", "plot_deaths_ccdf", "plot_incident_map", "plot_incidents", "plot_killed_wounded",
    "plot_lethality", "plot_missing_fields", "plot_mix", "plot_period_comparison", "plot_reported_vs_incidents",
    "plot_roles",
    "plot_small_multiples", "plot_theatre_comparison", "plot_totals", "read_summary", "save_figure",
    "theatre_colors", "write_summary", "caption_html", "caption_text", "figure_caption", "save_incidents",
    "show_figure",
]
#: ``ik.text.<name>``: Markdown, sentences and tables for a reader.
TEXT = [
    "chronology_markdown", "comparison_text", "coverage_statement", "deadliest_table", "describe_selection",
    "escape_markdown", "format_range", "headline_markdown", "notable_markdown", "reported_caption",
    "reported_markdown", "reported_notes", "reported_sentences", "table_or_note", "table_text", "total_text",
    "chronology_html", "comparison_html", "deadliest_html", "headline", "html_table", "key_figures",
    "key_figures_html", "notable_html", "table_html", "theatres_html", "timeline_html",
]
NAMESPACES = {"charts": CHARTS, "text": TEXT}


def test_the_top_level_names_are_the_pinned_list() -> None:
    assert sorted(ik.__all__) == sorted(TOP_LEVEL)
    assert dir(ik) == sorted(TOP_LEVEL)  # no typing helpers, imported modules or future flags


@pytest.mark.parametrize("namespace", sorted(NAMESPACES))
def test_each_namespace_offers_the_pinned_list(namespace: str) -> None:
    module = getattr(ik, namespace)
    assert sorted(module.__all__) == sorted(NAMESPACES[namespace])
    assert module.__doc__ and f"ik.{namespace}" in module.__doc__


def test_a_name_has_one_home() -> None:
    names = [*TOP_LEVEL, *CHARTS, *TEXT]
    assert len(names) == len(set(names)), sorted(n for n in set(names) if names.count(n) > 1)


def _public_objects() -> list[tuple[str, object]]:
    out = [(name, getattr(ik, name)) for name in TOP_LEVEL if name != "__version__"]
    for namespace, names in NAMESPACES.items():
        out += [(f"{namespace}.{name}", getattr(getattr(ik, namespace), name)) for name in names]
    return out


@pytest.mark.parametrize("name,obj", _public_objects(), ids=[n for n, _ in _public_objects()])
def test_every_public_name_has_a_docstring_of_its_own(name: str, obj: object) -> None:
    doc = obj.__doc__ if inspect.ismodule(obj) or inspect.isclass(obj) else inspect.getdoc(obj)
    assert doc and doc.strip(), f"{name} has no docstring"
    if inspect.isclass(obj):
        short = name.rsplit(".", 1)[-1]
        assert not doc.startswith(f"{short}("), f"{name}: the docstring is the one dataclasses generate"
        assert doc not in (Exception.__doc__, ValueError.__doc__, object.__doc__), f"{name}: inherited docstring"


def test_the_version_is_a_release_string() -> None:
    parts = ik.__version__.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts), ik.__version__


@pytest.mark.parametrize("namespace,name", [(ns, n) for ns, names in NAMESPACES.items() for n in names])
def test_a_name_that_moved_to_a_namespace_says_where_it_went(namespace: str, name: str) -> None:
    with pytest.raises(AttributeError, match=rf"now incidentkit\.{namespace}\.{name}\b"):
        getattr(ik, name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'plot_everything'"):
        ik.plot_everything  # noqa: B018


def test_the_type_checking_imports_name_the_lazy_exports() -> None:
    """The ``if TYPE_CHECKING:`` block (for type checkers and IDEs) imports exactly the names ``_EXPORTS`` resolves
    lazily, from the same modules, and the two namespaces."""
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test))
    imported: dict[str, str] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom)
        for alias in node.names:
            imported[alias.asname or alias.name] = ".".join(filter(None, [node.module or ""]))
    namespaces = {name: imported.pop(name) for name in list(imported) if name in ik._NAMESPACES}
    assert imported == ik._EXPORTS
    assert namespaces == {"charts": "", "text": "analysis"}


def test_importing_the_package_is_cheap() -> None:
    """``import incidentkit`` loads no data or plotting library: names resolve on first use (the report runner's
    command line starts without them)."""
    code = ("import sys, incidentkit as ik; heavy = {'pandas', 'matplotlib', 'numpy', 'pyarrow'} & set(sys.modules);"
            "print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
