"""Print-ready PDF sheets of single-use claim cards: a vector QR, the typable code and cut marks each."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from qr.fonts import BOLD, CODE, OBLIQUE, REGULAR, text_width
from qr.layout import Box, card_boxes, sheet_page_size
from qr.matrix import DEFAULT_ENGINE, check_symbol_options, qr_matrix
from qr.pdf_draw import (BadgeImageForms, draw_centred_line, draw_qr, draw_text, fit_text, new_canvas,
                         require_line)

DEFAULT_INSTRUCTION_FR = "Scannez pour recevoir votre badge"
DEFAULT_INSTRUCTION_EN = "Scan to get your badge"
CUT_MARK_ARM = 3 * mm
# Sizes below are for a 63 mm card (12 per A4 page); other card sizes scale them by this reference.
_REFERENCE_CARD = 63 * mm


@dataclass(frozen=True, slots=True)
class Card:
    """One printed single-use code; ``badge_image`` is PNG bytes, or None to print no image."""

    url: str
    code_display: str
    badge_name: str
    event_name: str
    badge_image: bytes | None = None

    def __post_init__(self) -> None:
        for field in ("url", "code_display", "badge_name", "event_name"):
            require_line(f"Card.{field}", getattr(self, field))
        if self.badge_image is not None and not isinstance(self.badge_image, bytes):
            raise ValueError("Card.badge_image must be PNG bytes or None")


def render_sheet(
    cards: Iterable[Card],
    out: BinaryIO,
    *,
    page_size: str = "A4",
    per_page: int = 12,
    instruction_fr: str = DEFAULT_INSTRUCTION_FR,
    instruction_en: str = DEFAULT_INSTRUCTION_EN,
    progress: Callable[[int], None] | None = None,
    engine: str = DEFAULT_ENGINE,
    error: str = "q",
) -> int:
    """Write a PDF of ``cards``, ``per_page`` to a page in reading order; return the page count.

    ``progress`` gets the number of cards drawn so far after each card. Nothing is written to
    ``out`` unless the whole sheet renders.
    """
    width, height = sheet_page_size(page_size)
    boxes = card_boxes(page_size, per_page)
    require_line("instruction_fr", instruction_fr)
    require_line("instruction_en", instruction_en)
    if progress is not None and not callable(progress):
        raise ValueError("progress must be a callable taking the number of cards done")
    check_symbol_options(error=error, engine=engine)

    canvas = new_canvas(out, (width, height), "Codes")
    layout = _CardLayout(boxes[0].width, boxes[0].height)
    badges = BadgeImageForms(canvas)
    done = 0
    for card in cards:
        if not isinstance(card, Card):
            raise ValueError(f"cards must be Card instances, not {type(card).__name__}")
        slot = done % per_page
        layout.draw(canvas, badges, card, boxes[slot], instruction_fr, instruction_en, engine, error)
        done += 1
        if slot == per_page - 1:
            _finish_page(canvas, boxes)
        if progress is not None:
            progress(done)
    if done == 0:
        raise ValueError("a sheet needs at least one card")
    if done % per_page:
        _finish_page(canvas, boxes[: done % per_page])
    canvas.save()
    return (done + per_page - 1) // per_page


class _CardLayout:
    """Positions inside a card, relative to its bottom-left corner; every card on a sheet shares them."""

    def __init__(self, width: float, height: float) -> None:
        k = min(2.6, max(0.7, min(width, height / 1.1) / _REFERENCE_CARD))
        pad = max(3.5 * mm, 4 * mm * k)
        self.inner_width = width - 2 * pad
        self.centre_x = width / 2
        self.header_side = 9 * mm * k
        header_top = height - pad
        self.header_bottom = header_top - self.header_side
        self.name_size, self.event_size = 9 * k, 7 * k
        self.name_baseline = header_top - 0.42 * self.header_side
        self.event_baseline = header_top - 0.88 * self.header_side
        self.code_size, self.instruction_size = 11 * k, 6.5 * k
        self.en_baseline = pad + 1.5 * k
        self.fr_baseline = self.en_baseline + 8.2 * k
        self.code_baseline = self.fr_baseline + 12.5 * k
        # The QR's own quiet zone separates it from the header and the code line.
        qr_bottom = self.code_baseline + 0.75 * self.code_size
        qr_top = self.header_bottom - 1 * mm * k
        self.qr_side = min(self.inner_width, qr_top - qr_bottom)
        self.qr_x = (width - self.qr_side) / 2
        self.qr_y = qr_bottom + (qr_top - qr_bottom - self.qr_side) / 2

    def draw(
        self,
        canvas: Canvas,
        badges: BadgeImageForms,
        card: Card,
        box: Box,
        instruction_fr: str,
        instruction_en: str,
        engine: str,
        error: str,
    ) -> None:
        x, y = box.x, box.y
        image_width = 0.0 if card.badge_image is None else self.header_side + 2 * mm
        name, name_size = fit_text(card.badge_name, BOLD, self.name_size,
                                   self.inner_width - image_width, min_size=self.name_size * 0.7)
        event, event_size = fit_text(card.event_name, REGULAR, self.event_size,
                                     self.inner_width - image_width, min_size=self.event_size * 0.7)
        # The badge and its names form one block, centred above the QR whatever the card's width.
        block_width = max(text_width(name, BOLD, name_size), text_width(event, REGULAR, event_size))
        left = x + self.centre_x - (image_width + block_width) / 2
        if card.badge_image is not None:
            badges.draw(card.badge_image, left, y + self.header_bottom, self.header_side)
        draw_text(canvas, left + image_width, y + self.name_baseline, name, BOLD, name_size)
        draw_text(canvas, left + image_width, y + self.event_baseline, event, REGULAR, event_size)
        draw_qr(canvas, qr_matrix(card.url, error=error, engine=engine), x + self.qr_x, y + self.qr_y,
                self.qr_side)
        centre = x + self.centre_x
        draw_centred_line(canvas, card.code_display, CODE, self.code_size, centre,
                          y + self.code_baseline, self.inner_width)
        draw_centred_line(canvas, instruction_fr, BOLD, self.instruction_size, centre,
                          y + self.fr_baseline, self.inner_width)
        draw_centred_line(canvas, instruction_en, OBLIQUE, self.instruction_size, centre,
                          y + self.en_baseline, self.inner_width)


def _finish_page(canvas: Canvas, boxes: list[Box]) -> None:
    """Cut marks for the cards drawn on this page: a small cross at every corner, on the cut lines."""
    corners = {(round(px, 3), round(py, 3)) for b in boxes for px in (b.x, b.right) for py in (b.y, b.top)}
    canvas.saveState()
    canvas.setLineWidth(0.3)
    canvas.setStrokeGray(0.45)
    canvas.lines(
        [(px - CUT_MARK_ARM, py, px + CUT_MARK_ARM, py) for px, py in sorted(corners)]
        + [(px, py - CUT_MARK_ARM, px, py + CUT_MARK_ARM) for px, py in sorted(corners)]
    )
    canvas.restoreState()
    canvas.showPage()
