"""The YAML loader of the report plan: PyYAML's safe loader, refusing duplicate keys.

PyYAML keeps the last of two equal keys in a mapping without a word (``{start: "2024-01-01", start: "2023-01-01"}``
silently means 2023), so a typo in a plan could change a report unnoticed. :class:`UniqueKeyLoader` records every
duplicate key with its line and column; :func:`compose_and_load` returns them with the document.
"""

from __future__ import annotations

from typing import Any

import yaml

_MERGE_TAG = "tag:yaml.org,2002:merge"


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


def compose_and_load(text: str) -> tuple[Any, Any, list[tuple[str, Any, str]]]:
    """Parse ``text`` once: its node tree (for line numbers), its data and the duplicate keys found (in file order).

    Raises :class:`yaml.YAMLError` for text that is not YAML or uses tags the safe loader does not allow.
    """
    loader = UniqueKeyLoader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
        return root, data, sorted(loader.duplicates, key=lambda d: tuple(int(n) for n in d[0].split(":")))
    finally:
        loader.dispose()
