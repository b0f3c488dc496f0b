"""Headless report runs: a plan of parameterised notebooks -> papermill in parallel -> an HTML report site.

Command line: ``python -m incidentkit.reports run`` (or ``incidentkit-reports run``); see ``reports/README.md``.
Importing this package is cheap: papermill, nbconvert, pandas and matplotlib are only imported by the functions
that execute or render notebooks.
"""

from __future__ import annotations

from .plan import PlanError, Report, load_plan, notebook_parameters
from .run import RunOptions, RunResult, run_plan
from .slug import slugify

__all__ = [
    "PlanError",
    "Report",
    "RunOptions",
    "RunResult",
    "load_plan",
    "notebook_parameters",
    "run_plan",
    "slugify",
]
