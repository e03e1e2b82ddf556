"""bake() and unbake() tell PNG from SVG by content."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from claims.openbadges.baking import BakedPayloads, BakeError, bake, unbake

SVG = b'\xef\xbb\xbf\n  <svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'
JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpZCI6IjEifQ.c2lnbmF0dXJl"


@pytest.fixture
def badge_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 20, 30)).save(out, "PNG")
    return out.getvalue()


def test_png_is_baked_and_unbaked_as_png(badge_png: bytes) -> None:
    baked = bake(badge_png, ob2=JWS, ob3="{}")
    assert baked.startswith(b"\x89PNG") and unbake(baked) == BakedPayloads(ob2=JWS, ob3="{}")


def test_svg_with_bom_and_leading_space_is_baked_and_unbaked_as_svg() -> None:
    baked = bake(SVG, ob2=JWS, ob3="{}")
    assert baked.startswith(SVG[:6]) and unbake(baked) == BakedPayloads(ob2=JWS, ob3="{}", ob2_verify=JWS)


def test_svg_given_as_text_is_unbaked_as_svg() -> None:
    assert unbake(bake(SVG, ob3="{}").decode("utf-8-sig")) == BakedPayloads(ob2=None, ob3="{}")


@pytest.mark.parametrize("data", [b"", b"GIF89a\x01\x00", b"%PDF-1.7", "\u00e9t\u00e9".encode()])
def test_neither_png_nor_svg_is_refused(data: bytes) -> None:
    for operation in (unbake, lambda image: bake(image, ob2=JWS)):
        with pytest.raises(BakeError) as refused:
            operation(data)
        assert refused.value.reason == "unknown_format"


def test_ob2_verify_for_a_png_is_refused(badge_png: bytes) -> None:
    with pytest.raises(BakeError) as refused:
        bake(badge_png, ob2=JWS, ob2_verify="https://example.org/a")
    assert refused.value.reason == "bad_payload"


def test_fifty_megabyte_input_is_refused_as_too_large(badge_png: bytes) -> None:
    with pytest.raises(BakeError) as refused:
        unbake(badge_png + bytes(50 * 1024 * 1024))
    assert refused.value.reason == "too_large"
