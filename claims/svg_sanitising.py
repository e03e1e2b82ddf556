"""Making an uploaded SVG safe to serve: no DTD, and only allow-listed SVG elements and attributes kept."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from xml.etree.ElementTree import Element, ParseError

import defusedxml
import defusedxml.ElementTree

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XLINK_NAMESPACE = "http://www.w3.org/1999/xlink"
XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"

SVG_ENTITIES = "svg_entities"  # a DOCTYPE: entity declarations (XXE, billion laughs) or an external DTD
SVG_INVALID = "svg_invalid"  # not well-formed XML
SVG_TOO_DEEP = "svg_too_deep"  # elements nested deeper than any drawing needs
SVG_UNSAFE = "svg_unsafe"  # not an <svg> root, or nothing left to draw once made safe

# Editors nest a few dozen levels at most; the cap also bounds the recursion of the serialiser below.
MAX_DEPTH = 128

# What a badge may draw with: structure, shapes, text, paint servers, clipping, masking, filter primitives
# and animations. Left out, so removed with their content: script, foreignObject (HTML inside SVG),
# iframe/embed/object/audio/video/canvas, cursor, color-profile and the font-face elements (they fetch
# from elsewhere), metadata (editor data), discard/handler/listener. A link <a> is turned into a <g>.
_ELEMENTS = frozenset("""
    svg g defs symbol use switch title desc style
    path rect circle ellipse line polyline polygon text tspan textPath image
    linearGradient radialGradient stop pattern clipPath mask marker
    filter feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
    feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur
    feImage feMerge feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile
    feTurbulence
    animate animateMotion animateTransform set mpath
""".split())
# Elements that put something on the page; an SVG with none of them left is refused.
_DRAWING = frozenset("path rect circle ellipse line polyline polygon text image use".split())
# Animations that name the attribute they change: they may not change a link or a handler.
_RETARGETING = frozenset(("animate", "set", "animateTransform"))
# Attributes without a namespace. href (plain or xlink:) and on* are judged apart; style by its CSS.
_ATTRIBUTES = frozenset("""
    id class style lang
    x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points pathLength transform viewBox
    preserveAspectRatio version baseProfile
    fill fill-opacity fill-rule stroke stroke-width stroke-linecap stroke-linejoin stroke-miterlimit
    stroke-dasharray stroke-dashoffset stroke-opacity opacity color display visibility overflow
    clip-path clip-rule clipPathUnits mask maskUnits maskContentUnits filter filterUnits primitiveUnits
    marker-start marker-mid marker-end markerWidth markerHeight markerUnits refX refY orient
    paint-order vector-effect shape-rendering text-rendering image-rendering color-rendering
    color-interpolation color-interpolation-filters mix-blend-mode isolation
    stop-color stop-opacity offset gradientUnits gradientTransform spreadMethod
    patternUnits patternContentUnits patternTransform
    font font-family font-size font-size-adjust font-weight font-style font-variant font-stretch
    letter-spacing word-spacing text-anchor text-decoration dominant-baseline alignment-baseline
    baseline-shift writing-mode direction unicode-bidi dx dy rotate textLength lengthAdjust startOffset
    method spacing side
    flood-color flood-opacity lighting-color in in2 result stdDeviation mode type values tableValues
    slope intercept amplitude exponent operator k1 k2 k3 k4 order kernelMatrix divisor bias targetX
    targetY edgeMode kernelUnitLength preserveAlpha surfaceScale diffuseConstant specularConstant
    specularExponent scale xChannelSelector yChannelSelector radius baseFrequency numOctaves seed
    stitchTiles azimuth elevation pointsAtX pointsAtY pointsAtZ limitingConeAngle
    attributeName attributeType begin dur end min max restart repeatCount repeatDur calcMode keyTimes
    keySplines keyPoints from to by additive accumulate path
""".split())
_XML_ATTRIBUTES = frozenset(("space", "lang"))

_SAFE_FRAGMENT = re.compile(r"#[^\s\"'<>()\\]*\Z")
# Raster images inlined as data: URIs are the only outside content an SVG badge may carry.
_SAFE_DATA_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z", re.IGNORECASE)
# Browsers ignore spaces and control characters inside a URL scheme ("java\tscript:"), so the checks
# read values with all of them taken out.
_IGNORED_BY_BROWSERS = re.compile(r"[\x00-\x20\x7f]+")
_SCRIPTING = ("javascript:", "vbscript:", "expression(", "-moz-binding", "behavior:")
# CSS that fetches from elsewhere without url(): imports, fonts, image functions taking a bare string.
_FETCHING = ("@import", "@font-face", "image-set(", "image(", "cross-fade(", "src(")
# Every check below needs one of these characters: most values (numbers, colours, path data) have none.
_SUSPECT = re.compile(r"[\\<:(@]")
_URL_TARGET = re.compile(r"url\(['\"]?(.?)")

_ATTRIBUTE_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
)
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})


class SvgRefused(Exception):
    """An SVG that cannot be made safe; ``reason`` is one of the SVG_* codes."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sanitise_svg(data: bytes) -> tuple[bytes, tuple[str, ...]]:
    """The SVG rebuilt from its allow-listed parts as UTF-8, and the names of what was left out.

    Disallowed elements go with their subtree (the text after them stays); disallowed attributes go alone.
    The result declares only the SVG and XLink namespaces, so baking adds its own elements to a clean root.
    """
    root, prefixes, removed = _parse(data)
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise SvgRefused(SVG_UNSAFE)
    root.tail = None
    noted = dict.fromkeys(removed)
    _clean(root, prefixes, lambda name: noted.setdefault(name, None))
    if not any(_draws(element) for element in root.iter()):
        raise SvgRefused(SVG_UNSAFE)
    return _serialise(root), tuple(noted)


def _parse(data: bytes) -> tuple[Element, dict[str, str], list[str]]:
    """The root, the prefix each namespace was first given (to name what is removed), and removed PIs."""
    prefixes: dict[str, str] = {}
    removed: list[str] = []
    root: Element | None = None
    depth = 0
    events = ("start", "end", "start-ns", "pi")
    try:
        # forbid_dtd: no DOCTYPE at all, so no entity (XXE, billion laughs) and no external DTD is read.
        for event, item in defusedxml.ElementTree.iterparse(io.BytesIO(data), events, forbid_dtd=True):
            if event == "start":
                depth += 1
                root = item if root is None else root
                if depth > MAX_DEPTH:
                    raise SvgRefused(SVG_TOO_DEEP)
            elif event == "end":
                depth -= 1
            elif event == "start-ns":
                prefix, uri = item
                prefixes.setdefault(uri, prefix)
            elif (item.text or "").startswith("xml-stylesheet"):
                removed.append("xml-stylesheet")  # the parser keeps no PI; this one would load CSS
    except defusedxml.DefusedXmlException:
        raise SvgRefused(SVG_ENTITIES) from None
    except (ParseError, ValueError, LookupError):
        raise SvgRefused(SVG_INVALID) from None
    if root is None:
        raise SvgRefused(SVG_INVALID)
    return root, prefixes, removed


def _clean(root: Element, prefixes: dict[str, str], note: Callable[[str], None]) -> None:
    pending = [root]
    while pending:
        element = pending.pop()
        for name, value in list(element.attrib.items()):
            problem = _attribute_problem(name, value, prefixes)
            if problem is not None:
                del element.attrib[name]
                note(problem)
        kept: list[Element] = []
        for child in element:
            if child.tag == f"{{{SVG_NAMESPACE}}}a":
                child.tag = f"{{{SVG_NAMESPACE}}}g"  # keep what a link wraps, drop the link
                note("a")
            problem = _element_problem(child, prefixes)
            if problem is None:
                kept.append(child)
                continue
            note(problem)
            if child.tail:  # the text after a removed element is still part of its parent's text
                if kept:
                    kept[-1].tail = (kept[-1].tail or "") + child.tail
                else:
                    element.text = (element.text or "") + child.tail
        element[:] = kept
        pending.extend(kept)


def _element_problem(element: Element, prefixes: dict[str, str]) -> str | None:
    namespace, local = _split(element.tag)
    if namespace != SVG_NAMESPACE:
        # The Open Badges elements land here too: baking writes fresh ones.
        return _qualified(namespace, local, prefixes)
    if local not in _ELEMENTS:
        return local
    if local == "style":
        problem = "markup" if len(element) else _css_problem(element.text or "")
        return None if problem is None else f"style:{problem}"
    if local in _RETARGETING:
        target = (element.get("attributeName") or "").strip()
        if target and (target not in _ATTRIBUTES or target.lower().startswith("on")):
            return f"{local}:{target}"
    return None


def _attribute_problem(name: str, value: str, prefixes: dict[str, str]) -> str | None:
    if name in _ATTRIBUTES:  # the common case first: no namespace, neither href nor on*
        problem = _css_problem(value)
        return None if problem is None else f"{name}:{problem}"
    namespace, local = _split(name)
    if namespace is None and local.lower().startswith("on"):
        return local  # an event handler: script
    if local == "href" and namespace in (None, XLINK_NAMESPACE):
        return _href_problem(value)
    if namespace == XML_NAMESPACE:
        return None if local in _XML_ATTRIBUTES else f"xml:{local}"
    return _qualified(namespace, local, prefixes)


def _href_problem(value: str) -> str | None:
    target = value.strip()
    if _SAFE_FRAGMENT.match(target) or _SAFE_DATA_IMAGE.match(target):
        return None
    squashed = _IGNORED_BY_BROWSERS.sub("", target).lower()
    if any(word in squashed for word in _SCRIPTING):
        return "href:javascript"
    return "href:data" if squashed.startswith("data:") else "href:external"


def _css_problem(text: str) -> str | None:
    """Why a CSS text or attribute value is unsafe: it scripts, fetches from outside, or hides either."""
    if _SUSPECT.search(text) is None:
        return None
    squashed = _IGNORED_BY_BROWSERS.sub("", text).lower()
    if "\\" in squashed:
        return "escape"  # CSS escapes can spell url( or javascript: past any check
    if "<" in squashed:
        return "markup"  # would close a <style> once the SVG is inlined into an HTML page
    if any(word in squashed for word in _SCRIPTING):
        return "javascript"
    if any(word in squashed for word in _FETCHING):
        return "external"
    if any(target != "#" for target in _URL_TARGET.findall(squashed)):
        return "external"  # only url(#id), a reference inside the document, is allowed
    return None


def _draws(element: Element) -> bool:
    local = _split(element.tag)[1]
    if local in ("image", "use"):
        return element.get("href") is not None or element.get(f"{{{XLINK_NAMESPACE}}}href") is not None
    return local in _DRAWING


def _split(name: str) -> tuple[str | None, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return namespace, local
    return None, name


def _qualified(namespace: str | None, local: str, prefixes: dict[str, str]) -> str:
    """A removed name as the document wrote it, e.g. ``inkscape:label`` or ``openbadges:assertion``."""
    prefix = prefixes.get(namespace or "", "")
    return f"{prefix}:{local}" if prefix else local


def _serialise(root: Element) -> bytes:
    uses_xlink = any(name.startswith(f"{{{XLINK_NAMESPACE}}}") for element in root.iter() for name in element.attrib)
    declarations = f' xmlns="{SVG_NAMESPACE}"' + (f' xmlns:xlink="{XLINK_NAMESPACE}"' if uses_xlink else "")
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n']
    _write(root, parts, declarations)
    return "".join(parts).encode("utf-8")


def _write(element: Element, parts: list[str], declarations: str = "") -> None:
    local = _split(element.tag)[1]  # every element left is in the SVG namespace, the default one
    parts.append(f"<{local}{declarations}")
    for name, value in element.attrib.items():
        if name.startswith("{"):  # only xlink:href, xml:space and xml:lang are left with a namespace
            namespace, attribute = _split(name)
            name = ("xlink:" if namespace == XLINK_NAMESPACE else "xml:") + attribute
        parts.append(f' {name}="{value.translate(_ATTRIBUTE_ESCAPES)}"')
    if not len(element) and not element.text:
        parts.append("/>")
    else:
        parts.append(">")
        parts.append((element.text or "").translate(_TEXT_ESCAPES))
        for child in element:
            _write(child, parts)
        parts.append(f"</{local}>")
    if element.tail:
        parts.append(element.tail.translate(_TEXT_ESCAPES))
