"""The e-mail step: the badge shown, the address asked (or skipped), then the award issued and queued for sending."""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot.application import BadgeBot, BotContext
from bot.claim_flow import OpenedClaim, attempt, claimed_text
from bot.replies import Reply, answer
from bot.conversation import AWAITING_EMAIL, Turn
from bot.texts import WELCOME, say
from claims.errors import DISPLAY_TOKEN_EXPIRED, INVALID_INPUT, ClaimError
from claims.holdings import holding
from claims.i18n import N_
from claims.redemption import CodePreview, Recipient, normalise_email, redeem_code

SKIP = "email:skip"


def skip_button(language: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(say(language, N_("Skip")), callback_data=SKIP)]])


def ask_for_email(current: Turn, opened: OpenedClaim, preview: CodePreview, *, mail_enabled: bool) -> Reply:
    """Remember the claim in the conversation and ask for the address, with a Skip button."""
    current.move_to(AWAITING_EMAIL, code=opened.code, through_token=opened.through_token,
                    token_until=opened.token_until.isoformat() if opened.token_until else None)
    language = current.language
    badge = say(language, N_("🏅 “{badge}” — {event}, by {issuer}."), badge=preview.badge_name,
                event=preview.event_name, issuer=preview.issuer_name)
    if mail_enabled:
        question = N_("Your e-mail address? It goes, scrambled, into the badge so that your backpack recognises "
                      "it, and I also send you the badge by e-mail. Or tap Skip: your Telegram account is enough.")
    else:
        question = N_("Your e-mail address? It goes, scrambled, into the badge so that your backpack recognises "
                      "it. Or tap Skip: your Telegram account is enough.")
    notice = say(language, N_("I keep your Telegram account number and the address you give for this badge: "
                              "/privacy"))
    return Reply("\n\n".join((badge, say(language, question), notice)), skip_button(language))


async def issue(context: BotContext, current: Turn, email: str | None) -> Reply:
    """Issue the waiting claim; the baked badge is queued for the Telegram sender (and e-mail, when on)."""
    data = current.data
    until = data.get("token_until")
    if until is not None and current.now > datetime.fromisoformat(until):
        raise ClaimError(DISPLAY_TOKEN_EXPIRED)
    deliveries = [("telegram", str(current.chat_id))]
    if email is not None and context.settings.smtp_url:
        deliveries.append(("email", email))
    redemption = await redeem_code(
        current.session, data["code"], Recipient(email=email, telegram_user_id=current.user_id), current.now,
        channel="telegram", issuing=context.issuing, through_display_token=bool(data.get("through_token")),
        deliveries=deliveries, language=current.language,
    )
    current.move_to(None)
    award = await holding(current.session, redemption.award.id)
    return Reply(claimed_text(award, context.issuing.urls.award_page(award.award_id), current.language,
                              created=redemption.created))


async def email_given(context: BotContext, update: Update, text: str) -> Reply:
    """Text that is no code: the answer to the e-mail question (issue, or ask again), else a greeting."""

    async def work(current: Turn) -> Reply:
        if current.state != AWAITING_EMAIL:
            return Reply(say(current.language, WELCOME))
        try:
            email = normalise_email(text)
        except ClaimError as refusal:
            if refusal.code != INVALID_INPUT:
                raise
            email = None
        if email is None:
            return Reply(say(current.language, N_("That does not look like an e-mail address. Type it again "
                                                  "(like name@example.org), or tap Skip.")),
                         skip_button(current.language))
        return await issue(context, current, email)

    return await attempt(context, update, work, refusal_ends_claim=True)


async def skipped(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()

    async def work(current: Turn) -> Reply:
        if current.state != AWAITING_EMAIL:  # a button of a claim already done or abandoned
            return Reply(say(current.language, N_("This button has expired. Send me the code again.")))
        return await issue(context, current, None)

    reply = await attempt(context, update, work, refusal_ends_claim=True)
    await query.edit_message_reply_markup(None)
    await answer(update, context.bot, reply)


def register(application: BadgeBot) -> None:
    application.add_handler(CallbackQueryHandler(skipped, pattern=f"^{SKIP}$"))
