"""``python -m incidentkit.data`` (``incidentkit data``): which curated tables this installation reads, and whether
they pass validation.

Prints the data folder and why it is the one in use (``INCIDENTKIT_DATA_DIR``, the checkout's ``data/``, or the
copy shipped in the installed package), the data package's name, version and licence, then one line per table:
its rows, or every problem validation found. Exit code 0 when every table is valid, 1 otherwise (a missing folder
included, with how to point the library at the data).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ..errors import DataValidationError, IncidentkitError
from ..paths import data_dir, data_origin
from .load import load_table
from .schema import load_datapackage, resource_names

ORIGINS = {
    "INCIDENTKIT_DATA_DIR": "set by INCIDENTKIT_DATA_DIR",
    "checkout": "the data/ folder of this checkout",
    "package": "the copy shipped in the installed package",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: show the data folder in use and validate every table of its data package."""
    parser = argparse.ArgumentParser(prog="incidentkit data", description=__doc__.split("\n\n")[0].split(": ", 1)[1])
    parser.parse_args(argv)
    folder = data_dir()
    print(f"data folder: {folder} ({ORIGINS[data_origin()]})")
    try:
        package = load_datapackage()
    except IncidentkitError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    licences = ", ".join(lic.get("name", "?") for lic in package.get("licenses", [])) or "not stated"
    print(f"data package: {package.get('name')} {package.get('version')} (licence {licences})")
    failed = 0
    for name in resource_names():
        try:
            rows = len(load_table(name))
        except DataValidationError as exc:
            failed += 1
            print(f"  {name}: INVALID, {exc}")
            continue
        except IncidentkitError as exc:
            failed += 1
            print(f"  {name}: cannot be read: {exc}")
            continue
        print(f"  {name}: {rows} rows, valid")
    if failed:
        print(f"{failed} table(s) failed validation", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
