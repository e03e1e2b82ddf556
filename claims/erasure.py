"""Forgetting a person: their e-mail, name and Telegram account leave every award, their badges stay verifiable."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from claims.audit import record
from claims.errors import INVALID_INPUT, ClaimError
from claims.models import Award, Delivery, TelegramChat
from claims.openbadges.ob2 import hashed_identity
from claims.outbox import FAILED, SENT
from claims.redemption import normalise_email

ERASED = "erased"  # the last_error of a delivery that was stopped because its person was forgotten


@dataclass(frozen=True)
class ErasureReport:
    awards: int  # how many awards were cleared of the person's data


async def forget_person(
    session: AsyncSession, now: datetime, *, email: str | None = None, telegram_user_id: int | None = None,
    actor: str = "person",
) -> ErasureReport:
    """Erase what identifies one person (by e-mail or by Telegram account, exactly one) in the caller's
    transaction. An award that carries both ties them: the other one's awards are the person's too.

    Each award keeps the hash of the e-mail its documents published (``recipient_email_hash``), so the
    hosted assertion, the credential and every baked copy keep the same identity and keep verifying.
    Deliveries not yet sent are stopped (a worker holding one finds it no longer pending and sends nothing).
    An unknown person is not an error: nothing is found, nothing changes but the audit entry.
    """
    if (email is None) == (telegram_user_id is None):
        raise ClaimError(INVALID_INPUT, field="person")
    address = normalise_email(email) if email is not None else None
    if email is not None and address is None:
        raise ClaimError(INVALID_INPUT, field="email")
    emails = {address} if address is not None else set()
    chats = {telegram_user_id} if telegram_user_id is not None else set()
    awards = await _awards_of(session, emails, chats)
    for award in awards:
        if award.recipient_email:
            award.recipient_email_hash = hashed_identity(award.recipient_email, award.recipient_salt)
        award.recipient_email = None
        award.recipient_name = None
        award.telegram_user_id = None
        award.erased_at = now
    await session.flush()

    await _stop_deliveries(session, [a.id for a in awards], emails, chats)
    if chats:
        await session.execute(delete(TelegramChat).where(TelegramChat.telegram_user_id.in_(chats)))
    # Named by award ids only: the entry must not keep what was just erased.
    record(session, now, actor=actor, action="person.forgotten", subject="person",
           by="email" if address is not None else "telegram", awards=[str(a.id) for a in awards])
    return ErasureReport(awards=len(awards))


async def _awards_of(session: AsyncSession, emails: set[str], chats: set[int]) -> list[Award]:
    """Every award of the person, ``emails`` and ``chats`` growing with what their awards add: an award
    claimed with both an e-mail and a Telegram account ties the two, and both are this person's."""
    found: dict[uuid.UUID, Award] = {}
    while True:
        known = [Award.recipient_email.in_(emails)] if emails else []
        known += [Award.telegram_user_id.in_(chats)] if chats else []
        # Locked: two erasures of one person, or an erasure and a revocation, take turns on each award.
        query = select(Award).where(or_(*known), Award.id.not_in(list(found))).order_by(Award.id).with_for_update()
        more = list((await session.scalars(query)).all()) if known else []
        if not more:
            return list(found.values())
        for award in more:
            found[award.id] = award
            if award.recipient_email:
                emails.add(award.recipient_email)
            if award.telegram_user_id is not None:
                chats.add(award.telegram_user_id)


async def _stop_deliveries(
    session: AsyncSession, award_ids: list[uuid.UUID], emails: set[str], chats: set[int]
) -> None:
    """Blank the target of the person's deliveries; those not sent yet are failed so no worker sends them."""
    mine = []
    if award_ids:
        mine.append(Delivery.award_id.in_(award_ids))
    if emails:
        mine.append((Delivery.channel == "email") & Delivery.target.in_(emails))
    if chats:
        mine.append((Delivery.channel == "telegram") & Delivery.target.in_([str(c) for c in chats]))
    if not mine:
        return
    await session.execute(
        update(Delivery).where(or_(*mine), Delivery.status != SENT)
        .values(target="", status=FAILED, last_error=ERASED, lease_owner=None, leased_until=None)
        .execution_options(synchronize_session=False)
    )
    # A sent delivery keeps its status (it did happen) but no longer says where it went.
    await session.execute(
        update(Delivery).where(or_(*mine), Delivery.status == SENT).values(target="")
        .execution_options(synchronize_session=False)
    )

