"""``ik.explore()``: the exploration widget of ``notebooks/00-explore.ipynb``. Controls for the source, theatres,
branches, IS's role, claim status and dates drive, without re-running a cell, the selection's statement, the
interactive map, the interactive table and the period chart; selecting incidents in the table or on the map shows
their full rows and source citations.

Every selection goes through the library's one path: the values, IS's roles among them, are checked by
``ik.check_parameters`` (the parameter contract, :mod:`incidentkit.data.parameters`; the roles by
:mod:`incidentkit.data.roles`) and the rows are loaded by ``ik.load_incidents`` (curated table or any GTD/ACLED/UCDP
export), which filters the roles. The statement is the library's: the coverage statement
(:func:`incidentkit.analysis.statements.coverage_statement`) and the selection's description, as every notebook
opens with.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import replace
from io import BytesIO
from typing import Any

import ipywidgets as w
import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Image, Markdown, display

from ..analysis.statements import coverage_statement, reported_caption, reported_context
from ..analysis.text import describe_selection
from ..analysis.trends import counts_by_period
from ..charts.style import apply_style, draw_caption
from ..charts.trends import plot_deaths, plot_incidents
from ..data.load import load_incidents, load_sources
from ..data.reference import load_branches, theatre_order
from ..data.roles import ALL_ROLES, DEFAULT_ROLES, ROLE_ORDER, ROLE_WORDS
from ..data.selection import CURATED, Selection, check_parameters
from ..errors import IncidentkitError, ParameterError
from .mapview import incident_map, on_map_selection, update_map
from .records import count_label, details_html, present_values
from .table import incident_table, update_table

#: Resolution of the period chart's image (pixels per inch of the library's figure sizes).
CHART_DPI = 100
#: Rows of each multiple-choice list.
LIST_ROWS = 7
#: The style sheet of the explorer (the details panel; a list's help line).
CSS = """
<style>
.ik-details { font-size: 13px; line-height: 1.35; }
.ik-details h4 { margin: 10px 0 2px 0; font-size: 14px; }
.ik-details table { border-collapse: collapse; margin: 4px 0; }
.ik-details th { text-align: left; vertical-align: top; padding: 1px 10px 1px 0; color: #555; font-weight: normal;
                 white-space: nowrap; }
.ik-details td { vertical-align: top; padding: 1px 0; }
.ik-details ol { margin: 2px 0 8px 0; padding-left: 22px; }
.ik-help { color: #666; font-size: 12px; }
.ik-error { color: #B00020; white-space: pre-wrap; }
.ik-explorer .ik-map { width: 100%; min-width: 0; }
</style>
"""


def _month_options(first: pd.Timestamp, last: pd.Timestamp) -> list[tuple[str, pd.Timestamp]]:
    months = pd.period_range(first.to_period("M"), last.to_period("M"), freq="M")
    return [(p.strftime("%b %Y"), p.to_timestamp()) for p in months]


def _list(title: str, help_text: str) -> tuple[w.SelectMultiple, w.VBox]:
    choice = w.SelectMultiple(options=[], rows=LIST_ROWS, layout=w.Layout(width="100%"))
    box = w.VBox([w.HTML(f"<b>{html.escape(title)}</b> <span class='ik-help'>{html.escape(help_text)}</span>"),
                  choice], layout=w.Layout(flex="1 1 0", min_width="170px", margin="0 8px 0 0"))
    choice.add_class(f"ik-{title.split()[0].lower().replace(chr(39), '')}")
    return choice, box


class Explorer(w.VBox):
    """The exploration widget (made by :func:`explore`): controls, the selection's statement, a map, a table, the
    selected incidents' details and a period chart, all updated when a control changes.

    Attributes an analyst (or a test) reads: ``incidents`` (the rows shown), ``selection`` (the checked
    :class:`~incidentkit.Selection`), ``roles`` (the roles of IS it counts), ``statement`` (the Markdown shown under
    the controls: the coverage statement and the selection's description), ``selected`` (the rows selected in the
    table or on the map), and
    the widgets ``source``, ``theatres``, ``branches``, ``role``, ``claims``, ``dates``, ``period``, ``measure``,
    ``map``, ``table``, ``details``, ``summary``, ``chart``.
    """

    def __init__(self, source: str | Selection = CURATED, *, theatres: Sequence[str] = (),
                 branches: Sequence[str] = (), roles: str | Sequence[str] = DEFAULT_ROLES,
                 claim_status: Sequence[str] = (), start: str = "", end: str = "", period: str = "month",
                 only_is: bool = True) -> None:
        if isinstance(source, Selection):
            first = source if "period" in source.options else replace(
                source, options={**source.options, **check_parameters(period=period).options})
        else:
            first = check_parameters(source=str(source), theatres=list(theatres), branches=list(branches),
                                     roles=[roles] if isinstance(roles, str) else list(roles),
                                     claim_status=list(claim_status), start=start, end=end, period=period,
                                     only_is=only_is)
        self._theatre_list = [*theatre_order()]
        self._quiet = False
        self._sources = load_sources()
        self._branch_table = load_branches()
        self.incidents = pd.DataFrame()
        self.selected = pd.DataFrame()
        self.selection: Selection = first
        self._reported = pd.DataFrame()
        self.statement = ""
        self._build(first)
        super().__init__([w.HTML(CSS), self._controls(), self.message, self.summary,
                          self._map_box, self.details,
                          self.table, w.HBox([self.period, self.measure]), self.chart],
                         layout=w.Layout(width="100%"))
        self.add_class("ik-explorer")
        self._load(first)

    # -- building ---------------------------------------------------------------------------------------------
    def _build(self, first: Selection) -> None:
        self.source = w.Text(value=first.source, description="source", placeholder='"curated" or an export file',
                             continuous_update=False, layout=w.Layout(width="55%"))
        self.only_is = w.Checkbox(value=first.only_is, description="only incidents of an IS branch (exports)",
                                  indent=False, layout=w.Layout(width="auto"))
        self.load_button = w.Button(description="Load", button_style="primary", icon="refresh",
                                    tooltip="read the source again")
        self.reset_button = w.Button(description="Clear filters", tooltip="every theatre, branch and claim status; "
                                     "violence by IS; the whole period")
        self.theatres, self._theatres_box = _list("Theatres", "none selected: all")
        self.branches, self._branches_box = _list("IS branches", "none selected: all")
        self.role, self._role_box = _list("IS's role", "none selected: every role")
        self.claims, self._claims_box = _list("Claim status", "none selected: all")
        self.dates = w.SelectionRangeSlider(options=[("-", pd.Timestamp(0))], index=(0, 0), description="dates",
                                            continuous_update=False, layout=w.Layout(width="98%"))
        self.period = w.ToggleButtons(options=["month", "quarter", "year"], value=self.selection.options.get(
            "period", "month"), description="per", style={"button_width": "80px"})
        self.measure = w.ToggleButtons(options=["incidents", "deaths"], value="incidents", description="chart",
                                       style={"button_width": "90px"})
        self.message = w.HTML()
        self.summary = w.Output(layout=w.Layout(width="100%"))
        self.chart = w.Output(layout=w.Layout(width="100%"))
        self.details = w.HTML(details_html(pd.DataFrame()), layout=w.Layout(
            width="100%", max_height="460px", overflow="auto", border="1px solid #DDDDDD", padding="2px 10px",
            margin="6px 0 10px 0"))
        self.details.add_class("ik-details-panel")
        empty = load_incidents(CURATED).iloc[0:0]
        self.map = incident_map(empty, theatres=self._theatre_list)
        self._map_box = w.Box([self.map], layout=w.Layout(width="100%"))
        self.table = incident_table(empty, sources=self._sources, branches=self._branch_table)
        on_map_selection(self.map, self._map_selected)
        self.table.observe(self._table_selected, names="selected_rows")
        for control in (self.theatres, self.branches, self.role, self.claims, self.dates, self.period, self.measure):
            control.observe(self._changed, names="value")
        self.source.observe(lambda _change: self._reload(), names="value")
        self.only_is.observe(lambda _change: self._reload(), names="value")
        self.load_button.on_click(lambda _button: self._reload())
        self.reset_button.on_click(lambda _button: self.clear_filters())

    def _controls(self) -> w.VBox:
        return w.VBox([
            w.HBox([self.source, self.load_button, self.only_is], layout=w.Layout(align_items="center")),
            w.HBox([self._theatres_box, self._branches_box, self._role_box, self._claims_box],
                   layout=w.Layout(width="100%")),
            w.HBox([self.dates, self.reset_button], layout=w.Layout(width="100%", align_items="center")),
        ], layout=w.Layout(width="100%"))

    # -- loading a source -------------------------------------------------------------------------------------
    def _reload(self) -> None:
        if self._quiet:
            return
        try:
            sel = check_parameters(source=self.source.value.strip() or CURATED, only_is=self.only_is.value,
                                   period=self.period.value)
        except ParameterError as exc:
            self._error(str(exc))
            return
        self._load(sel)

    def _load(self, sel: Selection) -> None:
        """Read the source of ``sel`` whole, every role of IS (its values fill the lists, its dates the slider), then
        apply the selection's filters."""
        try:
            everything = load_incidents(sel.source, only_is=sel.only_is, roles=None)
        except (IncidentkitError, OSError) as exc:
            self._error(f"cannot load {sel.source!r}:\n{exc}")
            return
        self._source = sel.source
        self._quiet = True
        try:
            self.source.value = sel.source
            self._fill(self.theatres, everything["theatre"], sel.theatres, order=self._theatre_list)
            names = dict(zip(self._branch_table["branch_id"], self._branch_table["name"], strict=True))
            self._fill(self.branches, everything["is_branch"], sel.branches, labels=names)
            # every role is offered, with its count in the whole source (0 where it holds none)
            self._fill(self.role, everything["is_role"], sel.roles or (), order=ROLE_ORDER, labels=ROLE_WORDS,
                       every=ROLE_ORDER)
            self._fill(self.claims, everything["claim_status"], sel.claim_status)
            self._fill_dates(everything, sel)
        finally:
            self._quiet = False
        self.refresh()

    def _fill(self, choice: w.SelectMultiple, column: pd.Series, chosen: Iterable[str], *,
              order: Iterable[str] | None = None, labels: dict[str, str] | None = None,
              every: Iterable[str] = ()) -> None:
        values = present_values(column, order)
        have = {v for v, _ in values}
        # offered always (``every``), or asked for: shown as (0) when the source holds none
        values += [(v, 0) for v in dict.fromkeys([*every, *chosen]) if v not in have]
        if every:
            values.sort(key=lambda item: list(order or every).index(item[0]))
        choice.options = [(count_label(v, n, (labels or {}).get(v)), v) for v, n in values]
        choice.value = tuple(v for v in chosen if v in {x for x, _ in values})

    def _fill_dates(self, everything: pd.DataFrame, sel: Selection) -> None:
        dates = everything["date"].dropna()
        first = dates.min() if len(dates) else pd.Timestamp("2015-01-01")
        last = dates.max() if len(dates) else pd.Timestamp("2024-12-31")
        first = min(first, sel.start) if sel.start is not None else first
        last = max(last, sel.end) if sel.end is not None else last
        options = _month_options(first, last)
        starts = [t for _, t in options]
        lo = 0 if sel.start is None else max(i for i, t in enumerate(starts) if t <= sel.start)
        hi = len(starts) - 1 if sel.end is None else max(i for i, t in enumerate(starts) if t <= sel.end)
        self.dates.options = options
        self.dates.index = (lo, hi)

    # -- the selection ----------------------------------------------------------------------------------------
    def clear_filters(self) -> None:
        """Every theatre, branch and claim status, the default roles (violence carried out by IS), and the whole
        period of the source."""
        self._quiet = True
        try:
            for choice in (self.theatres, self.branches, self.claims):
                choice.value = ()
            self.role.value = DEFAULT_ROLES
            self.dates.index = (0, len(self.dates.options) - 1)
        finally:
            self._quiet = False
        self.refresh()

    def _changed(self, _change: dict[str, Any]) -> None:
        if not self._quiet:
            self.refresh()

    def _parameters(self) -> dict[str, Any]:
        lo, hi = self.dates.value
        end = (pd.Timestamp(hi) + pd.offsets.MonthEnd(0)).date().isoformat()
        return {"source": self._source, "theatres": list(self.theatres.value), "branches": list(self.branches.value),
                "roles": list(self.role.value) or [ALL_ROLES], "claim_status": list(self.claims.value),
                "start": pd.Timestamp(lo).date().isoformat(), "end": end, "period": self.period.value,
                "only_is": self.only_is.value}

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles of IS the selection counts (none chosen in the control: every role)."""
        return self.selection.roles or ROLE_ORDER

    def refresh(self) -> None:
        """Apply the controls: check them, load the selection (its roles too), and redraw everything."""
        try:
            sel = check_parameters(**self._parameters())
            rows = load_incidents(sel)
            self._reported = reported_context(sel)
        except (IncidentkitError, OSError) as exc:
            self._error(str(exc))
            return
        self.selection, self.incidents, self.selected = sel, rows, rows.iloc[0:0]
        self.message.value = ""
        export = "" if sel.source == CURATED else sel.source
        self.details.value = details_html(self.selected, self._sources, export=export, branches=self._branch_table)
        update_map(self.map, rows, sources=self._sources, theatres=self._theatre_list, branches=self._branch_table)
        update_table(self.table, rows, sources=self._sources, branches=self._branch_table,
                     caption=f"{len(rows):,} incidents: {sel.label}")
        self._statement(sel, rows)
        self._draw_chart(sel, rows)

    def _statement(self, sel: Selection, rows: pd.DataFrame) -> None:
        self.statement = coverage_statement(rows, sel) + "\n\n" + describe_selection(rows, sel.label, sel.source_label)
        with self.summary:
            self.summary.clear_output(wait=True)
            display(Markdown(self.statement))

    def _draw_chart(self, sel: Selection, rows: pd.DataFrame) -> None:
        png = period_chart_png(rows, sel, period=self.period.value, measure=self.measure.value,
                               reported=self._reported)
        with self.chart:
            self.chart.clear_output(wait=True)
            display(Image(data=png, format="png"))

    def _error(self, text: str) -> None:
        self.message.value = f"<div class='ik-error'>{html.escape(text)}</div>"

    # -- selecting incidents ----------------------------------------------------------------------------------
    def _show_selected(self, positions: list[int]) -> None:
        valid = [p for p in positions if 0 <= p < len(self.incidents)]
        self.selected = self.incidents.iloc[valid]
        export = "" if self._source == CURATED else self._source
        self.details.value = details_html(self.selected, self._sources, export=export, branches=self._branch_table)

    def _table_selected(self, change: dict[str, Any]) -> None:
        self._show_selected(list(change["new"] or []))

    def _map_selected(self, positions: list[int]) -> None:
        self._show_selected(positions)
        self.table.selected_rows = list(positions)


def period_chart_png(rows: pd.DataFrame, sel: Selection, *, period: str = "month", measure: str = "incidents",
                     reported: pd.DataFrame | None = None) -> bytes:
    """The explorer's period chart as PNG bytes: incidents (or deaths) per ``period`` of the selection (``rows``,
    loaded with ``load_incidents(sel)``), drawn as the trends notebook draws it: ``ik.charts.plot_incidents`` (or
    ``plot_deaths``), periods the source does not cover as gaps, the selection and its roles in the title and
    caption, with what the sources report for the same place, period and roles (``reported``, by default
    ``ik.reported_context(sel)``), at :data:`CHART_DPI`."""
    counts = counts_by_period(rows, period, start=sel.start, end=sel.end, theatres=sel.theatres,
                              countries=sel.countries)
    reported = reported_context(sel) if reported is None else reported
    caption = sel.caption(reported_caption(reported, sel.roles, "events" if measure == "incidents" else "deaths"))
    rolling = 1 if period == "year" else 3
    title = f"{'Incidents' if measure == 'incidents' else 'Deaths'} per {period}: {sel.label}"
    draw = plot_incidents if measure == "incidents" else plot_deaths
    png = BytesIO()
    # pyplot's interactive mode is off while the figure is built: from a widget's callback in a kernel, its
    # automatic redraws left the bars drawn with the axes' limits of the chart before (bars outside their axes).
    # The house style (figure size, fonts, legend) is applied for this figure only: the kernel's settings are
    # restored after it.
    with plt.ioff(), matplotlib.rc_context():
        apply_style()
        fig = draw(counts, period=period, rolling=rolling, title=title, caption=caption)
        draw_caption(fig)  # no page around the image: the caption goes in it
        try:
            fig.savefig(png, format="png", dpi=CHART_DPI, bbox_inches="tight")
        finally:
            plt.close(fig)
    return png.getvalue()


def explore(source: str | Selection = CURATED, *, theatres: Sequence[str] = (), branches: Sequence[str] = (),
            roles: str | Sequence[str] = DEFAULT_ROLES, claim_status: Sequence[str] = (), start: str = "", end: str = "",
            period: str = "month", only_is: bool = True) -> Explorer:
    """Explore incidents in JupyterLab: controls for the source, theatres, IS branches, IS's role, claim status and
    dates drive, without re-running the cell, a statement of the selection, a map (hover a mark for its date,
    place, toll range, role and sources; scroll to zoom), a table (sort, search, page) and a chart per month,
    quarter or year. Select incidents in the table or on the map to read their full rows and source citations.

    ``source`` is "curated", the path of a GTD, ACLED or UCDP export, or a :class:`~incidentkit.Selection` from
    ``ik.check_parameters`` (its source, filters, roles, dates and ``period``); the other arguments set the controls'
    first values and are checked like the notebooks' parameters (``"north caucasus"``, ``"ISK"`` are understood;
    an unknown value names the closest valid ones). ``roles`` are IS's roles as the notebooks' ``roles`` parameter
    takes them ("perpetrator", "two_sided", "target", their words such as "operations against IS", or "all"); by
    default the violence carried out by IS. Everything works offline: the widgets' JavaScript comes with the Python
    packages and the map draws the bundled borders.
    """
    return Explorer(source, theatres=theatres, branches=branches, roles=roles, claim_status=claim_status,
                    start=start, end=end, period=period, only_is=only_is)
