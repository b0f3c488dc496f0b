"""The YAML loader of the report plan: PyYAML's safe loader, bounded, refusing duplicate keys.

Safe by construction:

- the plan file may hold at most :data:`MAX_PLAN_BYTES` bytes (read no further);
- the document is composed into nodes first and measured before any Python value is built: at most
  :data:`MAX_NODES` nodes counting every alias as the copy it stands for, so a "billion laughs" plan (anchors of
  anchors) is refused in milliseconds instead of filling memory; an alias inside its own anchor is refused;
  nesting deeper than Python's recursion allows is refused;
- PyYAML keeps the last of two equal keys in a mapping without a word (``{start: "2024-01-01", start:
  "2023-01-01"}`` silently means 2023): :class:`UniqueKeyLoader` records every duplicate key with its line and
  column, and :func:`compose_and_load` returns them with the document.

Sizes of names, strings and lists are bounded by the plan checker (:mod:`incidentkit.reports.plan`) and the
parameter rules (:mod:`incidentkit.data.parameters`).
"""

from __future__ import annotations

from typing import Any

import yaml

_MERGE_TAG = "tag:yaml.org,2002:merge"
#: Most bytes in a plan file.
MAX_PLAN_BYTES = 1 << 20
#: Most YAML nodes in a plan, every alias counted as the copy of its anchor's nodes it stands for.
MAX_NODES = 50_000


class PlanSizeError(ValueError):
    """The plan is too big or too deep to be read safely; the message says which limit and where."""


def mark(node: Any) -> str:
    """``line:column`` (1-based) where a YAML node starts, or ``?``."""
    start = getattr(node, "start_mark", None)
    return f"{start.line + 1}:{start.column + 1}" if start is not None else "?"


class UniqueKeyLoader(yaml.SafeLoader):
    """A :class:`yaml.SafeLoader` that notes every key given twice in the same mapping (in ``duplicates``)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        #: ``(line:column of the repeated key, the key, line:column of its first use)``, in document order.
        self.duplicates: list[tuple[str, Any, str]] = []

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, str] = {}
            for key_node, _value_node in node.value:
                if key_node.tag == _MERGE_TAG:  # "<<: *defaults" may be overridden on purpose
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    seen = key in first
                except TypeError:  # an unhashable key: the safe loader itself reports it
                    continue
                if seen:
                    self.duplicates.append((mark(key_node), key, first[key]))
                else:
                    first[key] = mark(key_node)
        return super().construct_mapping(node, deep=deep)


def expanded_size(root: Any) -> int:
    """The number of nodes of the document with every alias expanded, computed without expanding anything.

    Raises :class:`PlanSizeError` past :data:`MAX_NODES` (naming where the count passed it) and for an alias inside
    its own anchor (a structure that contains itself).
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: Any) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in open_nodes:
            raise PlanSizeError(f"{mark(node)}: an alias refers to a node that contains it (a recursive structure)")
        open_nodes.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            children = []
        for child in children:
            total += size(child)
            if total > MAX_NODES:
                raise PlanSizeError(
                    f"{mark(node)}: the plan expands to more than {MAX_NODES:,} values (YAML aliases count once per "
                    "use); write a smaller plan, or fewer aliases of aliases"
                )
        open_nodes.discard(key)
        sizes[key] = total
        return total

    return size(root) if root is not None else 0


def compose_and_load(text: str) -> tuple[Any, Any, list[tuple[str, Any, str]]]:
    """Parse ``text`` once: its node tree (for line numbers), its data and the duplicate keys found (in file order).

    Raises :class:`yaml.YAMLError` for text that is not YAML or uses tags the safe loader does not allow, and
    :class:`PlanSizeError` for a document past the limits (measured before it is built).
    """
    loader = UniqueKeyLoader(text)
    try:
        try:
            root = loader.get_single_node()
            expanded_size(root)
        except RecursionError:
            raise PlanSizeError("the plan is nested too deeply to be read (lists or mappings inside each other)") from None
        data = loader.construct_document(root) if root is not None else None
        return root, data, sorted(loader.duplicates, key=lambda d: tuple(int(n) for n in d[0].split(":")))
    finally:
        loader.dispose()
