"""The datasets the readers know: one line per dataset module, and the names datasets are shown by.

Adding a dataset is one module declaring a :class:`~incidentkit.data.readers.spec.DatasetSpec` (``SPEC``) and one
line in :data:`BUILT_IN` (docs/readers.md "Adding a dataset"). :func:`register` adds one at run time (a plug-in, or a
test's fake dataset); :func:`registered` does it for the duration of a ``with`` block.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from . import acled, gtd, ucdp
from .spec import DatasetSpec

#: The built-in datasets, in the order a header is tried against them (a tie between two is no match).
BUILT_IN: tuple[DatasetSpec, ...] = (
    gtd.SPEC,
    acled.SPEC,
    ucdp.SPEC,
)
#: ``source_dataset`` of the project's own curated tables, and how it is shown.
CURATED = "curated"
CURATED_NAME = "incidentkit curated table"

_DATASETS: dict[str, DatasetSpec] = {spec.key: spec for spec in BUILT_IN}


def datasets() -> dict[str, DatasetSpec]:
    """Return the registered datasets by key (a copy: register with :func:`register`)."""
    return dict(_DATASETS)


def spec_of(key: str) -> DatasetSpec:
    """Return the spec of a registered dataset (KeyError naming the known ones)."""
    try:
        return _DATASETS[key]
    except KeyError:
        raise KeyError(f"no dataset {key!r}; known: {', '.join(_DATASETS)}") from None


def register(spec: DatasetSpec) -> None:
    """Register a dataset (its key must be new)."""
    if spec.key in _DATASETS or spec.key == CURATED:
        raise ValueError(f"a dataset {spec.key!r} is already registered")
    _DATASETS[spec.key] = spec


def unregister(key: str) -> None:
    """Remove a dataset added with :func:`register` (the built-in ones stay)."""
    if any(s.key == key for s in BUILT_IN):
        raise ValueError(f"{key!r} is a built-in dataset")
    _DATASETS.pop(key, None)


@contextmanager
def registered(spec: DatasetSpec) -> Iterator[DatasetSpec]:
    """Register ``spec`` for the duration of a ``with`` block."""
    register(spec)
    try:
        yield spec
    finally:
        unregister(spec.key)


def source_datasets() -> tuple[str, ...]:
    """Return the values ``source_dataset`` can take: "curated", then every registered dataset."""
    return (CURATED, *_DATASETS)


def dataset_name(key: object) -> str:
    """Return how a ``source_dataset`` value is shown ("GTD", "ACLED", "UCDP GED", "incidentkit curated table");
    an unknown value is shown as it is."""
    if key == CURATED:
        return CURATED_NAME
    spec = _DATASETS.get(str(key))
    return spec.name if spec else str(key)
