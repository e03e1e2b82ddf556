"""Printed claim codes: the PDF of cards or of a poster, and the CSV of codes, for the CLI and the console alike."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Callable

from claims.codes import claim_link, format_code
from claims.i18n import N_, format_wall_time, gettext, zone_label
from claims.models import BadgeClass, Event

# Printed matter speaks both languages at once, French first, whatever the organiser's language.
SCAN_TO_CLAIM = N_("Scan to get your badge")


def claim_links(codes: list[str], *, public_url: str, target: str, bot_username: str | None) -> list[str]:
    """What each code's QR carries, with this installation's public URL or Telegram bot."""
    return [claim_link(code, public_url=public_url, target=target, bot_username=bot_username) for code in codes]


def validity_line(language: str, valid: tuple[datetime, datetime], timezone: str) -> str:
    """The poster's "valid from … to …", both ends in the event's zone, named once."""
    return gettext(language, N_("Valid from {start} to {end} ({zone})")).format(
        start=format_wall_time(valid[0], language, timezone), end=format_wall_time(valid[1], language, timezone),
        zone=zone_label(language, timezone),
    )


def codes_pdf(
    event: Event, badge: BadgeClass, codes: list[str], links: list[str], *, multi: bool,
    valid: tuple[datetime, datetime], page_size: str = "A4", per_page: int = 12,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """Cards for single-use ``codes`` (``per_page`` a page), or a poster for the one multi-use code.

    CPU-bound (QR matrices, images): an event loop calls it in a thread. Raises ValueError when
    ``per_page`` makes no legible grid.
    """
    from qr.posters import Poster, render_posters
    from qr.sheets import Card, render_sheet

    image = badge.image if badge.image_mime == "image/png" else None
    instructions = {f"instruction_{lang}": gettext(lang, SCAN_TO_CLAIM) for lang in ("fr", "en")}
    out = io.BytesIO()
    if multi:
        poster = Poster(
            url=links[0], badge_name=badge.name, event_name=event.name, code_display=format_code(codes[0]),
            validity_fr=validity_line("fr", valid, event.timezone),
            validity_en=validity_line("en", valid, event.timezone), badge_image=image,
        )
        render_posters([poster], out, page_size="A3" if page_size == "A3" else "A4", **instructions)
        return out.getvalue()
    cards = [Card(url=link, code_display=format_code(code), badge_name=badge.name, event_name=event.name,
                  badge_image=image) for link, code in zip(links, codes)]
    render_sheet(cards, out, page_size=page_size, per_page=per_page, progress=progress, **instructions)
    return out.getvalue()


def codes_csv(codes: list[str], links: list[str]) -> bytes:
    """One row per code: the code, its grouped printed form, and what its QR carries."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "printed", "url"])
    for code, link in zip(codes, links):
        writer.writerow([code, format_code(code), link])
    return out.getvalue().encode("utf-8")
