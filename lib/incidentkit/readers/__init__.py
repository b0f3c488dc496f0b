"""Readers of GTD, ACLED and UCDP GED exports into the incident schema (with a Parquet cache)."""

from __future__ import annotations

from .gtd import read_gtd
from .report import RowsRejectedWarning

__all__ = ["RowsRejectedWarning", "read_gtd"]
