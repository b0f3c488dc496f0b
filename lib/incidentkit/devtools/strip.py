"""Stripping notebooks for commit (outputs, execution counts and volatile metadata removed; the ``# NBVAL_CHECK_OUTPUT``
cells keep theirs) and refreshing the checked cells' outputs by executing a notebook on its defaults.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import nbformat

from ..paths import KERNEL_DISPLAY_NAME, KERNEL_NAME
from .rules import VOLATILE_CELL_METADATA, is_checked


def strip_notebook(nb: Any) -> Any:
    """Return ``nb`` without outputs, execution counts and volatile metadata.

    Checked cells keep their outputs (output metadata removed) and get a stable execution count (1, 2, ... in
    order): nbval skips the comparison of a cell stored without one ("Unrun reference cell"). The kernelspec is
    normalised to the project kernel (:data:`incidentkit.paths.KERNEL_NAME`)."""
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata["kernelspec"] = {"display_name": KERNEL_DISPLAY_NAME, "language": "python", "name": KERNEL_NAME}
    checked = 0
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type != "code":
            continue
        if not is_checked(cell):
            cell.execution_count = None
            cell.outputs = []
            continue
        checked += 1
        cell.execution_count = checked if cell.outputs else None
        for o in cell.outputs:
            if o.get("output_type") == "execute_result":
                o["execution_count"] = cell.execution_count
            if o.get("output_type") in ("execute_result", "display_data"):
                o["metadata"] = {}
    return nb


def strip_file(path: Path | str) -> None:
    """Strip a notebook file in place (see :func:`strip_notebook`)."""
    nb = nbformat.read(path, as_version=4)
    nbformat.write(strip_notebook(nb), path)


def refresh_checked(path: Path | str, *, timeout: int = 600) -> int:
    """Execute a notebook on its defaults and write back the outputs of its ``# NBVAL_CHECK_OUTPUT`` cells.

    Every other cell is left as it is (stripped). Runs on the project kernel in the notebook's folder, as nbval
    does. Returns the number of checked cells refreshed (a notebook without any is not run); raises the execution
    error if a cell fails.
    """
    # lazy: nbclient starts jupyter_client and zmq, and only this mode executes notebooks
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    if not any(is_checked(cell) for cell in nb.cells):
        return 0
    run = copy.deepcopy(nb)
    NotebookClient(run, timeout=timeout, kernel_name=KERNEL_NAME,
                   resources={"metadata": {"path": str(path.parent.resolve())}}).execute()
    refreshed = 0
    for cell, done in zip(nb.cells, run.cells, strict=True):
        if is_checked(cell):
            cell.outputs = done.outputs
            refreshed += 1
    nbformat.write(strip_notebook(nb), path)
    return refreshed
