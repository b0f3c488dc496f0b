"""A kernel reused for the next report is as good as a fresh one (starts one kernel, ~5 s on 2 cores).

What a notebook may leave in its kernel (its variables, the execution count, open figures, matplotlib settings,
warning filters and the "shown once" registry, the working folder) is undone by the reset; a failed report's kernel
is never handed on.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from incidentkit.reports.kernels import Kernels

pytestmark = pytest.mark.notebooks

NOTEBOOKS = Path(__file__).resolve().parent / "fixtures" / "reports" / "notebooks"

LEAVE_BEHIND = """\
secret = 42
import os, warnings, matplotlib, matplotlib.pyplot as plt
matplotlib.rcParams["lines.linewidth"] = 9.0
warnings.simplefilter("ignore")
plt.figure()
os.chdir("/")
"""

LOOK = {
    "names": "sorted(k for k in globals() if not k.startswith('_') and k not in ('In', 'Out', 'exit', 'quit', 'open', "
    "'get_ipython'))",
    "count": "get_ipython().execution_count",
    "linewidth": "__import__('matplotlib').rcParams['lines.linewidth']",
    "filters": "len(__import__('warnings').filters)",
    "first_filter": "__import__('warnings').filters[0][0]",
    "figures": "__import__('matplotlib.pyplot').pyplot.get_fignums()",
    "cwd": "__import__('os').getcwd()",
    "warm": "'pandas' in __import__('sys').modules and 'incidentkit' in __import__('sys').modules",
}


def _look(kernel: Any, code: str = "") -> dict[str, str]:
    client = kernel.manager.blocking_client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        reply = client.execute_interactive(code, user_expressions=LOOK, timeout=60, output_hook=lambda _m: None)
        return {k: v["data"]["text/plain"] for k, v in reply["content"]["user_expressions"].items()}
    finally:
        client.stop_channels()


def test_a_reset_kernel_is_as_good_as_a_fresh_one(tmp_path: Path) -> None:
    kernels = Kernels()
    try:
        kernel = kernels.take("incidentkit", str(NOTEBOOKS), {}, str(tmp_path))
        fresh = _look(kernel)
        assert fresh["warm"] == "True" and fresh["names"] == "[]" and fresh["cwd"] == repr(str(NOTEBOOKS))
        dirty = _look(kernel, LEAVE_BEHIND)
        assert "secret" in dirty["names"] and dirty["linewidth"] == "9.0" and dirty["cwd"] == "'/'"
        assert dirty["first_filter"] == "'ignore'"  # (the inline backend closes figures itself)
        kernels.give_back(kernel, succeeded=True)
        again = kernels.take("incidentkit", str(NOTEBOOKS), {}, str(tmp_path))
        assert again is kernel  # the same kernel, reset
        after = _look(again)
        assert after == fresh
    finally:
        kernels.close()


def test_a_failed_reports_kernel_is_not_handed_on(tmp_path: Path) -> None:
    kernels = Kernels()
    try:
        kernel = kernels.take("incidentkit", str(NOTEBOOKS), {}, str(tmp_path))
        kernels.give_back(kernel, succeeded=False)
        fresh = kernels.take("incidentkit", str(NOTEBOOKS), {}, str(tmp_path))
        assert fresh is not kernel and not kernel.private.exists()
        kernels.give_back(fresh, succeeded=True)
        other = kernels.take("incidentkit", str(NOTEBOOKS), {"INCIDENTKIT_SOURCE_DIRS": "/srv"}, str(tmp_path))
        assert other is not fresh  # another environment: not the waiting kernel
        kernels.give_back(other, succeeded=False)
    finally:
        kernels.close()
