"""The printable PDF sheet of an event's single-use cards, shared by ``codes create --pdf`` and the bot's /codes."""

from __future__ import annotations

import io
from typing import Callable, Sequence

from claims.codes import format_code
from claims.i18n import N_, gettext
from claims.models import BadgeClass
from qr.sheets import Card, render_sheet


def card_sheet_pdf(
    badge: BadgeClass, event_name: str, codes: Sequence[str], links: Sequence[str], *, page_size: str = "A4",
    per_page: int = 12, progress: Callable[[int], None] | None = None,
) -> bytes:
    """One card per code, its QR carrying the matching link; ValueError when the grid cannot be laid out."""
    image = badge.image if badge.image_mime == "image/png" else None
    cards = [Card(url=link, code_display=format_code(code), badge_name=badge.name, event_name=event_name,
                  badge_image=image) for link, code in zip(links, codes, strict=True)]
    out = io.BytesIO()
    render_sheet(cards, out, page_size=page_size, per_page=per_page, progress=progress,
                 **printed_instructions())
    return out.getvalue()


def printed_instructions() -> dict[str, str]:
    """Printed matter speaks both languages at once, French first, whatever the organiser's language."""
    return {f"instruction_{language}": gettext(language, N_("Scan to get your badge")) for language in ("fr", "en")}
