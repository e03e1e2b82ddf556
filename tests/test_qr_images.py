"""QR images: PNG and SVG round trips through a real decoder, quiet zone, caption, argument checks."""

from __future__ import annotations

import io
import re
import secrets
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image, ImageDraw

from qr.images import qr_png, qr_svg
from qr.matrix import ENGINES, QUIET_ZONE, qr_matrix

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
SVG = "{http://www.w3.org/2000/svg}"


def new_code() -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(15))


def grouped(code: str) -> str:
    return f"{code[:5]}-{code[5:10]}-{code[10:]}"


@pytest.fixture
def claim_url() -> str:
    return f"https://badges.example.org/c/{new_code()}"


def read_png(png: bytes) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(Image.open(io.BytesIO(png)), formats=zxingcpp.BarcodeFormat.QRCode)


def rasterise_svg(svg: str, pixels_per_unit: int = 8) -> Image.Image:
    """Draw the SVG's background and module path with Pillow; fails on any path command it does not know."""
    root = ET.fromstring(svg)
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    image = Image.new("L", (round(width * pixels_per_unit), round(height * pixels_per_unit)), 128)
    draw = ImageDraw.Draw(image)
    background = root.find(f"{SVG}rect")
    assert background.get("fill") == "#fff"
    draw.rectangle((0, 0, image.width, image.height), fill=255)
    d = root.find(f"{SVG}path").get("d")
    run = re.compile(r"M(\d+) (\d+)h(\d+)v1h-\3z")
    assert run.sub("", d) == ""
    for x, y, length in run.findall(d):
        x, y, length = int(x), int(y), int(length)
        left, top = x * pixels_per_unit, y * pixels_per_unit
        draw.rectangle((left, top, left + length * pixels_per_unit - 1, top + pixels_per_unit - 1), fill=0)
    return image


@pytest.mark.parametrize("engine", ENGINES)
def test_png_decodes_back_to_its_url(claim_url: str, engine: str) -> None:
    assert [b.text for b in read_png(qr_png(claim_url, engine=engine))] == [claim_url]


def test_png_of_a_telegram_deep_link_decodes_back() -> None:
    link = f"https://t.me/SomeBot?start={new_code()}"
    assert [b.text for b in read_png(qr_png(link))] == [link]


@pytest.mark.parametrize("level", ["m", "q"])
def test_png_uses_the_requested_error_correction_level(claim_url: str, level: str) -> None:
    (barcode,) = read_png(qr_png(claim_url, error=level))
    assert barcode.ec_level == level.upper()


def test_default_error_correction_is_q_for_print(claim_url: str) -> None:
    (barcode,) = read_png(qr_png(claim_url))
    assert barcode.ec_level == "Q"


def test_png_keeps_a_four_module_white_quiet_zone(claim_url: str) -> None:
    scale = 5
    image = Image.open(io.BytesIO(qr_png(claim_url, scale=scale))).convert("L")
    margin = QUIET_ZONE * scale
    side = image.width
    border = [
        image.crop((0, 0, side, margin)),
        image.crop((0, side - margin, side, side)),
        image.crop((0, 0, margin, side)),
        image.crop((side - margin, 0, side, side)),
    ]
    assert all(band.getextrema() == (255, 255) for band in border)
    # The top-left finder pattern starts right after the quiet zone.
    assert image.getpixel((margin, margin)) == 0


def test_png_is_scale_pixels_per_module(claim_url: str) -> None:
    size = qr_matrix(claim_url).size
    image = Image.open(io.BytesIO(qr_png(claim_url, scale=3)))
    assert image.size == ((size + 2 * QUIET_ZONE) * 3,) * 2


def test_png_caption_goes_in_a_band_below_the_symbol_and_still_decodes(claim_url: str) -> None:
    png = qr_png(claim_url, caption=grouped(new_code()))
    image = Image.open(io.BytesIO(png)).convert("L")
    assert image.height > image.width
    band = image.crop((0, image.width, image.width, image.height))
    assert band.getextrema()[0] < 128  # there is dark text in it
    assert [b.text for b in read_png(png)] == [claim_url]


def test_svg_rasterised_decodes_back_to_its_url(claim_url: str) -> None:
    image = rasterise_svg(qr_svg(claim_url, caption=grouped(new_code())))
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [claim_url]


def test_svg_and_png_draw_the_same_modules(claim_url: str) -> None:
    from_svg = rasterise_svg(qr_svg(claim_url), pixels_per_unit=2)
    from_png = Image.open(io.BytesIO(qr_png(claim_url, scale=2))).convert("L")
    assert from_svg.tobytes() == from_png.tobytes()


def test_svg_scales_with_its_container(claim_url: str) -> None:
    root = ET.fromstring(qr_svg(claim_url))
    assert root.get("viewBox").startswith("0 0 ")
    assert root.get("width") is None and root.get("height") is None


def test_svg_is_self_contained(claim_url: str) -> None:
    svg = qr_svg(claim_url, caption=grouped(new_code()))
    assert "href" not in svg and "url(" not in svg and "<image" not in svg and "<style" not in svg


def test_svg_caption_is_monospace_text(claim_url: str) -> None:
    caption = grouped(new_code())
    text = ET.fromstring(qr_svg(claim_url, caption=caption)).find(f"{SVG}text")
    assert text.text == caption
    assert text.get("font-family").endswith("monospace")


def test_svg_caption_is_escaped(claim_url: str) -> None:
    caption = 'Atelier <Canopé> & "B.O.A.T."'
    text = ET.fromstring(qr_svg(claim_url, caption=caption)).find(f"{SVG}text")
    assert text.text == caption


@pytest.mark.parametrize("level", ["l", "h", "", None])
def test_error_levels_other_than_m_and_q_are_refused(claim_url: str, level: object) -> None:
    with pytest.raises(ValueError, match="error correction"):
        qr_png(claim_url, error=level)  # type: ignore[arg-type]


def test_unknown_engine_is_refused(claim_url: str) -> None:
    with pytest.raises(ValueError, match="engine"):
        qr_svg(claim_url, engine="pyqrcode")


def test_empty_data_is_refused() -> None:
    with pytest.raises(ValueError, match="non-empty"):
        qr_png("")


@pytest.mark.parametrize("engine", ENGINES)
def test_data_too_long_for_any_qr_is_refused(engine: str) -> None:
    with pytest.raises(ValueError, match="cannot encode"):
        qr_matrix("x" * 3000, engine=engine)


@pytest.mark.parametrize("scale", [0, 65, 2.5, True])
def test_scale_outside_1_to_64_pixels_is_refused(claim_url: str, scale: object) -> None:
    with pytest.raises(ValueError, match="scale"):
        qr_png(claim_url, scale=scale)  # type: ignore[arg-type]


def test_multi_line_caption_is_refused(claim_url: str) -> None:
    with pytest.raises(ValueError, match="caption"):
        qr_svg(claim_url, caption="7KQM3\nXTPW9")
