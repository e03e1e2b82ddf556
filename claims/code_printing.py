"""Printed claim codes: the PDF of cards or of a poster, and the CSV of codes, for the CLI and the console alike."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.codes import claim_link, format_code
from claims.errors import NOT_FOUND, ClaimError
from claims.i18n import N_, format_wall_time, gettext, zone_label
from claims.models import BadgeClass, ClaimCode, Event
from claims.organising import claim_window

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


@dataclass(frozen=True)
class PrintableBatch:
    """What printing one batch needs: its codes in the order they were made, its badge, kind and window."""

    codes: list[str]
    badge: BadgeClass
    multi: bool
    target: str
    valid: tuple[datetime, datetime]


async def printable_batch(session: AsyncSession, event: Event, batch_id: uuid.UUID) -> PrintableBatch:
    """The batch ``batch_id`` of ``event``; ``not_found`` when the event has no such batch."""
    rows = (await session.execute(
        select(ClaimCode.code, ClaimCode.badge_class_id, ClaimCode.multi_use, ClaimCode.target, ClaimCode.valid_from,
               ClaimCode.valid_until)
        .where(ClaimCode.event_id == event.id, ClaimCode.batch_id == batch_id).order_by(ClaimCode.id)
    )).all()
    if not rows:
        raise ClaimError(NOT_FOUND, what="batch")
    first = rows[0]
    badge = await session.get(BadgeClass, first.badge_class_id)
    assert badge is not None  # a code's badge class is never deleted
    start, end = claim_window(event, None, None)
    return PrintableBatch([row.code for row in rows], badge, first.multi_use, first.target,
                          (first.valid_from or start, first.valid_until or end))
