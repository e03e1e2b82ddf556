"""Posters of multi-use codes: one page each, a QR that reads back, the texts a person needs."""

from __future__ import annotations

import io
import secrets

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image, ImageDraw

from qr.posters import Poster, render_posters
from qr.sheets import DEFAULT_INSTRUCTION_EN, DEFAULT_INSTRUCTION_FR

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
VALIDITY_FR = "Valable le 12 juin 2026, de 9 h à 18 h"
VALIDITY_EN = "Valid on 12 June 2026, 9:00 to 18:00"


def new_code() -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(15))


def badge_png() -> bytes:
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    ImageDraw.Draw(image).regular_polygon((150, 150, 140), 8, fill=(200, 40, 60))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def poster(**changes: object) -> Poster:
    code = new_code()
    fields: dict[str, object] = {
        "url": f"https://t.me/SomeBot?start={code}",
        "badge_name": "Ambassadeur·rice B.O.A.T.",
        "event_name": "Rencontre régionale Badges Ouverts À Tous — Bordeaux",
        "validity_fr": VALIDITY_FR,
        "validity_en": VALIDITY_EN,
        "code_display": f"{code[:5]}-{code[5:10]}-{code[10:]}",
        "badge_image": badge_png(),
    }
    fields.update(changes)
    return Poster(**fields)  # type: ignore[arg-type]


def render(posters: list[Poster], **options: object) -> tuple[pdfium.PdfDocument, int]:
    out = io.BytesIO()
    pages = render_posters(posters, out, **options)  # type: ignore[arg-type]
    return pdfium.PdfDocument(out.getvalue()), pages


def read_page(document: pdfium.PdfDocument, page: int = 0) -> list[str]:
    image = document[page].render(scale=100 / 72, grayscale=True).to_pil()
    return [b.text for b in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


@pytest.mark.parametrize(("page_size", "points"), [("A4", (595, 842)), ("A3", (842, 1191))])
def test_poster_is_one_page_whose_qr_decodes_back(page_size: str, points: tuple[int, int]) -> None:
    one = poster()
    document, pages = render([one], page_size=page_size)
    assert pages == len(document) == 1
    assert tuple(round(v) for v in document[0].get_size()) == points
    assert read_page(document) == [one.url]


def test_poster_qr_fills_most_of_the_page_width() -> None:
    document, _ = render([poster()])
    image = document[0].render(scale=100 / 72, grayscale=True).to_pil()
    (barcode,) = zxingcpp.read_barcodes(image)
    width = barcode.position.top_right.x - barcode.position.top_left.x
    assert width > 0.5 * image.width


def test_poster_text_has_names_validity_code_and_both_instructions() -> None:
    one = poster()
    document, _ = render([one])
    text = document[0].get_textpage().get_text_range()
    for line in (one.badge_name, one.event_name, VALIDITY_FR, VALIDITY_EN, one.code_display,
                 DEFAULT_INSTRUCTION_FR, DEFAULT_INSTRUCTION_EN):
        assert line in text


def test_each_poster_gets_its_own_page() -> None:
    posters = [poster(), poster(badge_image=None, validity_fr=None, validity_en=None, code_display=None)]
    document, pages = render(posters)
    assert pages == 2
    assert [read_page(document, page) for page in range(2)] == [[p.url] for p in posters]


def test_letter_is_not_a_poster_size() -> None:
    with pytest.raises(ValueError, match="page_size"):
        render([poster()], page_size="LETTER")


def test_no_posters_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one poster"):
        render([])


def test_poster_without_badge_name_is_refused() -> None:
    with pytest.raises(ValueError, match="badge_name"):
        poster(badge_name=" ")
