"""The contract's code lists (enums of ``data/datapackage.json``, resource ``incidents``) looked up by NAME.

A reader never uses the position of a value in ``datapackage.json``: it asks :func:`enum` for the list of a field and
turns names into codes with :meth:`Enum.code` / :meth:`Enum.codes`, so reordering or extending an enum in the data
package cannot silently change what a reader writes.

>>> precision = enum("date_precision")
>>> precision.categorical(np.array([precision.code("day")]))  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..schema import enum_values


@dataclass(frozen=True)
class Enum:
    """The values of one enum field of the incident schema, in the data package's order."""

    field: str
    values: tuple[str, ...]

    def code(self, name: str) -> int:
        """Return the code of ``name``; a name the enum lacks raises (a reader bug, never a data problem)."""
        try:
            return self.values.index(name)
        except ValueError:
            raise KeyError(f"{name!r} is not a value of incidents.{self.field} ({', '.join(self.values)})") from None

    def lut(self, mapping: Mapping[int, str], default: str | None) -> tuple[np.ndarray, int]:
        """Return a look-up array ``dataset code -> contract code`` for the dataset codes 0..max of ``mapping`` and
        the code of ``default`` (-1 for None), for :meth:`from_dataset_codes`."""
        size = max(mapping) + 1 if mapping else 1
        fill = -1 if default is None else self.code(default)
        lut = np.full(size, fill, dtype=np.int64)
        for key, name in mapping.items():
            lut[key] = self.code(name)
        return lut, fill

    def from_dataset_codes(self, values: np.ndarray, mapping: Mapping[int, str], default: str | None) -> np.ndarray:
        """Return contract codes for integer dataset codes (NaN or a code ``mapping`` lacks -> ``default``)."""
        lut, fill = self.lut(mapping, default)
        v = np.asarray(values, dtype="float64")
        ok = np.isfinite(v) & (v >= 0) & (v < len(lut))
        idx = np.where(ok, np.nan_to_num(v), 0).astype(np.int64)
        out = np.where(ok, lut[idx], fill)
        return out

    def full(self, n: int, name: str) -> pd.Categorical:
        """Return ``n`` rows all holding ``name``."""
        return self.categorical(np.full(n, self.code(name), dtype=np.int64))

    def categorical(self, codes: np.ndarray) -> pd.Categorical:
        """Return the categorical of contract codes (-1 = blank)."""
        return pd.Categorical.from_codes(np.asarray(codes, dtype=np.int64), categories=list(self.values))

    def from_names(self, names: pd.Series, mapping: Mapping[str, str], default: str) -> pd.Categorical:
        """Map text values through ``mapping`` (value -> contract name; others -> ``default``), once per distinct
        value."""
        cat = names if isinstance(names.dtype, pd.CategoricalDtype) else names.astype("category")
        lut = np.array([self.code(mapping.get(v, default)) for v in cat.cat.categories] + [self.code(default)],
                       dtype=np.int64)
        codes = cat.cat.codes.to_numpy()
        return self.categorical(lut[np.where(codes < 0, len(lut) - 1, codes)])


def enum(field: str) -> Enum:
    """Return the code list of the incident field ``field`` (from ``data/datapackage.json``)."""
    return Enum(field, tuple(enum_values("incidents", field)))
