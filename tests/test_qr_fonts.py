"""Printed text in any script: embedded Unicode fonts, a font per character, text that copies back out."""

from __future__ import annotations

import io
import re

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageFilter

from qr.fonts import BOLD, CODE, PLACEHOLDER, REGULAR, font_file, pdf_font, text_runs, text_width
from qr.layout import card_boxes
from qr.pdf_draw import fit_text
from qr.posters import Poster, render_posters
from qr.sheets import Card, render_sheet

DPI = 200
NAMES = ["Łódź", "Ζωή", "Ёлка ✓", "Fête 🎉 😀"]


def sheet_pdf(names: list[str], event_name: str = "Atelier") -> bytes:
    out = io.BytesIO()
    render_sheet([Card(f"https://badges.example.org/c/CODE{i}", f"ABCDE-FGHJK-{i:05d}", name, event_name)
                  for i, name in enumerate(names)], out)
    return out.getvalue()


def poster_pdf(names: list[str]) -> bytes:
    out = io.BytesIO()
    render_posters([Poster(url=f"https://badges.example.org/c/CODE{i}", badge_name=name,
                           event_name="Rencontre — Ζωή", validity_fr="Valable le 12 juin 2026 à 9 h",
                           code_display="ABCDE-FGHJK-MNPQR") for i, name in enumerate(names)], out)
    return out.getvalue()


def page_texts(pdf: bytes) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(pdf)]


def base_fonts(pdf: bytes) -> set[str]:
    # Font dictionaries are plain objects, left uncompressed by reportlab even in a compressed PDF.
    return {name.split("+")[-1] for name in re.findall(r"/BaseFont /(\S+)", pdf.decode("latin-1"))}


def first_card_header(pdf: bytes) -> Image.Image:
    """The top fifth of the sheet's first card (badge name and event name), in grey levels."""
    page = pdfium.PdfDocument(pdf)[0]
    image = page.render(scale=DPI / 72, grayscale=True).to_pil().convert("L")
    box, k, height = card_boxes("A4", 12)[0], DPI / 72, page.get_height()
    return image.crop((round(box.x * k), round((height - box.top) * k), round(box.right * k),
                       round((height - box.top + 0.2 * box.height) * k)))


def dark_pixels(image: Image.Image) -> int:
    return sum(1 for level in image.get_flattened_data() if level < 128)


def test_sheet_names_in_other_scripts_copy_back_out_of_the_pdf():
    texts = page_texts(sheet_pdf(NAMES))
    assert all(name in texts[0] for name in NAMES), texts[0]


def test_poster_names_in_other_scripts_copy_back_out_of_the_pdf():
    texts = page_texts(poster_pdf(NAMES))
    assert [name in text for name, text in zip(NAMES, texts)] == [True] * len(NAMES), texts
    assert all("Rencontre — Ζωή" in text for text in texts)


def test_sheet_embeds_truetype_subsets_and_no_base14_font():
    pdf = sheet_pdf(NAMES)
    assert b"/FontFile2" in pdf
    assert {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono-Bold"} <= base_fonts(pdf)
    assert not base_fonts(pdf) & {"Helvetica", "Helvetica-Bold", "Courier-Bold", "ZapfDingbats", "Symbol"}


def test_poster_embeds_truetype_subsets_and_no_base14_font():
    fonts = base_fonts(poster_pdf(["Ёлка ✓"]))
    assert {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono-Bold"} <= fonts
    assert not fonts & {"Helvetica", "Helvetica-Bold", "Courier-Bold", "ZapfDingbats", "Symbol"}


def test_emoji_missing_from_dejavu_is_drawn_with_the_emoji_font():
    assert [font for font, _ in text_runs("Fête 🎉", BOLD)] == [pdf_font(BOLD), "badgeclaim-emoji"]
    assert "NotoEmoji-Regular" in base_fonts(sheet_pdf(["Fête 🎉"]))


@pytest.mark.parametrize("name", ["Ёлка Ζωή Łódź", "Ёлка ✓", "Fête 🎉 😀"])
def test_name_in_another_script_prints_as_letters_not_black_boxes(name):
    header = first_card_header(sheet_pdf([name]))
    # Letters are strokes a few pixels wide: eroding dark areas by 7 px leaves nothing of them,
    # while the filled squares printed for characters a font lacks survive it.
    solid = header.filter(ImageFilter.MaxFilter(7))
    assert dark_pixels(header) > 500
    assert dark_pixels(solid) == 0


def test_character_no_font_has_prints_as_the_replacement_mark():
    assert "".join(piece for _, piece in text_runs("山田 Łódź", REGULAR)) == f"{PLACEHOLDER}{PLACEHOLDER} Łódź"


def test_skin_tone_modifier_is_dropped_rather_than_printed_as_a_square():
    assert "".join(piece for _, piece in text_runs("👍🏽", REGULAR)) == "👍"


def test_decomposed_accents_are_composed_before_drawing():
    assert text_runs("Jose\u0301", REGULAR) == ((pdf_font(REGULAR), "José"),)


def test_width_of_mixed_text_adds_each_run_in_its_own_font():
    from reportlab.pdfbase.pdfmetrics import stringWidth

    expected = stringWidth("Fête ", pdf_font(BOLD), 10) + stringWidth("🎉", "badgeclaim-emoji", 10)
    assert text_width("Fête 🎉", BOLD, 10) == pytest.approx(expected)
    assert expected != pytest.approx(stringWidth("Fête 🎉", pdf_font(BOLD), 10))


def test_long_cyrillic_name_is_cut_with_an_ellipsis_to_fit():
    name = "Ёлка " * 30
    fitted, size = fit_text(name, BOLD, 9, 150, min_size=6)
    assert fitted.endswith("…") and size == 6
    assert 140 < text_width(fitted, BOLD, size) <= 150


def test_font_file_is_a_truetype_file_for_each_style():
    for style in (REGULAR, BOLD, CODE):
        assert font_file(style).read_bytes()[:4] == b"\x00\x01\x00\x00"


def test_unknown_style_is_refused():
    with pytest.raises(ValueError, match="style must be one of"):
        text_width("x", "Helvetica-Bold", 10)
