"""Uploaded SVG badges: what cannot be made safe is refused, what can is stripped, and the drawing stays."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from claims.errors import INVALID_INPUT, ClaimError
from claims.images import SVG_MIME, validate_image
from claims.openbadges.baking import bake, unbake

SVG = "http://www.w3.org/2000/svg"
HEAD = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="100" height="100">'
CIRCLE = '<circle cx="50" cy="50" r="40" fill="url(#sunset)"/>'
GRADIENT = ('<defs><linearGradient id="sunset"><stop offset="0" stop-color="#e63"/>'
            '<stop offset="1" stop-color="#fc3"/></linearGradient></defs>')


def svg(body: str, head: str = HEAD) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{head}{GRADIENT}{CIRCLE}{body}</svg>'.encode()


def cleaned(document: bytes) -> tuple[bytes, tuple[str, ...]]:
    image = validate_image(document)
    assert image.mime == SVG_MIME
    return image.data, image.removed


def refusal(document: bytes) -> str:
    with pytest.raises(ClaimError) as refused:
        validate_image(document)
    assert (refused.value.code, refused.value.params["field"]) == (INVALID_INPUT, "image")
    return refused.value.params["reason"]


def tags(document: bytes) -> list[str]:
    return [element.tag.rpartition("}")[2] for element in ElementTree.fromstring(document).iter()]


def attributes(document: bytes) -> list[str]:
    return [name for element in ElementTree.fromstring(document).iter() for name in element.attrib]


def test_script_element_is_removed_with_its_content():
    data, removed = cleaned(svg("<script>alert(document.cookie)</script>"))
    assert "script" not in tags(data) and b"alert" not in data
    assert removed == ("script",)


def test_event_handler_attributes_are_removed():
    data, removed = cleaned(svg('<rect width="5" height="5" onclick="alert(1)"/>',
                                head=HEAD.replace(">", ' onload="alert(1)">', 1)))
    assert b"alert" not in data and "rect" in tags(data)
    assert set(removed) == {"onload", "onclick"}


def test_javascript_link_is_removed_and_what_it_wrapped_stays():
    data, removed = cleaned(svg('<a xlink:href="java&#9;script:alert(1)"><rect width="5" height="5"/></a>'))
    assert b"script" not in data and "a" not in tags(data) and "rect" in tags(data)
    assert "href:javascript" in removed


@pytest.mark.parametrize("attribute", ["href", "xlink:href"])
def test_external_href_is_removed(attribute):
    data, removed = cleaned(svg(f'<image {attribute}="https://tracker.example/pixel.png" width="1" height="1"/>'
                                f'<use {attribute}="https://evil.example/sprites.svg#icon"/>'))
    assert b"example" not in data
    assert removed == ("href:external",)


def test_same_document_reference_and_inline_raster_are_kept():
    pixel = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUg=="
    data, removed = cleaned(svg(f'<use xlink:href="#sunset"/><image href="{pixel}" width="1" height="1"/>'))
    assert removed == ()
    assert b'xlink:href="#sunset"' in data and pixel.encode() in data


def test_inline_svg_or_html_data_uri_is_removed():
    data, removed = cleaned(svg('<image href="data:image/svg+xml;base64,PHN2Zz4=" width="1" height="1"/>'
                                '<image href="data:text/html,&lt;script&gt;" width="1" height="1"/>'))
    assert b"data:" not in data
    assert removed == ("href:data",)


def test_external_url_in_a_presentation_attribute_is_removed():
    data, removed = cleaned(svg('<rect width="5" height="5" fill="url(https://evil.example/p.svg#g)" '
                                'filter="url(#sunset)"/>'))
    assert b"evil" not in data and b'filter="url(#sunset)"' in data
    assert removed == ("fill:external",)


def test_external_url_in_a_style_attribute_is_removed():
    data, removed = cleaned(svg('<rect width="5" height="5" style="fill: URL( \'//evil.example/x\' )"/>'))
    assert b"evil" not in data
    assert removed == ("style:external",)


def test_style_element_importing_css_is_removed():
    data, removed = cleaned(svg('<style>@import url("https://evil.example/a.css");</style>'))
    assert "style" not in tags(data)
    assert removed == ("style:external",)


def test_style_element_fetching_a_background_is_removed():
    data, removed = cleaned(svg("<style>rect { background: url(https://evil.example/leak) }</style>"))
    assert b"evil" not in data
    assert removed == ("style:external",)


def test_style_element_spelling_url_with_css_escapes_is_removed():
    data, removed = cleaned(svg("<style>rect { fill: \\75 rl(https://evil.example/x) }</style>"))
    assert b"evil" not in data
    assert removed == ("style:escape",)


def test_style_element_referring_inside_the_document_is_kept():
    data, removed = cleaned(svg("<style>circle { stroke: url(#sunset); stroke-width: 2 }</style>"))
    assert removed == () and b"stroke: url(#sunset)" in data


def test_foreign_object_is_removed_with_its_html():
    body = ('<foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">'
            '<iframe src="https://evil.example"/></div></foreignObject>')
    data, removed = cleaned(svg(body))
    assert "foreignObject" not in tags(data) and b"evil" not in data
    assert removed == ("foreignObject",)


def test_animation_that_rewrites_a_link_is_removed_and_one_that_changes_a_colour_is_kept():
    data, removed = cleaned(svg('<set attributeName="href" to="javascript:alert(1)"/>'
                                '<animate attributeName="fill" values="red;blue" dur="2s"/>'))
    assert "set" not in tags(data) and "animate" in tags(data)
    assert removed == ("set:href",)


def test_stylesheet_processing_instruction_is_removed():
    document = b'<?xml-stylesheet href="https://evil.example/a.css"?>' + svg("").split(b"\n", 1)[1]
    data, removed = cleaned(document)
    assert b"evil" not in data
    assert removed == ("xml-stylesheet",)


def test_open_badges_elements_are_removed_so_baking_adds_fresh_ones():
    head = HEAD.replace(">", ' xmlns:openbadges="http://openbadges.org">', 1)
    body = ('<openbadges:assertion verify="https://forged.example/a"/>'
            '<ob3:credential xmlns:ob3="https://purl.imsglobal.org/ob/v3p0">{"forged": true}</ob3:credential>')
    data, removed = cleaned(svg(body, head=head))
    assert b"forged" not in data and b"openbadges" not in data
    assert removed == ("openbadges:assertion", "ob3:credential")


def test_editor_attributes_are_named_with_their_prefix():
    head = HEAD.replace(">", ' xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape">', 1)
    data, removed = cleaned(svg('<g inkscape:label="Calque 1"><rect width="5" height="5"/></g>', head=head))
    assert "rect" in tags(data)
    assert removed == ("inkscape:label",)


def test_text_after_a_removed_element_is_kept():
    data, _ = cleaned(svg('<text x="1" y="9">Atelier <script>x()</script>numérique &amp; créatif</text>'))
    [text] = [element for element in ElementTree.fromstring(data).iter(f"{{{SVG}}}text")]
    assert "".join(text.itertext()) == "Atelier numérique & créatif"


def test_sanitised_svg_keeps_its_circle_and_gradient():
    data, _ = cleaned(svg('<script>alert(1)</script><rect width="5" height="5" onmouseover="x()"/>'))
    root = ElementTree.fromstring(data)
    [circle] = root.iter(f"{{{SVG}}}circle")
    assert circle.attrib == {"cx": "50", "cy": "50", "r": "40", "fill": "url(#sunset)"}
    assert [stop.get("stop-color") for stop in root.iter(f"{{{SVG}}}stop")] == ["#e63", "#fc3"]
    assert root.attrib == {"width": "100", "height": "100"}


def test_sanitised_svg_bakes_and_unbakes():
    data, _ = cleaned(svg('<script>alert(1)</script>', head=HEAD.replace(">", ' onload="x()">', 1)))
    assertion = json.dumps({"id": "https://badges.example.org/ob2/assertions/1", "type": "Assertion"})
    payloads = unbake(bake(data, ob2=assertion, ob3='{"type": ["VerifiableCredential"]}'))
    assert (payloads.ob2, payloads.ob3) == (assertion, '{"type": ["VerifiableCredential"]}')


def test_sanitising_a_sanitised_svg_changes_nothing():
    data, _ = cleaned(svg('<script>alert(1)</script><text x="1" y="2">a &lt; b</text>'))
    assert cleaned(data) == (data, ())


def test_latin1_svg_is_stored_as_utf8():
    document = ('<?xml version="1.0" encoding="ISO-8859-1"?>' + HEAD + '<text x="1" y="2">Café</text></svg>')
    data, _ = cleaned(document.encode("latin-1"))
    assert "Café".encode() in data and b"ISO-8859-1" not in data


def test_external_entity_is_refused():
    document = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + \
        HEAD.encode() + b"<text>&xxe;</text></svg>"
    assert refusal(document) == "svg_entities"


def test_billion_laughs_is_refused():
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 or "")) * 10}">' for n in range(1, 10))
    document = f'<!DOCTYPE svg [{entities}]>{HEAD}<text>&lol9;</text></svg>'.encode()
    assert refusal(document) == "svg_entities"


def test_plain_doctype_is_refused():
    document = (b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">' + svg("").split(b"\n", 1)[1])
    assert refusal(document) == "svg_entities"


@pytest.mark.parametrize("document", [
    b'<html xmlns="http://www.w3.org/1999/xhtml"><body><svg xmlns="http://www.w3.org/2000/svg"/></body></html>',
    b'<svg width="10" height="10"><rect width="10" height="10"/></svg>',
], ids=["xhtml", "svg without its namespace"])
def test_root_other_than_svg_in_the_svg_namespace_is_refused(document):
    assert refusal(document) == "svg_unsafe"


def test_svg_with_nothing_left_to_draw_is_refused():
    document = f'{HEAD}<script>alert(1)</script><foreignObject><p>x</p></foreignObject></svg>'.encode()
    assert refusal(document) == "svg_unsafe"


@pytest.mark.parametrize("document", [b"<svg><g></svg>", b"<svg>&nbsp;</svg>", b"<svg"])
def test_malformed_svg_is_refused(document):
    assert refusal(document) == "svg_invalid"


def test_deeply_nested_svg_is_refused():
    assert refusal(HEAD.encode() + b"<g>" * 5000 + b"</g>" * 5000 + b"</svg>") == "svg_too_deep"
