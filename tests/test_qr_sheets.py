"""Printed sheets of single-use cards: rendered to PDF, rasterised with pdfium, read back with zxing."""

from __future__ import annotations

import io
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image, ImageDraw

from qr.layout import Box, card_boxes, card_grid
from qr.matrix import ENGINES
from qr.sheets import DEFAULT_INSTRUCTION_EN, DEFAULT_INSTRUCTION_FR, Card, render_sheet

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DPI = 200
EVENT = "Journée Open Badges — Atelier Canopé de Poitiers"


def new_code() -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(15))


def badge_png(mode: str = "RGBA") -> bytes:
    image = Image.new(mode, (256, 256), (255, 255, 255, 0) if mode == "RGBA" else "white")
    draw = ImageDraw.Draw(image)
    draw.regular_polygon((128, 128, 120), 6, fill=(20, 90, 180))
    draw.ellipse((78, 78, 178, 178), fill=(250, 200, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def make_cards(count: int, *, badge: bytes | None = None, badge_name: str = "Explorateur·rice du numérique",
               event_name: str = EVENT) -> list[Card]:
    cards = []
    for _ in range(count):
        code = new_code()
        cards.append(Card(
            url=f"https://badges.example.org/c/{code}",
            code_display=f"{code[:5]}-{code[5:10]}-{code[10:]}",
            badge_name=badge_name,
            event_name=event_name,
            badge_image=badge,
        ))
    return cards


def render(cards: list[Card], **options: object) -> tuple[bytes, int]:
    out = io.BytesIO()
    pages = render_sheet(cards, out, **options)  # type: ignore[arg-type]
    return out.getvalue(), pages


def rasterise(pdf: bytes, page: int = 0) -> Image.Image:
    return pdfium.PdfDocument(pdf)[page].render(scale=DPI / 72, grayscale=True).to_pil().convert("L")


def pixel_box(box: Box, page_height: float) -> tuple[int, int, int, int]:
    """A box in points (origin bottom-left) as a Pillow crop box in pixels (origin top-left)."""
    k = DPI / 72
    return (round(box.x * k), round((page_height - box.top) * k), round(box.right * k),
            round((page_height - box.y) * k))


def read(image: Image.Image) -> list[zxingcpp.Barcode]:
    return zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)


@dataclass
class RenderedSheet:
    cards: list[Card]
    pdf: bytes
    pages: int
    page_one: Image.Image


@pytest.fixture(scope="module")
def sheet_of_36(tmp_path_factory: pytest.TempPathFactory) -> RenderedSheet:
    cards = make_cards(36, badge=badge_png())
    pdf, pages = render(cards)
    page_one = rasterise(pdf)
    artefacts = Path(os.environ.get("BADGECLAIM_ARTIFACTS_DIR") or tmp_path_factory.mktemp("artefacts"))
    artefacts.mkdir(parents=True, exist_ok=True)
    page_one.save(artefacts / "qr_sheet_36_codes_page1.png")
    (artefacts / "qr_sheet_36_codes.pdf").write_bytes(pdf)
    return RenderedSheet(cards, pdf, pages, page_one)


def test_36_cards_at_12_per_page_make_3_pages(sheet_of_36: RenderedSheet) -> None:
    assert sheet_of_36.pages == 3
    assert len(pdfium.PdfDocument(sheet_of_36.pdf)) == 3


def test_every_card_cropped_from_the_sheet_decodes_back_to_its_url(sheet_of_36: RenderedSheet) -> None:
    document = pdfium.PdfDocument(sheet_of_36.pdf)
    _, page_height = document[0].get_size()
    boxes = card_boxes("A4", 12)
    decoded = []
    for page in range(3):
        image = rasterise(sheet_of_36.pdf, page)
        decoded += [[b.text for b in read(image.crop(pixel_box(box, page_height)))] for box in boxes]
    assert decoded == [[card.url] for card in sheet_of_36.cards]


def test_every_code_is_real_text_in_the_pdf(sheet_of_36: RenderedSheet) -> None:
    document = pdfium.PdfDocument(sheet_of_36.pdf)
    text = "".join(document[page].get_textpage().get_text_range() for page in range(3))
    assert all(card.code_display in text for card in sheet_of_36.cards)


def test_names_and_both_instructions_are_in_the_text_layer(sheet_of_36: RenderedSheet) -> None:
    text = pdfium.PdfDocument(sheet_of_36.pdf)[0].get_textpage().get_text_range()
    for line in (EVENT, "Explorateur·rice du numérique", DEFAULT_INSTRUCTION_FR, DEFAULT_INSTRUCTION_EN):
        assert text.count(line) == 12


def test_each_qr_of_page_one_lies_inside_its_cut_marks(sheet_of_36: RenderedSheet) -> None:
    page_height = pdfium.PdfDocument(sheet_of_36.pdf)[0].get_size()[1]
    page_one_cards = zip(sheet_of_36.cards, card_boxes("A4", 12))
    boxes = {card.url: pixel_box(box, page_height) for card, box in page_one_cards}
    found = read(sheet_of_36.page_one)
    assert sorted(b.text for b in found) == sorted(boxes)
    for barcode in found:
        left, top, right, bottom = boxes[barcode.text]
        p = barcode.position
        for corner in (p.top_left, p.top_right, p.bottom_left, p.bottom_right):
            assert left < corner.x < right and top < corner.y < bottom, barcode.text


def test_cut_marks_cross_at_every_card_corner(sheet_of_36: RenderedSheet) -> None:
    page_height = pdfium.PdfDocument(sheet_of_36.pdf)[0].get_size()[1]
    image = sheet_of_36.page_one
    for box in card_boxes("A4", 12):
        left, top, right, bottom = pixel_box(box, page_height)
        for x, y in ((left, top), (right, top), (left, bottom), (right, bottom)):
            assert image.crop((x - 2, y - 2, x + 3, y + 3)).getextrema()[0] < 200, (x, y)
            # An arm of the cross runs along the cut line, 2 mm away from the corner.
            arm = round(2 / 25.4 * DPI)
            assert image.crop((x + arm - 2, y - 2, x + arm + 3, y + 3)).getextrema()[0] < 200, (x, y)


def test_all_text_stays_inside_its_card() -> None:
    long_name = "Badge de compétences numériques avancées pour les formateurs et formatrices"
    cards = make_cards(12, badge=badge_png(), badge_name=long_name, event_name=long_name)
    pdf, _ = render(cards)
    page = pdfium.PdfDocument(pdf)[0]
    boxes = card_boxes("A4", 12)
    text_page = page.get_textpage()
    for index in range(text_page.count_chars()):
        left, bottom, right, top = text_page.get_charbox(index)
        if right <= left:  # spaces and generated line breaks have no extent
            continue
        assert any(b.x <= left and right <= b.right and b.y <= bottom and top <= b.top for b in boxes)
    assert "…" in text_page.get_text_range()


def test_progress_is_told_each_card_done() -> None:
    done: list[int] = []
    render(make_cards(14), progress=done.append)
    assert done == list(range(1, 15))


def test_qr_is_vector_with_no_image_in_the_pdf() -> None:
    pdf, _ = render(make_cards(3))
    assert b"/Subtype /Image" not in pdf


def test_badge_image_is_embedded_once_however_many_cards() -> None:
    badge = badge_png(mode="RGB")
    pdf, _ = render(make_cards(30, badge=badge))
    assert pdf.count(b"/Subtype /Image") == 1


def test_same_cards_render_the_same_bytes() -> None:
    cards = make_cards(4, badge=badge_png())
    assert render(cards)[0] == render(cards)[0]


@pytest.mark.parametrize("engine", ENGINES)
def test_every_engine_prints_readable_cards(engine: str) -> None:
    cards = make_cards(3)
    pdf, _ = render(cards, engine=engine)
    image = rasterise(pdf)
    assert sorted(b.text for b in read(image)) == sorted(card.url for card in cards)


@pytest.mark.parametrize(("page_size", "per_page"), [("A4", 1), ("A4", 24), ("LETTER", 12), ("LETTER", 20)])
def test_layouts_at_both_extremes_print_readable_cards(page_size: str, per_page: int) -> None:
    cards = make_cards(per_page, badge=badge_png())
    pdf, pages = render(cards, page_size=page_size, per_page=per_page)
    document = pdfium.PdfDocument(pdf)
    width, height = document[0].get_size()
    assert pages == 1
    assert (round(width), round(height)) == {"A4": (595, 842), "LETTER": (612, 792)}[page_size]
    image = rasterise(pdf)
    decoded = [[b.text for b in read(image.crop(pixel_box(box, height)))]
               for box in card_boxes(page_size, per_page)]
    assert decoded == [[card.url] for card in cards]


def test_twelve_cards_on_a4_are_three_columns_by_four_rows() -> None:
    assert card_grid("A4", 12) == (3, 4)


def test_card_boxes_tile_the_page_without_overlap() -> None:
    boxes = card_boxes("LETTER", 20)
    page = Box(0, 0, 612, 792)
    assert all(page.contains(box) for box in boxes)
    eps = 1e-6
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a.right <= b.x + eps or b.right <= a.x + eps or a.top <= b.y + eps or b.top <= a.y + eps


def test_a_page_count_that_cannot_fit_is_refused_with_the_valid_choices() -> None:
    with pytest.raises(ValueError, match=r"choose per_page among 1, 2, 3, 4, 5, 6, 8, 9, 10, 12"):
        render(make_cards(1), per_page=7)


@pytest.mark.parametrize("per_page", [0, -3, 41, 2.0, None])
def test_per_page_outside_1_to_40_is_refused(per_page: object) -> None:
    with pytest.raises(ValueError, match="per_page"):
        render(make_cards(1), per_page=per_page)


def test_unknown_page_size_is_refused() -> None:
    with pytest.raises(ValueError, match="page_size"):
        render(make_cards(1), page_size="A5")


def test_a_sheet_without_cards_is_refused_and_writes_nothing() -> None:
    out = io.BytesIO()
    with pytest.raises(ValueError, match="at least one card"):
        render_sheet([], out)
    assert out.getvalue() == b""


def test_blank_instruction_is_refused() -> None:
    with pytest.raises(ValueError, match="instruction_fr"):
        render(make_cards(1), instruction_fr="  ")


def test_unknown_engine_is_refused_before_rendering() -> None:
    with pytest.raises(ValueError, match="engine"):
        render(make_cards(1), engine="pyqrcode")


def test_card_without_a_code_to_type_is_refused() -> None:
    with pytest.raises(ValueError, match="code_display"):
        Card(url="https://badges.example.org/c/X", code_display="", badge_name="B", event_name="E")


def test_unreadable_badge_image_is_refused() -> None:
    with pytest.raises(ValueError, match="badge image"):
        render(make_cards(1, badge=b"\x89PNG\r\n\x1a\n not really"))
