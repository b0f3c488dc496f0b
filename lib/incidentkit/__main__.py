"""The command line: ``incidentkit`` (installed as a script) or ``python -m incidentkit``.

One entry point in front of the commands the layers already have; each is delegated as it is, with its own options
and ``--help``:

- ``incidentkit reports run|check ...``: the report runner (:mod:`incidentkit.reports.__main__`, also installed as
  ``incidentkit-reports``);
- ``incidentkit notebooks [--strip | --refresh-checked] PATH...``: the notebook style checks
  (:mod:`incidentkit.devtools.notebooks`);
- ``incidentkit data``: the curated tables in use, validated (:mod:`incidentkit.data.__main__`).

``incidentkit --version`` prints the version and imports nothing else.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from . import __version__

#: command -> what it does (the help line; the command's own --help has the rest)
COMMANDS: dict[str, str] = {
    "reports": "render the report plan (reports run [--only NAME ...] [--force] [--jobs N]) or only validate it "
    "(reports check); the same as incidentkit-reports",
    "notebooks": "check that the analysis notebooks follow the style rules (notebooks PATH...), or --strip them, or "
    "--refresh-checked their checked outputs",
    "data": "show which curated tables are in use (INCIDENTKIT_DATA_DIR, the checkout or the installed copy) and "
    "validate them",
}


def _command(name: str) -> Callable[[list[str]], int]:
    """The ``main`` of a command, imported only when it runs (``--version`` and ``--help`` stay instant)."""
    if name == "reports":
        # lazy: the runner's modules load only for this command
        from .reports.__main__ import main as reports_main

        return reports_main
    if name == "notebooks":
        # lazy: nbformat loads only for this command
        from .devtools.notebooks import main as notebooks_main

        return notebooks_main
    # lazy: pandas loads only for this command
    from .data.__main__ import main as data_main

    return data_main


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser: ``--version``, ``--help`` and the list of commands."""
    parser = argparse.ArgumentParser(
        prog="incidentkit",
        description=f"incidentkit {__version__}: curated incident tables on Islamic State violence, GTD/ACLED/UCDP "
        "readers, and parameterised notebooks rendered into reports.",
        epilog="`incidentkit COMMAND --help` shows a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"incidentkit {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    for name, text in COMMANDS.items():
        commands.add_parser(name, help=text, add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``incidentkit`` and ``python -m incidentkit``; returns the exit code of the command run.

    Without arguments it prints the help (exit 0); an unknown command is an error (exit 2).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] in COMMANDS:
        return _command(args[0])(args[1:])
    parser = build_parser()
    parser.parse_args(args)  # --version, --help and unknown commands exit here
    parser.print_help()
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
