"""Property tests: any input gives payloads or a BakeError, and any payload survives a round trip."""

from __future__ import annotations

import io
import random

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from PIL import Image

from claims.openbadges.baking import BakeError, bake, bake_png, bake_svg, unbake, unbake_png, unbake_svg

JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6IjEifQ.c2lnbmF0dXJl"
OB3_JSON = '{"name": "Créer ]]> un podcast", "id": "urn:uuid:1"}'
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _small_png() -> bytes:
    # Small, so that chunk headers and badge chunks are a large share of the bytes being mutated.
    noise = random.Random(3)
    image = Image.new("RGBA", (6, 5))
    image.putdata([tuple(noise.randrange(256) for _ in range(4)) for _ in range(30)])
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


SMALL_PNG = _small_png()
BAKED_PNG = bake_png(SMALL_PNG, ob2=JWS, ob3=OB3_JSON)
BAKED_SVG = bake_svg(
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><g id="a"><rect/></g></svg>',
    ob2='{"id": "https://example.fr/a/1", "nom": "Été"}',
    ob3=OB3_JSON,
)


@st.composite
def mutated(draw: st.DrawFn, original: bytes) -> bytes:
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        operation = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if operation == "flip" and data:
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif operation == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8))
        elif operation == "delete":
            del data[position : position + draw(st.integers(1, 8))]
        else:
            del data[position:]
    return bytes(data)


def _payloads_or_bake_error(data: bytes) -> None:
    """Unbake and bake either succeed or raise BakeError; whatever bake accepts then unbakes to its payloads."""
    try:
        unbake(data)
    except BakeError:
        pass
    try:
        baked = bake(data, ob2=JWS, ob3=OB3_JSON)
    except BakeError:
        return
    payloads = unbake(baked)
    assert (payloads.ob2, payloads.ob3) == (JWS, OB3_JSON)


@FUZZ
@given(st.binary(max_size=300) | st.builds(lambda tail: b"\x89PNG\r\n\x1a\n" + tail, st.binary(max_size=300)))
def test_random_bytes_give_payloads_or_bake_error(data: bytes) -> None:
    _payloads_or_bake_error(data)


@FUZZ
@given(mutated(BAKED_PNG))
def test_mutated_baked_png_gives_payloads_or_bake_error(data: bytes) -> None:
    _payloads_or_bake_error(data)


@FUZZ
@given(mutated(BAKED_SVG))
def test_mutated_baked_svg_gives_payloads_or_bake_error(data: bytes) -> None:
    _payloads_or_bake_error(data)


# What a PNG text chunk can hold: any Unicode except NUL and lone surrogates.
png_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1)
# What XML can hold; whitespace around an SVG payload is not part of it.
xml_text = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\ufffe\uffff")
    .filter(lambda char: char in "\t\n\r" or char >= " "),
    min_size=1,
).filter(lambda text: text.strip(" \t\r\n"))


@settings(deadline=None)
@given(png_text, png_text)
def test_any_text_survives_the_png_round_trip(ob2: str, ob3: str) -> None:
    payloads = unbake_png(bake_png(SMALL_PNG, ob2=ob2, ob3=ob3))
    assert (payloads.ob2, payloads.ob3) == (ob2, ob3)


@settings(deadline=None)
@given(xml_text, xml_text)
def test_any_xml_text_survives_the_svg_round_trip(ob2: str, ob3: str) -> None:
    baked = bake_svg(b"<svg/>", ob2=ob2, ob2_verify="https://example.fr/a/1", ob3=ob3)
    payloads = unbake_svg(baked)
    assert (payloads.ob2, payloads.ob3) == (ob2.strip(" \t\r\n"), ob3.strip(" \t\r\n"))


@settings(deadline=None)
@given(xml_text)
def test_any_xml_text_as_ob2_without_verify_survives_the_svg_round_trip(ob2: str) -> None:
    assume(not ob2.lstrip(" \t\r\n").lower().startswith(("http://", "https://")))  # a hosted badge's URL
    assert unbake_svg(bake_svg(b"<svg/>", ob2=ob2)).ob2 == ob2.strip(" \t\r\n")


@settings(deadline=None)
@given(xml_text)
def test_rebaking_an_svg_keeps_one_element_of_each_kind(ob3: str) -> None:
    baked = bake_svg(bake_svg(BAKED_SVG, ob3=ob3), ob2=JWS)
    assert baked.count(b"<openbadges:assertion") == baked.count(b"<openbadges:credential") == 1
    assert unbake_svg(baked).ob3 == ob3.strip(" \t\r\n")
