"""Print-ready PDF posters: one large multi-use QR per page with the badge, event and validity window."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from qr.fonts import BOLD, CODE, OBLIQUE, REGULAR
from qr.layout import poster_page_size
from qr.matrix import DEFAULT_ENGINE, check_symbol_options, qr_matrix
from qr.pdf_draw import BadgeImageForms, draw_centred_line, draw_qr, new_canvas, require_line
from qr.sheets import DEFAULT_INSTRUCTION_EN, DEFAULT_INSTRUCTION_FR

# Sizes below are for A4; an A3 poster scales them by the ratio of page widths.
_A4_WIDTH = 210 * mm
_MARGIN = 15 * mm


@dataclass(frozen=True, slots=True)
class Poster:
    """One multi-use code. The validity lines are already formatted by the caller, in its language.

    ``code_display`` lets people without a camera type the code; ``badge_image`` is PNG bytes.
    """

    url: str
    badge_name: str
    event_name: str
    validity_fr: str | None = None
    validity_en: str | None = None
    code_display: str | None = None
    badge_image: bytes | None = None

    def __post_init__(self) -> None:
        for field in ("url", "badge_name", "event_name"):
            require_line(f"Poster.{field}", getattr(self, field))
        for field in ("validity_fr", "validity_en", "code_display"):
            if getattr(self, field) is not None:
                require_line(f"Poster.{field}", getattr(self, field))
        if self.badge_image is not None and not isinstance(self.badge_image, bytes):
            raise ValueError("Poster.badge_image must be PNG bytes or None")


def render_posters(
    posters: Iterable[Poster],
    out: BinaryIO,
    *,
    page_size: str = "A4",
    instruction_fr: str = DEFAULT_INSTRUCTION_FR,
    instruction_en: str = DEFAULT_INSTRUCTION_EN,
    engine: str = DEFAULT_ENGINE,
    error: str = "q",
) -> int:
    """Write a PDF with one page per poster (portrait A4 or A3); return the page count."""
    width, height = poster_page_size(page_size)
    require_line("instruction_fr", instruction_fr)
    require_line("instruction_en", instruction_en)
    check_symbol_options(error=error, engine=engine)

    canvas = new_canvas(out, (width, height), "Poster")
    badges = BadgeImageForms(canvas)
    pages = 0
    for poster in posters:
        if not isinstance(poster, Poster):
            raise ValueError(f"posters must be Poster instances, not {type(poster).__name__}")
        _draw_poster(canvas, badges, poster, width, height, instruction_fr, instruction_en, engine, error)
        canvas.showPage()
        pages += 1
    if pages == 0:
        raise ValueError("a poster PDF needs at least one poster")
    canvas.save()
    return pages


def _draw_poster(
    canvas: Canvas,
    badges: BadgeImageForms,
    poster: Poster,
    width: float,
    height: float,
    instruction_fr: str,
    instruction_en: str,
    engine: str,
    error: str,
) -> None:
    k = width / _A4_WIDTH
    margin = _MARGIN * k
    text_width = width - 2 * margin
    centre = width / 2
    top = height - margin

    if poster.badge_image is not None:
        side = 38 * mm * k
        badges.draw(poster.badge_image, centre - side / 2, top - side, side)
        top -= side + 10 * k
    top -= 26 * k
    draw_centred_line(canvas, poster.badge_name, BOLD, 28 * k, centre, top, text_width)
    top -= 24 * k
    draw_centred_line(canvas, poster.event_name, REGULAR, 17 * k, centre, top, text_width)

    # Lines under the QR, bottom up: English instruction, French instruction, validity, code.
    lines: list[tuple[str, str, float]] = [
        (instruction_en, OBLIQUE, 16 * k),
        (instruction_fr, BOLD, 20 * k),
    ]
    if poster.validity_en:
        lines.append((poster.validity_en, OBLIQUE, 12 * k))
    if poster.validity_fr:
        lines.append((poster.validity_fr, REGULAR, 13 * k))
    if poster.code_display:
        lines.append((poster.code_display, CODE, 22 * k))
    baseline = margin + 4 * k
    for text, font, size in lines:
        draw_centred_line(canvas, text, font, size, centre, baseline, text_width)
        baseline += size * 1.45

    qr_bottom = baseline
    qr_top = top - 14 * k
    side = min(text_width, qr_top - qr_bottom)
    draw_qr(canvas, qr_matrix(poster.url, error=error, engine=engine), centre - side / 2,
            qr_bottom + (qr_top - qr_bottom - side) / 2, side)
