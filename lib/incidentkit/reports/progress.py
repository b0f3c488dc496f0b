"""What a run says while it runs: a tqdm bar on a terminal, one plain line per finished report otherwise (CI logs,
cron mail), and the closing line that counts what was executed, reused, failed, stale and not run."""

from __future__ import annotations

import sys
from typing import Any


class Progress:
    """Progress of a run on ``stream`` (stderr by default); ``enabled`` None: a bar only when it is a terminal."""

    def __init__(self, enabled: bool | None, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.total = 0
        self.done = 0
        self.bar: Any = None

    def start(self, total: int) -> None:
        """``total`` reports are about to be executed."""
        self.total = total
        use_bar = self.enabled if self.enabled is not None else bool(getattr(self.stream, "isatty", lambda: False)())
        if use_bar and total:
            from tqdm import tqdm  # lazy (run.py's docstring): only a terminal gets a bar

            self.bar = tqdm(total=total, file=self.stream, unit="report", desc="reports", dynamic_ncols=True)

    def log(self, message: str) -> None:
        """One line of the log (above the bar, if any)."""
        if self.bar is not None:
            self.bar.write(message, file=self.stream)
        else:
            print(message, file=self.stream, flush=True)

    def finished(self, record: dict[str, Any]) -> None:
        """A report has been executed (ok or failed)."""
        self.done += 1
        line = f"[{self.done}/{self.total}] {record['status'].upper():6} {record['name']} ({record['duration']:.1f} s)"
        if record.get("error"):
            line += f": {record['error']}"
        if self.bar is not None:
            if record["status"] == "failed":
                self.bar.write(line, file=self.stream)
            self.bar.set_postfix_str(record["name"][:30])
            self.bar.update(1)
        else:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        """Remove the bar."""
        if self.bar is not None:
            self.bar.close()


def outcome_line(records: list[dict[str, Any]], run_id: str) -> str:
    """What a run did, for the log: ``"3 executed ok, 12 reused, 1 failed (1 carried over), 2 stale, 1 not run"``.

    Only reports executed in this run count as "executed ok"; reused, stale and not-run reports are named as
    such, and a failure carried over from an earlier run (``--only``) is counted as failed and said to be carried.
    """
    count = {s: sum(r["status"] == s for r in records) for s in ("ok", "reused", "failed", "stale", "not-run")}
    carried = sum(r["status"] == "failed" and r.get("executed_in") != run_id for r in records)
    parts = [f"{count['ok']} executed ok", f"{count['reused']} reused", f"{count['failed']} failed"]
    if carried:
        parts[-1] += f" ({carried} carried over)"
    if count["stale"]:
        parts.append(f"{count['stale']} stale")
    if count["not-run"]:
        parts.append(f"{count['not-run']} not run")
    return ", ".join(parts)
