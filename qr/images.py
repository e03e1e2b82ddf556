"""Single QR images of a URL, as PNG bytes and as self-contained SVG text, with an optional caption."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from PIL import Image, ImageDraw, ImageFont

from qr.matrix import DEFAULT_ENGINE, QUIET_ZONE, QRMatrix, qr_matrix

MAX_SCALE = 64
# Monospace fonts advance about 0.6 em per character; used to size the SVG caption without fonts.
_MONOSPACE_ADVANCE_EM = 0.6
_SVG_FONT_FAMILY = "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, 'Liberation Mono', monospace"
# Dark modules (1) become black pixels (0), light modules (0) white ones (255).
_BITS_TO_GREY = bytes([255, 0] + [255] * 254)


def qr_png(
    data: str,
    *,
    caption: str | None = None,
    scale: int = 8,
    error: str = "q",
    engine: str = DEFAULT_ENGINE,
) -> bytes:
    """A greyscale PNG of ``data``: ``scale`` pixels per module, the quiet zone kept, caption below."""
    if isinstance(scale, bool) or not isinstance(scale, int) or not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"scale must be an integer from 1 to {MAX_SCALE}, not {scale!r}")
    _check_caption(caption)
    symbol = _symbol_image(qr_matrix(data, error=error, engine=engine), scale)
    image = _with_png_caption(symbol, caption, scale) if caption else symbol
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def qr_svg(
    data: str,
    *,
    caption: str | None = None,
    error: str = "q",
    engine: str = DEFAULT_ENGINE,
) -> str:
    """An SVG document of ``data`` in module units (viewBox, no fixed size), caption as real text.

    It carries its own white background so the quiet zone survives on a dark kiosk page.
    """
    _check_caption(caption)
    matrix = qr_matrix(data, error=error, engine=engine)
    side = matrix.size + 2 * QUIET_ZONE
    path = "".join(
        f"M{x + QUIET_ZONE} {y + QUIET_ZONE}h{length}v1h-{length}z" for y, x, length in matrix.dark_runs()
    )
    height: float = side
    text = ""
    if caption:
        font_size = min(3.0, (side - 2) / (_MONOSPACE_ADVANCE_EM * len(caption)))
        height = side + 1.5 * font_size
        text = (
            f'<text x="{_num(side / 2)}" y="{_num(side + font_size)}" font-family="{_SVG_FONT_FAMILY}" '
            f'font-size="{_num(font_size)}" font-weight="bold" text-anchor="middle" fill="#000">'
            f"{escape(caption)}</text>"
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {_num(height)}" '
        f'role="img" aria-label="QR code">'
        f'<rect width="{side}" height="{_num(height)}" fill="#fff"/>'
        f'<path d="{path}" fill="#000" shape-rendering="crispEdges"/>'
        f"{text}</svg>"
    )


def _check_caption(caption: str | None) -> None:
    if caption is not None and (not isinstance(caption, str) or "\n" in caption):
        raise ValueError("caption must be a single line of text")


def _symbol_image(matrix: QRMatrix, scale: int) -> Image.Image:
    side = matrix.size + 2 * QUIET_ZONE
    margin_rows = b"\xff" * (side * QUIET_ZONE)
    margin = b"\xff" * QUIET_ZONE
    pixels = b"".join(
        [margin_rows, *(margin + row.translate(_BITS_TO_GREY) + margin for row in matrix.rows), margin_rows]
    )
    one_pixel_per_module = Image.frombytes("L", (side, side), pixels)
    # NEAREST keeps module edges sharp; any smoothing would blur them for the decoder.
    return one_pixel_per_module.resize((side * scale, side * scale), Image.Resampling.NEAREST)


def _with_png_caption(symbol: Image.Image, caption: str, scale: int) -> Image.Image:
    width = symbol.width
    usable = width - 4 * scale
    size = 3 * scale
    font = ImageFont.load_default(size=size)
    measured = font.getlength(caption)
    if measured > usable:
        size = max(6, int(size * usable / measured))
        font = ImageFont.load_default(size=size)
    band = int(size * 1.8)
    image = Image.new("L", (width, symbol.height + band), 255)
    image.paste(symbol, (0, 0))
    # The caption sits below the whole quiet zone: text inside it can stop phones finding the symbol.
    ImageDraw.Draw(image).text((width / 2, symbol.height + band / 2), caption, fill=0, font=font, anchor="mm")
    return image


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")
