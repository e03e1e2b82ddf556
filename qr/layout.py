"""Page geometry for printed codes: page sizes and where each card sits on a sheet, in PDF points."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib import pagesizes
from reportlab.lib.units import mm

SHEET_PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": pagesizes.A4, "LETTER": pagesizes.LETTER}
POSTER_PAGE_SIZES: dict[str, tuple[float, float]] = {"A4": pagesizes.A4, "A3": pagesizes.A3}
# Office printers cannot print the outer 4-6 mm of a page; 10 mm keeps cut marks on paper.
SHEET_MARGIN = 10 * mm
# Below this a card cannot hold a QR that a phone reads at arm's length plus legible text.
MIN_CARD_WIDTH = 45 * mm
MIN_CARD_HEIGHT = 45 * mm
MAX_PER_PAGE = 40


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle on a page in PDF points, origin at the bottom-left corner of the page."""

    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def top(self) -> float:
        return self.y + self.height

    def contains(self, other: Box) -> bool:
        return (
            self.x <= other.x and self.y <= other.y and other.right <= self.right and other.top <= self.top
        )


def sheet_page_size(page_size: str) -> tuple[float, float]:
    """Width and height in points of a sheet page named ``A4`` or ``LETTER`` (any case)."""
    return _page_size(page_size, SHEET_PAGE_SIZES)


def poster_page_size(page_size: str) -> tuple[float, float]:
    """Width and height in points of a poster page named ``A4`` or ``A3`` (any case)."""
    return _page_size(page_size, POSTER_PAGE_SIZES)


def card_grid(page_size: str, per_page: int) -> tuple[int, int]:
    """Columns and rows used for ``per_page`` cards: the full grid whose cards are the largest.

    Only grids that are exactly full are used, so every page of a sheet is cut the same way.
    """
    width, height = sheet_page_size(page_size)
    if isinstance(per_page, bool) or not isinstance(per_page, int) or not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"per_page must be an integer from 1 to {MAX_PER_PAGE}, not {per_page!r}")
    grid = _best_grid(width, height, per_page)
    if grid is None:
        valid = [n for n in range(1, MAX_PER_PAGE + 1) if _best_grid(width, height, n) is not None]
        raise ValueError(
            f"{per_page} cards do not fit on a {page_size.upper()} page at a readable size; "
            f"choose per_page among {', '.join(map(str, valid))}"
        )
    return grid


def card_boxes(page_size: str, per_page: int) -> list[Box]:
    """The card rectangles of one sheet page in reading order (left to right, top to bottom).

    Neighbouring cards share their edges, so a single cut separates them.
    """
    width, height = sheet_page_size(page_size)
    columns, rows = card_grid(page_size, per_page)
    card_width = (width - 2 * SHEET_MARGIN) / columns
    card_height = (height - 2 * SHEET_MARGIN) / rows
    top = height - SHEET_MARGIN
    return [
        Box(SHEET_MARGIN + column * card_width, top - (row + 1) * card_height, card_width, card_height)
        for row in range(rows)
        for column in range(columns)
    ]


def _best_grid(width: float, height: float, per_page: int) -> tuple[int, int] | None:
    usable_width = width - 2 * SHEET_MARGIN
    usable_height = height - 2 * SHEET_MARGIN
    best: tuple[float, tuple[int, int]] | None = None
    for columns in range(1, per_page + 1):
        if per_page % columns:
            continue
        rows = per_page // columns
        card_width, card_height = usable_width / columns, usable_height / rows
        if card_width < MIN_CARD_WIDTH or card_height < MIN_CARD_HEIGHT:
            continue
        # A card stacks a header, the QR and three text lines, so it needs about 1.25x its width
        # in height; the QR side the cell allows is what ranks grids.
        qr_side = min(card_width, card_height / 1.25)
        if best is None or qr_side > best[0]:
            best = (qr_side, (columns, rows))
    return None if best is None else best[1]


def _page_size(page_size: str, sizes: dict[str, tuple[float, float]]) -> tuple[float, float]:
    key = page_size.upper() if isinstance(page_size, str) else page_size
    if key not in sizes:
        raise ValueError(f"page_size must be one of {', '.join(sizes)}, not {page_size!r}")
    return sizes[key]
