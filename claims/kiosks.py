"""Kiosks: the URL tokens that open a kiosk page bound to one event, made, opened, listed and revoked."""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from datetime import datetime
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.audit import record
from claims.codes import parse_code
from claims.errors import INVALID_INPUT, KIOSK_CLOSED, NOT_FOUND, ClaimError
from claims.models import ClaimCode, Event, Kiosk
from claims.organising import get_by_id

# What secrets.token_urlsafe makes, with room for longer tokens; anything else is not a token of ours.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,86}$")
_TOKEN_BYTES = 24  # 192 bits: the URL is the only key to the kiosk
MAX_LABEL = 100


def hash_token(token: str) -> str:
    """What the database keeps of a token: a leaked table opens no kiosk."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def kiosk_url(public_url: str, token: str) -> str:
    return f"{public_url.rstrip('/')}/kiosk/{token}"


def token_of(token_or_url: str) -> str:
    """The token in a kiosk URL (``…/kiosk/<token>[/…]``), or the text itself when it is a bare token."""
    text = (token_or_url or "").strip()
    if "://" in text or text.startswith("/"):
        segments = [unquote(s) for s in urlsplit(text).path.split("/") if s]
        if "kiosk" in segments and segments.index("kiosk") + 1 < len(segments):
            return segments[segments.index("kiosk") + 1]
        return ""
    return text


async def _display_code(session: AsyncSession, event_id: uuid.UUID, display_code: str) -> ClaimCode:
    """The display-only multi-use code of this event that ``display_code`` names, else ``invalid_input``."""
    try:
        value = parse_code(display_code)
    except ClaimError:
        raise ClaimError(INVALID_INPUT, field="display") from None
    code = await session.scalar(select(ClaimCode).where(ClaimCode.code == value))
    if code is None or code.event_id != event_id or not code.multi_use or not code.display_only:
        raise ClaimError(INVALID_INPUT, field="display")
    return code


async def create_kiosk(
    session: AsyncSession, event_id: uuid.UUID | str, now: datetime, *, display_code: str | None, actor: str,
    label: str | None = None,
) -> tuple[Kiosk, str]:
    """A new kiosk of the event and its token; the token is shown once (only its hash is kept)."""
    event = await get_by_id(session, Event, str(event_id), "event")
    label = (label or "").strip() or None
    if label is not None and len(label) > MAX_LABEL:
        raise ClaimError(INVALID_INPUT, field="label")
    code = await _display_code(session, event.id, display_code) if display_code else None
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    kiosk = Kiosk(id=uuid.uuid4(), event_id=event.id, token_hash=hash_token(token),
                  display_code_id=code.id if code else None, label=label, created_at=now, revoked_at=None)
    session.add(kiosk)
    await session.flush()
    record(session, now, actor=actor, action="kiosk.created", subject=str(kiosk.id), issuer_id=event.issuer_id,
           event=str(event.id), display=code is not None)
    return kiosk, token


async def _by_token(session: AsyncSession, token: str) -> Kiosk | None:
    if not _TOKEN.match(token):
        return None
    return await session.scalar(select(Kiosk).where(Kiosk.token_hash == hash_token(token)))


async def open_kiosk(session: AsyncSession, token: str, now: datetime) -> Kiosk:
    """The open kiosk of ``token``; ``kiosk_closed`` alike for an unknown and a revoked one, so a guessed
    or old URL learns nothing (not even that it once existed)."""
    kiosk = await _by_token(session, token)
    if kiosk is None or (kiosk.revoked_at is not None and kiosk.revoked_at <= now):
        raise ClaimError(KIOSK_CLOSED)
    return kiosk


async def revoke_kiosk(session: AsyncSession, token_or_url: str, now: datetime, actor: str) -> Kiosk:
    """End the kiosk at once (its open page shows "closed" at its next status poll); revoking twice keeps
    the first time."""
    kiosk = await _by_token(session, token_of(token_or_url))
    if kiosk is None:
        raise ClaimError(NOT_FOUND, what="kiosk")
    return _revoke(session, kiosk, now, actor)


async def revoke_event_kiosk(
    session: AsyncSession, event_id: uuid.UUID, kiosk_id: uuid.UUID, now: datetime, actor: str,
    issuer_id: uuid.UUID | None = None,
) -> Kiosk:
    """The console's revoke, by the kiosk's id within its event: the console never sees a token twice."""
    kiosk = await session.get(Kiosk, kiosk_id)
    if kiosk is None or kiosk.event_id != event_id:
        raise ClaimError(NOT_FOUND, what="kiosk")
    return _revoke(session, kiosk, now, actor, issuer_id)


def _revoke(session: AsyncSession, kiosk: Kiosk, now: datetime, actor: str, issuer_id: uuid.UUID | None = None) -> Kiosk:
    if kiosk.revoked_at is None:
        kiosk.revoked_at = now
        record(session, now, actor=actor, action="kiosk.revoked", subject=str(kiosk.id), event=str(kiosk.event_id),
               issuer_id=issuer_id)
    return kiosk


async def list_kiosks(session: AsyncSession, event_id: uuid.UUID) -> list[Kiosk]:
    """The event's kiosks, open and revoked, oldest first."""
    rows = await session.scalars(select(Kiosk).where(Kiosk.event_id == event_id).order_by(Kiosk.created_at, Kiosk.id))
    return list(rows)


async def display_code_text(session: AsyncSession, kiosk: Kiosk) -> str | None:
    """The code a display-mode kiosk shows (as rotating tokens); None for a kiosk that reads cards."""
    if kiosk.display_code_id is None:
        return None
    return await session.scalar(select(ClaimCode.code).where(ClaimCode.id == kiosk.display_code_id))
