"""Reusing the JSON-LD expansion of a document shape: what makes signing a credential cheap.

Expanding a credential (processing its contexts, term by term) is most of what canonicalising it costs,
yet every credential we issue has one of a handful of shapes whose strings alone differ. A shape is
expanded once with an absolute-IRI placeholder in place of each string; the placeholders that come out
of expansion unchanged, as an ``@value`` or an ``@id``, are where later documents of that shape put their
own strings. A literal (``@value``) slot takes any string. An ``@id`` slot takes only an absolute IRI of
the kinds we issue, which every IRI position (``@id`` or ``@vocab``) keeps as it is; a path whose value is
anything else there (a ``@vocab`` word such as ``emailAddress``) becomes part of the shape, learnt once.
Anything unusual (a placeholder lost or moved) falls back to expanding the document itself. Used only when signing our own
documents: verification always expands what it is given.
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from cachetools import LRUCache

Expand = Callable[[dict[str, Any]], list[Any]]
Path = tuple[str, ...]

# Absolute IRIs of the kinds we issue: expansion leaves them as they are in an @id.
_PLAIN_IRI = re.compile(r"^(https?://[^\s<>\"{}|\\^`]+|did:web:[A-Za-z0-9.%:_-]+(#[A-Za-z0-9_-]+)?|urn:uuid:[0-9a-f-]+)$")
# Never part of a shape's strings: contexts and types steer expansion itself.
_STRUCTURAL_KEYS = frozenset({"@context", "type", "@type"})
_PLACEHOLDER = "urn:bcslot:{}:x"  # the closing ":x" keeps slot 1 from being a prefix of slot 10
_MAX_LEARNING = 8


class ExpansionTemplates:
    def __init__(self, maxsize: int = 64) -> None:
        self._templates: LRUCache[Any, Template | None] = LRUCache(maxsize=maxsize)
        self._structural: set[Path] = set()
        self._lock = threading.Lock()

    def expand(self, document: Mapping[str, Any], expand: Expand) -> list[Any]:
        """The expanded form of ``document``, from its shape's template when it has a usable one."""
        for _ in range(_MAX_LEARNING):
            strings: list[str] = []
            key = _shape(document, (), strings, self._structural)
            with self._lock:
                known = key in self._templates
                template = self._templates.get(key)
            if not known:
                template = self._learn(document, len(strings), key, expand)
                if template is _RETRY:
                    continue
            if template is None:
                return expand(dict(document))
            filled = _fill(template, strings)
            if isinstance(filled, list):
                return filled
            with self._lock:  # a word where the shape had an IRI: that path's strings are part of the shape
                self._structural.add(filled)
        return expand(dict(document))

    def _learn(self, document: Mapping[str, Any], count: int, key: Any, expand: Expand) -> Any:
        placeholders = [_PLACEHOLDER.format(i) for i in range(count)]
        paths: list[Path] = []
        probe = _substitute(document, (), iter(placeholders), paths, self._structural)
        expanded = expand(probe)
        found: dict[int, str] = {}
        _locate(expanded, found, {p: i for i, p in enumerate(placeholders)})
        missing = [i for i in range(len(placeholders)) if i not in found]
        if missing:
            with self._lock:
                self._structural.update(paths[i] for i in missing)
            return _RETRY
        if not _placeholders_only_where_found(expanded, set(placeholders)):
            with self._lock:
                self._templates[key] = None
            return None
        template = Template(expanded, found, tuple(paths))
        with self._lock:
            self._templates[key] = template
        return template


_RETRY = object()


class Template(NamedTuple):
    expanded: list[Any]
    kinds: dict[int, str]  # slot -> "@value" or "@id"
    paths: tuple[Path, ...]  # slot -> where its string sits in the document


def _shape(node: Any, path: Path, strings: list[str], structural: set[Path]) -> Any:
    if isinstance(node, Mapping):
        return ("{", tuple(
            (k, ("=", repr(v)) if k in _STRUCTURAL_KEYS else _shape(v, path + (k,), strings, structural))
            for k, v in node.items()
        ))
    if isinstance(node, list):
        return ("[", tuple(_shape(v, path, strings, structural) for v in node))
    if isinstance(node, str) and path not in structural:
        strings.append(node)
        return "$"
    return ("=", repr(node))


def _substitute(node: Any, path: Path, placeholders: Any, paths: list[Path], structural: set[Path]) -> Any:
    if isinstance(node, Mapping):
        return {k: v if k in _STRUCTURAL_KEYS else _substitute(v, path + (k,), placeholders, paths, structural)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(v, path, placeholders, paths, structural) for v in node]
    if isinstance(node, str) and path not in structural:
        paths.append(path)
        return next(placeholders)
    return node


def _locate(node: Any, found: dict[int, str], index: dict[str, int]) -> None:
    """Record which placeholders stand verbatim as a whole @value or @id (a placeholder seen twice is
    recorded once: _placeholders_only_where_found then refuses the template)."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("@value", "@id") and isinstance(v, str) and v in index:
                found.setdefault(index[v], k)
            else:
                _locate(v, found, index)
    elif isinstance(node, list):
        for v in node:
            _locate(v, found, index)


def _placeholders_only_where_found(node: Any, placeholders: set[str]) -> bool:
    seen: list[str] = []

    def walk(item: Any) -> bool:
        if isinstance(item, dict):
            for k, v in item.items():
                if any(p in k for p in placeholders):
                    return False
                if k in ("@value", "@id") and isinstance(v, str) and v in placeholders:
                    seen.append(v)
                elif not walk(v):
                    return False
            return True
        if isinstance(item, list):
            return all(walk(v) for v in item)
        return not (isinstance(item, str) and any(p in item for p in placeholders))

    return walk(node) and len(seen) == len(set(seen))


def _fill(template: Template, strings: list[str]) -> list[Any] | Path:
    """The template with ``strings`` in its slots, or the path of a string an @id slot cannot take."""
    for index, kind in template.kinds.items():
        if kind == "@id" and not _PLAIN_IRI.match(strings[index]):
            return template.paths[index]
    by_placeholder = {_PLACEHOLDER.format(i): s for i, s in enumerate(strings)}
    filled = copy.deepcopy(template.expanded)
    _replace(filled, by_placeholder)
    return filled


def _replace(node: Any, values: dict[str, str]) -> None:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("@value", "@id") and isinstance(v, str) and v in values:
                node[k] = values[v]
            else:
                _replace(v, values)
    elif isinstance(node, list):
        for v in node:
            _replace(v, values)
