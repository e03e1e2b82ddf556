"""One claim step of the bot: what was sent opened as a code, the transaction around it, refusals worded."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Awaitable, Callable

from telegram import Update

from bot.application import BotContext
from bot.conversation import Turn, turn
from bot.replies import Reply
from bot.texts import say
from claims import errors
from claims.codes import claim_part, normalise_code, parse_code
from claims.display_tokens import looks_like_display_token, open_display_token
from claims.errors import ClaimError
from claims.holdings import Holding
from claims.i18n import N_
from claims.messages import message
from claims.rate_limits import RateRule, check_rate, count_event

# Counted per Telegram account (keyed hash). 70-bit codes cannot be guessed; the limit keeps a script
# from filling the logs and the database, so it can stay generous.
WRONG_CODE = RateRule("telegram_wrong_code", limit=30, window=timedelta(minutes=10))
WRONG_CODES = frozenset({errors.UNKNOWN_CODE, errors.CODE_TYPO, errors.DISPLAY_TOKEN_INVALID,
                         errors.ORGANISER_LINK_INVALID})
# A display token lives a minute or two; once opened, its claim stays open while the person answers.
TOKEN_GRACE = timedelta(minutes=10)


@dataclass(frozen=True)
class OpenedClaim:
    code: str  # canonical
    through_token: bool  # came through a valid display token (kiosk's rotating QR)
    token_until: datetime | None = None  # until when the claim it opened may be completed


def open_claim(text: str, display_token_key: bytes, now: datetime) -> OpenedClaim:
    """The code in a typed text, a claim URL, a t.me deep link or a display token (ClaimError if none)."""
    part = claim_part(text.strip())
    if looks_like_display_token(part):
        return OpenedClaim(parse_code(open_display_token(display_token_key, part, now)), True, now + TOKEN_GRACE)
    return OpenedClaim(parse_code(part), False)


def _is_link(text: str) -> bool:
    return "://" in text or text.lower().startswith(("t.me/", "tg:"))


def looks_like_claim(text: str) -> bool:
    """Whether ``text`` is meant as a code (a code's shape, a URL, a token) rather than as, say, an e-mail."""
    text = text.strip()
    if "@" in text:
        return False
    if _is_link(text):
        return True
    compact = normalise_code(text)
    return (compact.isascii() and compact.isalnum() and 10 <= len(compact) <= 20) or looks_like_display_token(text)


def refusal_text(refusal: ClaimError, language: str) -> str:
    return message(refusal.code, language, **refusal.params)


def claimed_text(holding: Holding, verify_url: str, language: str, *, created: bool) -> str:
    if not created:
        return say(language, N_("You already have “{badge}” ({event}): {url}\n/mybadges lists all your badges."),
                   badge=holding.badge_name, event=holding.event_name, url=verify_url)
    # The document's own caption (bot.sender) says how to keep it and add it to a backpack.
    return say(language, N_("🎉 “{badge}” ({event}) is yours! It arrives just below as a PNG file.\nCheck it "
                            "online: {url}"), badge=holding.badge_name, event=holding.event_name, url=verify_url)


def wrong_code_key(context: BotContext, user_id: int) -> str:
    return hmac.new(context.services.rate_limit_key, f"telegram:{user_id}".encode(), hashlib.sha256).hexdigest()


async def attempt(
    context: BotContext, update: Update, work: Callable[[Turn], Awaitable[Reply]], *, refusal_ends_claim: bool = False
) -> Reply:
    """Run one claim step in the person's transaction; a refusal becomes a one-line reply in their language.

    The step runs in a savepoint, so a refusal undoes its writes (a slot taken) but keeps the conversation
    and counts a wrong code in the same transaction. ``refusal_ends_claim``: the refused step was the
    claim itself (the e-mail answered), so the conversation goes back to waiting for a code.
    """
    async with turn(context, update) as current:
        key = wrong_code_key(context, current.user_id)
        try:
            async with current.session.begin_nested():
                await check_rate(current.session, WRONG_CODE, key, current.now)
                return await work(current)
        except ClaimError as refusal:
            if refusal.code in WRONG_CODES:
                await count_event(current.session, WRONG_CODE, key, current.now)
            if refusal_ends_claim:
                current.move_to(None)
            return Reply(refusal_text(refusal, current.language))
