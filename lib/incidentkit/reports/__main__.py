"""Command line of the report runner: ``python -m incidentkit.reports run [options]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import EXIT_OK, EXIT_PLAN, RunError
from .plan import DEFAULT_CELL_TIMEOUT, DEFAULT_TIMEOUT, PlanError, load_plan
from .publish import DEFAULT_KEEP, KEEP_ENV
from .run import RunInterrupted, RunOptions, run_plan


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``incidentkit-reports`` (also used to document the options)."""
    parser = argparse.ArgumentParser(
        prog="incidentkit-reports",
        description="Render the report plan: validate it, reuse unchanged reports, execute the others with "
        "papermill in parallel, and publish an HTML site under <out>/runs/<run-id> (<out>/latest points at it).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="validate the plan and render its reports")
    run.add_argument("--plan", type=Path, help="the plan file (default: reports/plan.yaml)")
    run.add_argument("--only", nargs="+", metavar="NAME", default=[], help="execute only these reports")
    run.add_argument("--jobs", type=int, help="worker processes (default: the number of cores)")
    run.add_argument("--force", action="store_true", help="execute every selected report, even if unchanged")
    run.add_argument(
        "--out", type=Path, help="output folder (default: reports/, or $INCIDENTKIT_REPORTS_DIR)"
    )
    run.add_argument("--notebooks", type=Path, help="folder the plan's notebook names are relative to")
    run.add_argument(
        "--data",
        type=Path,
        help="data folder the notebooks read (INCIDENTKIT_DATA_DIR is set for the kernels) and the reuse key hashes "
        "(default: data/, or $INCIDENTKIT_DATA_DIR)",
    )
    run.add_argument(
        "--timeout",
        type=int,
        default=DEFAULT_TIMEOUT,
        help="seconds a whole report may run (kernel start to last cell; then its kernel is killed and it fails), "
        f"for reports whose plan entry sets no 'timeout' (default {DEFAULT_TIMEOUT})",
    )
    run.add_argument(
        "--cell-timeout",
        type=int,
        default=DEFAULT_CELL_TIMEOUT,
        help="seconds any one cell may run, for reports whose plan entry sets no 'cell_timeout' "
        "(default: no limit per cell)",
    )
    run.add_argument(
        "--keep",
        type=int,
        help=f"runs kept under <out>/runs after this one is published: the newest N; older ones are removed, "
        f"never the one 'latest' points at (default: ${KEEP_ENV}, else {DEFAULT_KEEP})",
    )
    bar = run.add_mutually_exclusive_group()
    bar.add_argument(
        "--progress", dest="progress", action="store_true", default=None, help="always show a bar"
    )
    bar.add_argument("--no-progress", dest="progress", action="store_false", help="plain log lines only")
    check = commands.add_parser("check", help="validate the plan only; run nothing")
    check.add_argument("--plan", type=Path, help="the plan file (default: reports/plan.yaml)")
    check.add_argument("--notebooks", type=Path, help="folder the plan's notebook names are relative to")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m incidentkit.reports`` and ``incidentkit-reports``; returns the exit code.

    0: every report ok or reused (with ``--only``: or stale or not run); 1: at least one report failed, in this run
    or carried over (the run is still published); 2: the plan or the command line is wrong (nothing ran);
    3: another run holds the output folder's lock; 4: the disk is full; 5: the output folder cannot be written
    (nothing was published); 128 + the signal's number (143 for SIGTERM, 130 for SIGINT): stopped by a signal
    (nothing was published). The codes are defined in :mod:`incidentkit.errors`.
    """
    args = build_parser().parse_args(argv)
    options = RunOptions(plan=args.plan, notebooks=args.notebooks)
    if args.command == "check":
        opts = options.resolved()
        try:
            reports = load_plan(opts.plan, opts.notebooks)  # type: ignore[arg-type]
        except PlanError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return EXIT_PLAN
        print(f"{opts.plan}: {len(reports)} report(s), all valid")
        return EXIT_OK
    for flag, number in (("--jobs", args.jobs), ("--keep", args.keep)):
        if number is not None and number < 1:
            print(f"error: {flag} must be at least 1", file=sys.stderr)
            return EXIT_PLAN
    options.out = args.out
    options.data = args.data
    options.only = args.only
    options.jobs = args.jobs
    options.force = args.force
    for flag, value in (("--timeout", args.timeout), ("--cell-timeout", args.cell_timeout)):
        if value is not None and value < 1:
            print(f"error: {flag} must be at least 1 second", file=sys.stderr)
            return EXIT_PLAN
    options.timeout = args.timeout
    options.cell_timeout = args.cell_timeout
    options.progress = args.progress
    options.keep = args.keep
    try:
        result = run_plan(options)
    except PlanError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_PLAN
    except RunError as exc:  # the lock is held, the disk is full, the folder cannot be written: each its own code
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except RunInterrupted as exc:
        print(
            f"error: {exc}: the workers and their kernels were stopped and nothing was published "
            "(latest still points at the previous run)",
            file=sys.stderr,
        )
        return exc.exit_code
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
