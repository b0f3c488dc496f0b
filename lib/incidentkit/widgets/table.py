"""The interactive incident table: itables' ``ITable`` widget (DataTables bundled in the Python package, no CDN),
sortable, searchable and paged, one row per incident, rows selectable.

The table shows :func:`incidentkit.widgets.records.table_frame`: the date as far as it is known, the theatre, the
place, IS's role, the branch, the claim, the attack type, deaths and wounded with their ranges ("12 (10-15)", "at
least 12", "unknown"; they sort by the best figure), the summary and the sources. Cell text is escaped
(``allow_html=False``): nothing from the data is read as markup.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from itables.widget import ITable

from .records import TABLE_COLUMNS, table_frame

#: Rows per page, and the page lengths offered.
PAGE_LENGTH = 10
LENGTH_MENU = [10, 25, 50, 100]
#: Most bytes of table data sent to the page before itables samples the rows (it then says so above the table).
MAX_BYTES = 8 * 2**20
#: Width of the long text columns (the other columns take what their text needs).
WIDE_COLUMNS: dict[str, str] = {"summary": "30em", "sources": "14em", "place": "11em"}
#: The table's own style sheet: long text wraps in its column, short columns do not, numbers align right.
TABLE_CSS = """
.ik-table table.dataTable td { vertical-align: top; }
.ik-table table.dataTable td.ik-wrap { white-space: normal; min-width: 6em; }
.ik-table table.dataTable td.ik-nowrap { white-space: nowrap; }
.ik-table table.dataTable td.ik-summary { white-space: normal; min-width: 22em; max-width: 36em; }
"""


def table_options(frame: pd.DataFrame, *, page_length: int = PAGE_LENGTH) -> dict[str, Any]:
    """The DataTables options of an incident table made by :func:`~incidentkit.widgets.records.table_frame`:
    paging, search, row selection, deaths and wounded sorted by their best figure (hidden columns), widths."""
    col = {name: i for i, name in enumerate(frame.columns)}
    defs: list[dict[str, Any]] = [
        {"targets": [col["deaths_sort"], col["wounded_sort"]], "visible": False, "searchable": False},
        {"targets": [col["incident id"], col["full text"]], "visible": False},
        {"targets": [col["deaths"]], "orderData": [col["deaths_sort"], col["date"]], "className": "dt-right ik-nowrap"},
        {"targets": [col["wounded"]], "orderData": [col["wounded_sort"], col["date"]],
         "className": "dt-right ik-nowrap"},
        {"targets": [col["summary"]], "className": "ik-summary"},
        {"targets": [col[c] for c in ("sources", "place", "theatre", "IS's role", "branch", "attack type")],
         "className": "ik-wrap"},
        {"targets": [col[c] for c in ("date", "claim")], "className": "ik-nowrap"},
    ]
    defs += [{"targets": [col[c]], "width": w} for c, w in WIDE_COLUMNS.items()]
    return {
        "select": {"style": "os", "items": "row"},
        "paging": True,
        "pageLength": page_length,
        "lengthMenu": LENGTH_MENU,
        "order": [[col["date"], "asc"]],
        "columnDefs": defs,
        "classes": "display compact cell-border",
        "style": "table-layout:auto;width:100%;margin:0;caption-side:top",
        "scrollX": True,
        "showIndex": False,
        "allow_html": False,
        "maxBytes": MAX_BYTES,
        "language": {"search": "Search all columns:", "info": "_START_ to _END_ of _TOTAL_ incidents",
                     "infoFiltered": "(searched in _MAX_)", "infoEmpty": "no incident",
                     "zeroRecords": "No incident matches the search.", "emptyTable": "No incident in the selection."},
    }


def incident_table(
    incidents: pd.DataFrame,
    *,
    sources: pd.DataFrame | None = None,
    branches: pd.DataFrame | None = None,
    caption: str = "",
    page_length: int = PAGE_LENGTH,
) -> ITable:
    """An interactive table of incidents for JupyterLab: sort by any column, search all of them, page through,
    select rows (click; Shift or Ctrl for several; ``table.selected_rows`` gives their positions in ``incidents``).

    ``incidents`` is a frame from :func:`incidentkit.load_incidents` (the curated table or any export); ``sources``
    (``ik.load_sources()``) names each document by its title, ``branches`` (``ik.load_branches()``) each branch by
    its name. Deaths and wounded show their range and sort by the best figure; an incident with no figure reads
    "unknown", never 0. Works offline: the table's JavaScript comes with the itables package.
    """
    frame = table_frame(incidents, sources, branches)
    table = ITable(frame, caption=caption, css=TABLE_CSS, **table_options(frame, page_length=page_length))
    table.add_class("ik-table")
    return table


def update_table(table: ITable, incidents: pd.DataFrame, *, sources: pd.DataFrame | None = None,
                 branches: pd.DataFrame | None = None, caption: str | None = None) -> None:
    """Show other incidents in a table made by :func:`incident_table` (same columns and options); the selection is
    cleared."""
    frame = table_frame(incidents, sources, branches)
    # every option again: itables' update drops the column definitions and the style sheet it is not given
    table.update(frame, caption=caption, selected_rows=[], css=TABLE_CSS, **table_options(frame))


__all__ = ["TABLE_COLUMNS", "incident_table", "table_options", "update_table"]
