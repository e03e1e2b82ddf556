"""RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD against pinned, installed contexts, never the network."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from typing import Any

from cachetools import LRUCache
from openbadgeslib.ob3.contexts import load_context
from pyld import jsonld
from pyld.canon import URDNA2015
from pyld.context_resolver import ContextResolver

from claims.openbadges.expansion_templates import ExpansionTemplates

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3P0 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"

# Exact URLs whose documents the installed openbadgeslib pins. The unversioned OB context URL is left out on
# purpose: what its host serves differs from the pinned copy, so canonicalising against that copy could make
# us vouch for terms the issuer never meant.
PINNED_CONTEXTS = frozenset(
    {
        VC_V2,
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        OB_V3P0,
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        "https://w3id.org/security/data-integrity/v2",
        "https://w3id.org/security/multikey/v1",
    }
)

# Documents reach the canonicaliser before any signature has been checked, so their size and depth are
# bounded first; ours are about 2 KB deep by 5.
MAX_DOCUMENT_BYTES = 64 * 1024
MAX_DEPTH = 24

# Resolved pinned contexts, shared by every call: their content never changes within a process, and
# re-processing them is most of the cost of a signature. Kept apart from pyld's process-wide cache so that
# nothing else loaded into the process can put a different document under one of our URLs.
_RESOLVED = LRUCache(maxsize=64)
# pyld's context caches are plain dicts and LRUs, not safe to share between threads.
_LOCK = threading.Lock()
# Expanded shapes of the documents we sign, shared by every signature of the process (see the module).
_TEMPLATES = ExpansionTemplates()


class CanonicalizationError(ValueError):
    """A document cannot be canonicalised: unknown context, bad JSON-LD, too big, or too costly to canonicalise."""


def compact_json(document: Mapping[str, Any]) -> str:
    """The serialised form we bake and serve: no spaces (it goes into every image), UTF-8 as is."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"))


def _pinned_loader(url: str, options: Any = None) -> dict[str, Any]:
    if url not in PINNED_CONTEXTS:
        raise CanonicalizationError(f"JSON-LD context {url!r} is not pinned; remote contexts are never fetched")
    # 'static' lets pyld keep the processed context in _RESOLVED instead of rebuilding it every call.
    return {"contextUrl": None, "documentUrl": url, "document": load_context(url), "tag": "static"}


class _FirstDegreeOnly(URDNA2015):
    """RDFC-1.0 restricted to datasets whose blank nodes all differ in their first-degree hash.

    Telling identical blank nodes apart (Hash N-Degree Quads) tries their permutations: a few KB of hostile
    JSON-LD can keep a CPU busy for minutes, before any signature can be checked. The documents we issue never
    need it, so a document that does is refused instead of canonicalised.
    """

    def hash_n_degree_quads(self, id_: str, issuer: Any) -> Any:
        raise CanonicalizationError("refusing a document with indistinguishable blank nodes")


def _depth(value: Any, limit: int) -> int:
    stack = [(value, 1)]
    deepest = 0
    while stack:
        item, level = stack.pop()
        deepest = max(deepest, level)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)
    return deepest


def check_bounds(document: Mapping[str, Any]) -> None:
    size = len(json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    if size > MAX_DOCUMENT_BYTES:
        raise CanonicalizationError(f"document of {size} bytes is over the {MAX_DOCUMENT_BYTES}-byte limit")
    if _depth(document, MAX_DEPTH) > MAX_DEPTH:
        raise CanonicalizationError(f"document nested deeper than {MAX_DEPTH}")


def canonical_nquads(document: Mapping[str, Any], *, reuse_expansion: bool = False) -> str:
    """The RDFC-1.0 (URDNA2015) canonical N-Quads of a JSON-LD document.

    ``reuse_expansion``: expand through the shape templates (expansion_templates), for documents we
    sign ourselves; verification leaves it off and expands whatever it is given.
    """
    check_bounds(document)
    options = {
        "base": "",
        "documentLoader": _pinned_loader,
        "contextResolver": ContextResolver(_RESOLVED, _pinned_loader),
        "produceGeneralizedRdf": False,
        "processingMode": "json-ld-1.1",
        "extractAllScripts": False,
    }
    try:
        with _LOCK:
            processor = jsonld.JsonLdProcessor()
            if reuse_expansion:
                expanded = _TEMPLATES.expand(document, lambda d: processor.expand(d, dict(options)))
                dataset = processor.to_rdf(expanded, dict(options))
            else:
                dataset = processor.to_rdf(dict(document), options)
            return _FirstDegreeOnly().main(dataset, {"format": "application/n-quads"})
    except CanonicalizationError:
        raise
    except jsonld.JsonLdError as exc:
        cause = _root_cause(exc)
        if isinstance(cause, CanonicalizationError):
            raise cause from None
        raise CanonicalizationError(f"not valid JSON-LD: {cause}") from exc
    except RecursionError:
        raise CanonicalizationError("document nested too deeply") from None


def _root_cause(exc: BaseException) -> BaseException:
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return exc


def require_plain_terms(document: Mapping[str, Any]) -> None:
    """Refuse JSON whose reading could differ from the RDF a proof signs.

    A proof covers the RDF dataset, while verification reads JSON members. Full IRIs, compact IRIs or
    JSON-LD keywords spelled out (``"@value"``, ``"…#validUntil"``) can express a signed fact under another
    key, which a JSON reader would miss; with only pinned contexts and plain terms, each fact has one spelling.
    """
    contexts = document.get("@context")
    if not isinstance(contexts, list) or not contexts or not all(isinstance(c, str) for c in contexts):
        raise CanonicalizationError("@context must be a list of context URLs")
    unknown = [c for c in contexts if c not in PINNED_CONTEXTS]
    if unknown:
        raise CanonicalizationError(f"JSON-LD context {unknown[0]!r} is not pinned")
    stack: list[Any] = [{k: v for k, v in document.items() if k != "@context"}]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key.startswith("@") or ":" in key:
                    raise CanonicalizationError(f"member {key!r} is not a plain term")
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
