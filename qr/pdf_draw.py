"""Reportlab drawing shared by sheets and posters: vector QR symbols, fitted text, reused badge images."""

from __future__ import annotations

import hashlib
import io
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from qr.fonts import REGULAR, pdf_font, text_runs, text_width
from qr.matrix import QUIET_ZONE, QRMatrix

# A badge is printed at most ~10 cm wide on a poster: 1,200 px is 300 dpi there, and keeps a
# photographer's 6,000 px badge from bloating every PDF.
MAX_BADGE_PIXELS = 1200
ELLIPSIS = "\u2026"


def new_canvas(out: BinaryIO, page_size: tuple[float, float], title: str) -> Canvas:
    """A compressed PDF canvas writing to ``out`` when saved."""
    # invariant=1 leaves out the creation date, so the same input always gives the same bytes.
    # The initial font is one of ours, else reportlab adds Helvetica to every PDF though nothing uses it.
    canvas = Canvas(out, pagesize=page_size, pageCompression=1, invariant=1,
                    initialFontName=pdf_font(REGULAR))
    canvas.setCreator("badgeclaim")
    canvas.setTitle(title)
    return canvas


def require_line(label: str, text: object) -> None:
    """Refuse anything but one non-empty line: every text on a card or poster is drawn as one line."""
    if not isinstance(text, str) or not text.strip() or "\n" in text:
        raise ValueError(f"{label} must be one non-empty line of text, not {text!r}")


def draw_qr(canvas: Canvas, matrix: QRMatrix, x: float, y: float, side: float) -> None:
    """Draw ``matrix`` with its quiet zone as a ``side``-point square whose bottom-left is (x, y).

    Modules are emitted as raw ``re`` operators in small integers under one transform. Reportlab's
    path API formats every coordinate as a float: on 1,000 symbols it took 1.5 s and 1.5 MB
    against 0.3 s and 0.6 MB this way.
    """
    module = side / (matrix.size + 2 * QUIET_ZONE)
    rectangles = " ".join(
        f"{column + QUIET_ZONE} {row + QUIET_ZONE} {length} 1 re"
        for row, column, length in matrix.dark_runs()
    )
    # The transform flips y so rows count downwards from the top of the symbol, as in the matrix.
    canvas.addLiteral(f"q 0 g {module:.4f} 0 0 {-module:.4f} {x:.3f} {y + side:.3f} cm {rectangles} f Q")


def fit_text(text: str, style: str, size: float, max_width: float, *, min_size: float) -> tuple[str, float]:
    """Shrink ``size`` until ``text`` fits ``max_width``; past ``min_size``, cut it with an ellipsis.

    ``style`` is one of qr.fonts.STYLES; widths are measured run by run in the fonts that draw them.
    """
    width = text_width(text, style, size)
    if width <= max_width:
        return text, size
    fitted = size * max_width / width
    if fitted >= min_size:
        return text, fitted
    shortened = text
    while shortened and text_width(shortened + ELLIPSIS, style, min_size) > max_width:
        shortened = shortened[:-1]
    return shortened.rstrip() + ELLIPSIS, min_size


def draw_text(canvas: Canvas, x: float, baseline: float, text: str, style: str, size: float) -> None:
    """One line of real (selectable, searchable) text from (x, baseline), each run in a font that has it."""
    line = canvas.beginText(x, baseline)
    for font, piece in text_runs(text, style):
        line.setFont(font, size)
        line.textOut(piece)
    canvas.drawText(line)


def draw_centred_line(
    canvas: Canvas, text: str, style: str, size: float, centre_x: float, baseline: float, max_width: float
) -> None:
    """One line of text in ``style``, centred and fitted to ``max_width``."""
    fitted, fitted_size = fit_text(text, style, size, max_width, min_size=size * 0.6)
    draw_text(canvas, centre_x - text_width(fitted, style, fitted_size) / 2, baseline, fitted, style,
              fitted_size)


class BadgeImageForms:
    """Each distinct badge image becomes one PDF form, drawn by reference wherever it appears.

    Without this reportlab would re-hash the pixels at every card; with it a 1,000-card sheet
    holds the image once and each card costs one ``Do`` operator.
    """

    def __init__(self, canvas: Canvas) -> None:
        self._canvas = canvas
        self._forms: dict[bytes, str] = {}

    def draw(self, png: bytes, x: float, y: float, side: float) -> None:
        """Draw the image fitted (aspect kept) and centred in a ``side``-point square at (x, y)."""
        digest = hashlib.sha256(png).digest()
        name = self._forms.get(digest)
        if name is None:
            name = f"badge{len(self._forms)}"
            self._define(name, png)
            self._forms[digest] = name
        self._canvas.saveState()
        self._canvas.translate(x, y)
        self._canvas.scale(side, side)
        self._canvas.doForm(name)
        self._canvas.restoreState()

    def _define(self, name: str, png: bytes) -> None:
        reader = ImageReader(io.BytesIO(_printable_badge(png)))
        self._canvas.beginForm(name, lowerx=0, lowery=0, upperx=1, uppery=1)
        self._canvas.drawImage(reader, 0, 0, 1, 1, mask="auto", preserveAspectRatio=True, anchor="c")
        self._canvas.endForm()


def _printable_badge(png: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(png)) as image:
            image.load()
            if max(image.size) <= MAX_BADGE_PIXELS and image.format == "PNG":
                return png
            image.thumbnail((MAX_BADGE_PIXELS, MAX_BADGE_PIXELS), Image.Resampling.LANCZOS)
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            return buffer.getvalue()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValueError(f"badge image is not a readable PNG: {exc}") from exc
