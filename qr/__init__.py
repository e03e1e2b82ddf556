"""QR codes for claims: images, printable sheets and posters, and reading codes out of photos."""

from qr.reader import QRDecodeError, decode
from qr.images import qr_png, qr_svg
from qr.layout import Box, card_boxes, card_grid
from qr.matrix import DEFAULT_ENGINE, ENGINES, QRMatrix, qr_matrix
from qr.posters import Poster, render_posters
from qr.sheets import DEFAULT_INSTRUCTION_EN, DEFAULT_INSTRUCTION_FR, Card, render_sheet

__all__ = [
    "DEFAULT_ENGINE",
    "DEFAULT_INSTRUCTION_EN",
    "DEFAULT_INSTRUCTION_FR",
    "ENGINES",
    "Box",
    "Card",
    "Poster",
    "QRDecodeError",
    "QRMatrix",
    "card_boxes",
    "card_grid",
    "decode",
    "qr_matrix",
    "qr_png",
    "qr_svg",
    "render_posters",
    "render_sheet",
]
