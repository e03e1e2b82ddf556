"""Organisers' commands: the one-time link (``/start org_<token>``), /stats and /codes <n>; nobody else sees them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.application import BadgeBot, BotContext
from bot.handlers import PRIVATE
from bot.claim_flow import attempt
from bot.conversation import CHOOSING_CODES, Turn, turn
from bot.replies import Reply
from bot.texts import say
from claims.code_printing import codes_pdf
from claims.codes import claim_link
from claims.event_organisers import events_organised_by, redeem_organiser_link
from claims.i18n import N_, ngettext
from claims.models import BadgeClass, Event
from claims.organising import badges_of_issuer, create_codes
from claims.statistics import EventStatistics, event_statistics

ORGANISER_PREFIX = "org_"
CODES_PREFIX = "codes:"
MAX_CODES = 200  # one sheet a phone can show and a school printer can print
# The same words whether the person organises nothing or names an event that does not exist.
NOT_ORGANISER = N_("This command is for the organisers of an event. If you are one, ask for your organiser link.")


async def become_organiser(update: Update, context: BotContext, token: str) -> Reply:
    async def work(current: Turn) -> Reply:
        event = await redeem_organiser_link(current.session, token, current.user_id, current.now)
        return Reply(say(current.language, N_("You are now an organiser of “{event}”.\n/stats: the badges claimed so "
                                              "far · /codes 24: a sheet of 24 new cards to print."), event=event.name))

    return await attempt(context, update, work)


def statistics_text(language: str, event: Event, stats: EventStatistics) -> str:
    lines = [ngettext(language, "📊 {event}: {count} badge claimed", "📊 {event}: {count} badges claimed",
                      stats.total).format(event=event.name, count=stats.total)]
    lines += [f"• {name}: {count}" for _, name, count in stats.per_badge]
    lines.append(say(language, N_("Web {web} · Telegram {telegram} · Kiosk {kiosk} · Command line {cli}"),
                     **{channel: stats.per_channel.get(channel, 0) for channel in ("web", "telegram", "kiosk", "cli")}))
    if stats.deliveries_pending or stats.deliveries_failed:
        lines.append(say(language, N_("Deliveries waiting: {pending} · failed: {failed}"),
                         pending=stats.deliveries_pending, failed=stats.deliveries_failed))
    return "\n".join(lines)


async def stats(update: Update, context: BotContext) -> None:
    async with turn(context, update) as current:
        events = await events_organised_by(current.session, current.user_id)
        reports = [(event, await event_statistics(current.session, event.id, current.now)) for event in events]
        text = ("\n\n".join(statistics_text(current.language, event, report) for event, report in reports)
                if reports else say(current.language, NOT_ORGANISER))
    await Reply(text).send(context.bot, current.chat_id)


async def _choices(current: Turn) -> list[tuple[Event, BadgeClass]]:
    """Every (event, badge) this person may print cards for: the badges of the issuer of each event they organise."""
    return [(event, badge) for event in await events_organised_by(current.session, current.user_id)
            for badge in await badges_of_issuer(current.session, event.issuer_id)]


def _count(args: list[str] | None) -> int | None:
    try:
        count = int(args[0]) if args else 0
    except ValueError:
        return None
    return count if 1 <= count <= MAX_CODES else None


@dataclass(frozen=True)
class SheetOrder:
    """New codes, committed, whose sheet is laid out after the transaction (it must not hold the database)."""

    event: Event
    badge: BadgeClass
    codes: list[str]
    language: str
    made_at: datetime

    async def reply(self, public_url: str) -> Reply:
        links = [claim_link(code, public_url=public_url) for code in self.codes]
        # Laying out a sheet is CPU work: in a thread, so other people's updates go on meanwhile.
        pdf = await asyncio.to_thread(codes_pdf, self.event, self.badge, self.codes, links, multi=False,
                                      valid=(self.event.starts_at, self.event.ends_at))
        count = len(self.codes)
        caption = ngettext(self.language, "{count} card for “{badge}” — {event}. Print at 100 %, then cut.",
                           "{count} cards for “{badge}” — {event}. Print at 100 %, then cut.", count)
        return Reply(caption.format(count=count, badge=self.badge.name, event=self.event.name), document=pdf,
                     filename=f"cards-{self.made_at:%Y%m%d-%H%M%S}.pdf")


async def _order(current: Turn, event: Event, badge: BadgeClass, count: int) -> SheetOrder:
    codes = await create_codes(current.session, event, badge, now=current.now, count=count,
                               actor=f"telegram:{current.user_id}")
    return SheetOrder(event, badge, codes, current.language, current.now)


async def codes(update: Update, context: BotContext) -> None:
    async with turn(context, update) as current:
        outcome = await _codes_asked(current, _count(context.args))
    await _answer(context, current, outcome)


async def _codes_asked(current: Turn, count: int | None) -> Reply | SheetOrder:
    choices = await _choices(current)
    if not choices:
        return Reply(say(current.language, NOT_ORGANISER))
    if count is None:
        return Reply(say(current.language, N_("How many cards? For example: /codes 24 (1 to {max})."), max=MAX_CODES))
    if len(choices) == 1:
        return await _order(current, *choices[0], count)
    # The choices are kept server-side: a button carries only an index into them.
    current.move_to(CHOOSING_CODES, count=count, choices=[[str(event.id), str(badge.id)] for event, badge in choices])
    buttons = [[InlineKeyboardButton(f"{event.name} — {badge.name}", callback_data=f"{CODES_PREFIX}{index}")]
               for index, (event, badge) in enumerate(choices)]
    return Reply(say(current.language, N_("Cards for which badge?")), InlineKeyboardMarkup(buttons))


async def codes_chosen(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer()
    async with turn(context, update) as current:
        outcome = await _badge_chosen(current, query.data.removeprefix(CODES_PREFIX))
    await query.edit_message_reply_markup(None)
    await _answer(context, current, outcome)


async def _badge_chosen(current: Turn, index: str) -> Reply | SheetOrder:
    data = current.data
    offered = data.get("choices", []) if current.state == CHOOSING_CODES else []
    current.move_to(None)
    # Checked again now: the buttons may be old, and the person may no longer organise that event.
    allowed = {(str(event.id), str(badge.id)): (event, badge) for event, badge in await _choices(current)}
    chosen = allowed.get(tuple(offered[int(index)])) if index.isdigit() and int(index) < len(offered) else None
    if chosen is not None:
        return await _order(current, *chosen, int(data["count"]))
    return Reply(say(current.language, N_("This button has expired. Send /codes again.") if allowed else NOT_ORGANISER))


async def _answer(context: BotContext, current: Turn, outcome: Reply | SheetOrder) -> None:
    """Send the reply; new codes get their sheet laid out first, now that they are committed."""
    reply = await outcome.reply(context.settings.public_url) if isinstance(outcome, SheetOrder) else outcome
    await reply.send(context.bot, current.chat_id)


def register(application: BadgeBot) -> None:
    application.add_handler(CommandHandler("stats", stats, filters=PRIVATE))
    application.add_handler(CommandHandler("codes", codes, filters=PRIVATE))
    application.add_handler(CallbackQueryHandler(codes_chosen, pattern=f"^{CODES_PREFIX}"))
