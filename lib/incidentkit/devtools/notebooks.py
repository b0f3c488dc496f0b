"""Style checks of the analysis notebooks, stripping of outputs, and refreshing of the checked outputs.

``python -m incidentkit.devtools.notebooks notebooks`` checks every notebook under the folder and prints each
violation as ``<notebook>: cell N: <what>`` (N is the 0-based cell index, as in nbval's test names; problems of the
notebook as a whole say ``notebook`` instead of ``cell N``); it exits 1 when there is any. The rules (the notebook
contract of docs/architecture.md and notebooks/README.md):

- the first cell is Markdown with a ``# Title`` line and a purpose paragraph; the first code cell holds the imports
  and nothing else, and no other cell imports;
- exactly one cell is tagged ``parameters``; it holds only annotated assignments of literals
  (``period: str = "month"  # month, quarter or year``), each with a trailing help comment, annotations matching the
  values, and no other ``=`` on the line, in a string default or the help comment (papermill skips such lines);
- the code cell right after it validates them: it calls ``ik.check_parameters`` and uses every parameter;
- no ``def``, ``class`` or ``lambda``; no file readers (``pd.read_*`` or any ``read_*`` reached through
  ``pandas``, e.g. ``pandas.io.parsers.read_csv``; ``np.loadtxt``/``genfromtxt``/``load``/``fromfile``), no
  ``getattr`` on a module (``getattr(pd, "read_csv")``), no ``exec``/``eval``/``compile``/``__import__``/
  ``importlib``, no ``open(``, ``sys.exit``/``exit``/``quit``, ``!shell`` or shell magics; no hand-built paths
  (string literals that contain ``/`` or ``\\`` and no space, or that start like a path — ``/``, ``~``, ``./``,
  ``../``, ``C:\\`` — or end in a file extension, spaces or not: ``"/home/me/My Data/gtd.csv"``; the data package's
  enum values excepted), and no ``os``/``os.path``/``pathlib``/``glob``;
- code cells have at most :data:`MAX_CELL_LINES` lines of code;
- no stored outputs or execution counts, except in cells whose first line is ``# NBVAL_CHECK_OUTPUT``: those keep
  their (plain text) outputs and an execution count for nbval to compare; no papermill or execution metadata;
- kernelspec ``incidentkit`` (the project kernel, "Python (incidentkit)") and language ``python``.

Other modes:

- ``--strip NB...``: remove outputs, execution counts and papermill/execution metadata, keeping the outputs of the
  ``# NBVAL_CHECK_OUTPUT`` cells;
- ``--refresh-checked NB...``: execute each notebook on its defaults (project kernel, in the notebook's folder)
  and write back only the checked cells' outputs (run it after the curated data changes, then review the diff).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .check import check_paths, notebook_paths
from .strip import refresh_checked, strip_file


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: check notebooks (default), ``--strip`` them, or ``--refresh-checked`` their checked outputs."""
    parser = argparse.ArgumentParser(prog="python -m incidentkit.devtools.notebooks", description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--strip", action="store_true", help="strip outputs (checked cells keep theirs) in place")
    mode.add_argument("--refresh-checked", action="store_true",
                      help="execute the notebooks and write back the outputs of the # NBVAL_CHECK_OUTPUT cells")
    parser.add_argument("paths", nargs="+", help="notebooks or folders of notebooks")
    args = parser.parse_args(argv)
    notebooks = [nb for p in args.paths for nb in notebook_paths(p)]
    if not notebooks:
        print(f"no notebooks found in {', '.join(args.paths)}", file=sys.stderr)
        return 1
    if args.strip:
        for nb in notebooks:
            strip_file(nb)
            print(f"stripped {nb}")
        return 0
    if args.refresh_checked:
        for nb in notebooks:
            n = refresh_checked(nb)
            print(f"{nb}: refreshed {n} checked cell(s)")
        return 0
    problems = check_paths(notebooks)
    for v in problems:
        print(v)
    if problems:
        print(f"{len(problems)} problem(s) in {len({v.notebook for v in problems})} notebook(s)", file=sys.stderr)
        return 1
    print(f"{len(notebooks)} notebook(s) follow the style rules")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
