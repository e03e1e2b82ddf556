"""Baking Open Badges into SVG elements and reading them back, leaving the rest of the document intact."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element, ParseError
from xml.parsers import expat

import defusedxml
import defusedxml.ElementTree

from claims.openbadges.baking_types import (
    BAD_PAYLOAD,
    MAX_IMAGE_BYTES,
    MAX_PAYLOAD_BYTES,
    NOT_SVG,
    TOO_LARGE,
    UNSAFE_XML,
    UNSUPPORTED_ENCODING,
    BakedPayloads,
    BakeError,
    check_image_size,
)

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
# OB 2.0 and OB 3.0 baking specifications. Both use the prefix "openbadges" for different namespaces, so
# elements are found by (namespace, local name), never by prefixed name.
OB2_NAMESPACE = "http://openbadges.org"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
_PREFIX = "openbadges"
_OB2_TAG = f"{{{OB2_NAMESPACE}}}assertion"
_OB3_TAG = f"{{{OB3_NAMESPACE}}}credential"
_ROOT_TAGS = frozenset((f"{{{SVG_NAMESPACE}}}svg", "svg"))
# Separator for expat's namespace processing: "uri localname" (a space cannot occur in either).
_EXPAT_TAGS = {f"{OB2_NAMESPACE} assertion": _OB2_TAG, f"{OB3_NAMESPACE} credential": _OB3_TAG}

_XML_SPACE = " \t\r\n"
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# A start tag of a document expat has already accepted: name, attributes with quoted values, > or />.
_START_TAG = re.compile(rb"""<([^\s/>]+)(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*(/?)>""")
_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)


def bake_svg(
    svg: bytes | str,
    *,
    ob2: str | None = None,
    ob2_verify: str | None = None,
    ob3: str | None = None,
    max_bytes: int = MAX_IMAGE_BYTES,
) -> bytes:
    """Return the UTF-8 SVG with ``<openbadges:assertion>`` (OB 2.0) and/or ``<openbadges:credential>``
    (OB 3.0) as the first children of its root.

    A payload given replaces every existing element of its kind; one left ``None`` keeps what is there.
    ``ob2_verify`` defaults to the assertion's ``id`` (hosted badge, JSON in CDATA); an ``ob2`` that is not
    JSON is taken as a signed badge's JWS (or a hosted badge's URL) and becomes the ``verify`` attribute
    itself, with no content. The OB 3.0 element declares its namespace locally, since the root's
    ``openbadges`` prefix belongs to OB 2.0. Nothing else in the document changes but the elements inserted
    and removed and the root's namespace declaration.
    """
    if ob2_verify is not None and ob2 is None:
        raise BakeError(BAD_PAYLOAD, "ob2_verify needs the ob2 payload it verifies")
    document = _as_bytes(svg, max_bytes)
    _parse_safely(document)
    layout = _locate(document)

    edits: list[tuple[int, int, bytes]] = []  # (start, end, replacement)
    for tag, payload in ((_OB2_TAG, ob2), (_OB3_TAG, ob3)):
        if payload is not None:
            edits += [(start, end, b"") for start, end, _ in layout.badges(tag)]

    front = b""
    if ob2 is not None:
        verify, content = _ob2_parts(_check_payload(ob2), ob2_verify)
        local_namespace = None if layout.root_prefix_uri in (None, OB2_NAMESPACE) else OB2_NAMESPACE
        front += _element("assertion", local_namespace, verify, content)
        if layout.root_prefix_uri is None:
            # OB 2.0 baking spec: the namespace is declared on the root <svg>.
            name_end = layout.root_start + 1 + len(layout.root_name)
            edits.append((name_end, name_end, f' xmlns:{_PREFIX}="{OB2_NAMESPACE}"'.encode()))
    if ob3 is not None:
        ob3_element = _element("credential", OB3_NAMESPACE, None, _check_payload(ob3))
        kept_ob2 = layout.badges(_OB2_TAG)
        if ob2 is None and kept_ob2 and kept_ob2[0][2]:
            # Keep a kept OB 2.0 element first among the root's children, as its spec asks.
            edits.append((kept_ob2[0][1], kept_ob2[0][1], ob3_element))
        else:
            front += ob3_element
    if front and layout.root_empty:
        closed_root = b">" + front + b"</" + layout.root_name + b">"
        edits.append((layout.root_tag_end - 2, layout.root_tag_end, closed_root))
    elif front:
        edits.append((layout.root_tag_end, layout.root_tag_end, front))

    pieces, position = [], 0
    # An insertion sorts before a removal starting at the same byte (end == start comes first).
    for start, end, replacement in sorted(edits, key=lambda edit: (edit[0], edit[1])):
        if start < position:
            continue  # a badge element nested in one already removed goes with it
        pieces += [document[position:start], replacement]
        position = end
    pieces.append(document[position:])
    return b"".join(pieces)


def unbake_svg(data: bytes | str, *, max_bytes: int = MAX_IMAGE_BYTES) -> BakedPayloads:
    """Return the badge payloads of an SVG; the first element of each kind in document order wins.

    An element's payload is its text content (CDATA). Without content, a ``verify`` attribute holding a
    JWS (signed badge) is the payload; one holding a URL (hosted badge) leaves ``ob2`` ``None`` with the URL
    in ``ob2_verify``, for the verifier to fetch. XML whitespace around a payload is not part of it.
    """
    root = _parse_safely(_as_bytes(data, max_bytes))
    ob2, ob2_verify = _element_payload(next(root.iter(_OB2_TAG), None))
    ob3, _ = _element_payload(next(root.iter(_OB3_TAG), None))
    return BakedPayloads(ob2=ob2, ob3=ob3, ob2_verify=ob2_verify)


def looks_like_xml(data: bytes | bytearray | memoryview | str) -> bool:
    """Whether ``data`` starts like an XML document (after a UTF-8 byte order mark and whitespace)."""
    if isinstance(data, str):
        return data.lstrip("\ufeff" + _XML_SPACE).startswith("<")
    head = bytes(data[:1024]).removeprefix(b"\xef\xbb\xbf")
    return head.lstrip(_XML_SPACE.encode()).startswith(b"<")


def _as_bytes(svg: bytes | bytearray | memoryview | str, max_bytes: int) -> bytes:
    check_image_size(svg, max_bytes)
    if isinstance(svg, str):
        # A lone surrogate cannot be encoded; the parser then refuses the document as not well-formed.
        svg = svg.encode("utf-8", "surrogatepass")
        check_image_size(svg, max_bytes)
    return bytes(svg)


def _parse_safely(document: bytes) -> Element:
    try:
        # defusedxml refuses entity declarations (billion laughs, XXE) and external references.
        root = defusedxml.ElementTree.fromstring(document)
    except defusedxml.DefusedXmlException as exc:
        raise BakeError(UNSAFE_XML, f"refused unsafe XML: {exc}") from exc
    except (ParseError, ValueError, LookupError) as exc:
        raise BakeError(NOT_SVG, f"not well-formed XML: {exc}") from exc
    if root.tag not in _ROOT_TAGS:
        raise BakeError(NOT_SVG, f"the root element is {root.tag!r}, not <svg>")
    return root


def _element_payload(element: Element | None) -> tuple[str | None, str | None]:
    """(payload, verify attribute) of a badge element: its content, else a verify that is not a URL."""
    if element is None:
        return None, None
    verify = (element.get("verify") or "").strip(_XML_SPACE) or None
    content = "".join(element.itertext()).strip(_XML_SPACE)
    if content:
        return content, verify
    if verify is None:
        raise BakeError(BAD_PAYLOAD, "a badge element with neither content nor verify attribute")
    if verify.lower().startswith(("http://", "https://")):
        return None, verify  # hosted, without the assertion: it is fetched from the verify URL
    return verify, verify  # signed: the verify attribute is the JWS


@dataclass
class _Layout:
    """Where things are in the document's bytes, as expat saw them."""

    root_start: int = -1
    root_tag_end: int = -1
    root_empty: bool = False
    root_name: bytes = b""
    root_prefix_uri: str | None = None  # what the root binds "openbadges" to
    # (tag, start, end, is a child of the root) of every badge element
    badge_spans: list[tuple[str, int, int, bool]] = field(default_factory=list)

    def badges(self, tag: str) -> list[tuple[int, int, bool]]:
        """(start, end, is a child of the root) of the ``tag`` elements, in document order."""
        return sorted((start, end, child) for kind, start, end, child in self.badge_spans if kind == tag)


def _locate(document: bytes) -> _Layout:
    """Find the root start tag and the spans of existing badge elements.

    Runs after defusedxml accepted the document, so this plain expat pass sees no entity declarations.
    """
    if document[:2] in (b"\xfe\xff", b"\xff\xfe") or b"\x00" in document[:4]:
        raise BakeError(UNSUPPORTED_ENCODING, "only UTF-8 SVG can be baked")
    layout = _Layout()
    parser = expat.ParserCreate(namespace_separator=" ")
    declared: dict[str, str] = {}
    depth = 0
    open_badge: list[tuple[str, int, int, int, bool]] = []  # (tag, depth, start, tag end, is empty)

    def on_xml_declaration(version: str, encoding: str | None, standalone: int) -> None:
        if encoding is not None and encoding.lower() not in ("utf-8", "utf8"):
            raise BakeError(UNSUPPORTED_ENCODING, f"only UTF-8 SVG can be baked, not {encoding}")

    def on_namespace(prefix: str | None, uri: str) -> None:
        declared[prefix or ""] = uri

    def on_start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        start = parser.CurrentByteIndex
        tag = _EXPAT_TAGS.get(name)
        if depth == 1 or tag is not None:
            match = _START_TAG.match(document, start)
            if match is None:  # expat accepted it, so this only guards the regular expression
                raise BakeError(NOT_SVG, f"unreadable start tag at byte {start}")
            if depth == 1:
                layout.root_start, layout.root_tag_end = start, match.end()
                layout.root_name, layout.root_empty = match[1], bool(match[2])
                layout.root_prefix_uri = declared.get(_PREFIX)
            else:
                open_badge.append((tag, depth, start, match.end(), bool(match[2])))
        declared.clear()

    def on_end(name: str) -> None:
        nonlocal depth
        if open_badge and open_badge[-1][1] == depth:
            tag, _, start, tag_end, empty = open_badge.pop()
            # For <x/> expat reports the end after the tag; otherwise it points at "</x>".
            end = tag_end if empty else document.index(b">", parser.CurrentByteIndex) + 1
            layout.badge_spans.append((tag, start, end, depth == 2))
        depth -= 1

    parser.XmlDeclHandler = on_xml_declaration
    parser.StartNamespaceDeclHandler = on_namespace
    parser.StartElementHandler = on_start
    parser.EndElementHandler = on_end
    try:
        parser.Parse(document, True)
    except expat.ExpatError as exc:
        raise BakeError(NOT_SVG, f"not well-formed XML: {exc}") from exc
    return layout


def _check_payload(text: str) -> str:
    if not isinstance(text, str) or not text.strip(_XML_SPACE):
        raise BakeError(BAD_PAYLOAD, "a badge payload must be a non-empty string")
    if _NOT_XML_CHAR.search(text):
        raise BakeError(BAD_PAYLOAD, "a badge payload may only hold characters XML allows")
    if len(text) > MAX_PAYLOAD_BYTES or len(text.encode("utf-8")) > MAX_PAYLOAD_BYTES:
        raise BakeError(TOO_LARGE, f"a badge payload may not exceed {MAX_PAYLOAD_BYTES} bytes")
    return text


def _ob2_parts(ob2: str, ob2_verify: str | None) -> tuple[str | None, str | None]:
    """(verify attribute, CDATA content) of the OB 2.0 element."""
    if ob2_verify is not None:
        return _check_payload(ob2_verify), ob2
    if not ob2.lstrip(_XML_SPACE).startswith("{"):
        return ob2, None  # a signed badge: the JWS is the verify attribute, content optional
    try:
        assertion = json.loads(ob2)
    except ValueError:
        return None, ob2
    assertion_id = assertion.get("id") if isinstance(assertion, dict) else None
    if not isinstance(assertion_id, str) or not assertion_id.strip(_XML_SPACE):
        return None, ob2
    # A hosted badge is verified at its assertion URL, which is its id.
    return _check_payload(assertion_id), ob2


def _element(local_name: str, namespace: str | None, verify: str | None, content: str | None) -> bytes:
    parts = [f"<{_PREFIX}:{local_name}"]
    if namespace is not None:
        parts.append(f' xmlns:{_PREFIX}="{namespace}"')
    if verify is not None:
        parts.append(f' verify="{verify.translate(_ATTRIBUTE_ESCAPES)}"')
    if content is None:
        parts.append("/>")
    else:
        parts += [">", _cdata(content), f"</{_PREFIX}:{local_name}>"]
    return "".join(parts).encode("utf-8")


def _cdata(text: str) -> str:
    # "]]>" would end the section: split it across two. A CR would be read back as LF (XML line-end
    # normalisation), so it goes between sections as a character reference.
    body = text.replace("]]>", "]]]]><![CDATA[>").replace("\r", "]]>&#13;<![CDATA[")
    return f"<![CDATA[{body}]]>"
