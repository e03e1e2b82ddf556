"""Our baked images read by openbadges-bakery 2.0.0 (module openbadges_bakery), and theirs read by us."""

from __future__ import annotations

import io
import json
from importlib import resources

import openbadges_bakery
import pytest
from defusedxml import minidom
from PIL import Image

from claims.openbadges.baking import BakedPayloads, bake, bake_png, bake_svg, unbake

ASSERTION_URL = "https://badges.example.fr/ob2/assertions/4b1e"
# openbadges-bakery cannot write "]]>" into SVG (minidom refuses it in CDATA), so none here.
OB2_JSON = json.dumps(
    {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": ASSERTION_URL,
        "recipient": {"type": "email", "hashed": True, "salt": "sel", "identity": "sha256$" + "cd" * 32},
        "badge": "https://badges.example.fr/ob2/badges/7",
        "verification": {"type": "hosted"},
        "issuedOn": "2024-05-14T09:30:00+02:00",
        "evidence": {"narrative": "Journée « Badges Ouverts À Tous » à Bordeaux, réussie"},
    },
    ensure_ascii=False,
)
OB3_JSON = '{"type": ["VerifiableCredential", "OpenBadgeCredential"], "name": "Créer un podcast"}'
JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6IjEifQ.c2lnbmF0dXJl"
# openbadges-bakery's SVG code calls rfc3986 APIs that warn; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:Please use rfc3986.validators.Validator:DeprecationWarning")
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>'


@pytest.fixture
def badge_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (24, 24), (200, 80, 30, 255)).save(out, "PNG")
    return out.getvalue()


def _their_unbake(data: bytes) -> str | None:
    return openbadges_bakery.unbake(io.BytesIO(data))


def _their_bake(data: bytes, payload: str) -> bytes:
    return openbadges_bakery.bake(io.BytesIO(data), payload, io.BytesIO()).read()


def _bakery_test_file(name: str) -> bytes:
    return resources.files("openbadges_bakery").joinpath("testfiles", name).read_bytes()


def test_bakery_unbakes_our_png_to_our_ob2_json(badge_png: bytes) -> None:
    assert _their_unbake(bake_png(badge_png, ob2=OB2_JSON)) == OB2_JSON


def test_bakery_unbakes_our_png_carrying_both_payloads_to_the_ob2_json(badge_png: bytes) -> None:
    assert _their_unbake(bake_png(badge_png, ob2=OB2_JSON, ob3=OB3_JSON)) == OB2_JSON


def test_we_unbake_a_png_baked_by_bakery(badge_png: bytes) -> None:
    assert unbake(_their_bake(badge_png, OB2_JSON)) == BakedPayloads(ob2=OB2_JSON, ob3=None)


def test_bakery_rebaking_our_png_keeps_our_ob3_chunk(badge_png: bytes) -> None:
    rebaked = _their_bake(bake_png(badge_png, ob2=JWS, ob3=OB3_JSON), OB2_JSON)
    assert unbake(rebaked) == BakedPayloads(ob2=OB2_JSON, ob3=OB3_JSON)


def test_we_unbake_the_png_shipped_with_bakery() -> None:
    payloads = unbake(_bakery_test_file("baked_heart.png"))
    assert json.loads(payloads.ob2)["verify"]["url"] == "http://example.org/badgeinstance1"


def test_bakery_unbakes_our_signed_svg_to_our_jws() -> None:
    assert _their_unbake(bake_svg(SVG, ob2=JWS, ob3=OB3_JSON)) == JWS


def test_bakery_unbakes_our_hosted_svg_to_the_assertion_url_as_for_its_own() -> None:
    # openbadges-bakery returns the verify attribute when there is one, and writes the assertion id there.
    ours, theirs = bake_svg(SVG, ob2=OB2_JSON, ob3=OB3_JSON), _their_bake(SVG, OB2_JSON)
    assert _their_unbake(ours) == _their_unbake(theirs) == ASSERTION_URL


def test_bakery_parser_finds_our_ob2_json_in_the_cdata() -> None:
    assertion = minidom.parseString(bake_svg(SVG, ob2=OB2_JSON)).getElementsByTagName("openbadges:assertion")[0]
    assert [node.data for node in assertion.childNodes] == [OB2_JSON]


def test_we_unbake_an_svg_baked_by_bakery() -> None:
    assert unbake(_their_bake(SVG, OB2_JSON)) == BakedPayloads(
        ob2=OB2_JSON, ob3=None, ob2_verify=ASSERTION_URL
    )


def test_we_rebake_an_svg_baked_by_bakery_to_one_assertion() -> None:
    rebaked = bake(_their_bake(SVG, OB2_JSON), ob2=JWS)
    assert rebaked.count(b"<openbadges:assertion") == 1
    assert unbake(rebaked) == BakedPayloads(ob2=JWS, ob3=None, ob2_verify=JWS)


def test_we_unbake_the_svg_shipped_with_bakery() -> None:
    payloads = unbake(_bakery_test_file("baked_example.svg"))
    assert payloads.ob2_verify == "https://example.org/assertion.json"
    assert json.loads(payloads.ob2)["uid"] == "abcdef12345"
