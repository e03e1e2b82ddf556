"""Everyone's commands: /help, /privacy, /mybadges, /language and /forget (after a confirmation)."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.application import BadgeBot, BotContext
from bot.handlers import PRIVATE
from bot.conversation import CONFIRMING_FORGET, turn
from bot.replies import Reply, answer
from bot.texts import say
from claims.erasure import forget_person
from claims.holdings import holdings_of
from claims.i18n import LANGUAGES, N_, format_when, ngettext

HELP = N_(
    "I hand out the badges of your event.\n"
    "1. Send me the code printed on your card (dashes optional), or a photo of its QR code.\n"
    "2. Give your e-mail address, or skip.\n"
    "3. Your badge arrives here as a PNG file: keep that file, it carries the proof.\n"
    "/mybadges: your badges · /language: Français / English · /privacy: what is kept · /forget: erase your data"
)
PRIVACY = N_(
    "What I keep when you claim a badge here: your Telegram account number (to send you the badge), the code "
    "and the date (they are in the badge) and, only if you give it, your e-mail address (to recognise you and, "
    "when e-mail is on, to mail you the badge). The badge itself holds only a salted hash of the address.\n"
    "Your language choice and where our conversation stands are kept until you /forget.\n"
    "They are kept as long as the badges they belong to. /forget erases your account number, e-mail and "
    "name at once; your badges stay verifiable.\n"
    "Full notice: {url}"
)
FORGET_ASK = N_(
    "Erase your personal data? Your Telegram account number, e-mail and name are removed from all your "
    "badges, and I forget our conversation. The badges stay verifiable, but /mybadges will no longer find them."
)
FORGET_YES = "forget:yes"
FORGET_NO = "forget:no"
LANGUAGE_PREFIX = "lang:"


async def help_command(update: Update, context: BotContext) -> None:
    async with turn(context, update) as current:
        current.move_to(None)
    await answer(update, context.bot, Reply(say(current.language, HELP)))


async def privacy(update: Update, context: BotContext) -> None:
    async with turn(context, update) as current:
        pass
    url = f"{context.settings.public_url}/privacy"
    await answer(update, context.bot, Reply(say(current.language, PRIVACY, url=url)))


async def my_badges(update: Update, context: BotContext) -> None:
    async with turn(context, update) as current:
        holdings = await holdings_of(current.session, current.user_id)
    language = current.language
    if not holdings:
        await answer(update, context.bot, Reply(say(language, N_("You have no badge here yet. Send me the code of "
                                                                 "your card to get one."))))
        return
    lines = [say(language, N_("Your badges:"))]
    urls = context.issuing.urls
    for holding in holdings:
        when = format_when(holding.issued_at, language, holding.event_timezone)
        line = f"• {holding.badge_name} — {holding.event_name}, {when}\n  {urls.award_page(holding.award_id)}"
        if holding.revoked:
            line += " " + say(language, N_("(revoked)"))
        lines.append(line)
    await answer(update, context.bot, Reply("\n".join(lines)))


async def language(update: Update, context: BotContext) -> None:
    async with turn(context, update) as current:
        pass
    buttons = [[InlineKeyboardButton("Français", callback_data=LANGUAGE_PREFIX + "fr"),
                InlineKeyboardButton("English", callback_data=LANGUAGE_PREFIX + "en")]]
    await answer(update, context.bot, Reply(say(current.language, N_("Which language should I speak?")),
                                            InlineKeyboardMarkup(buttons)))


async def language_chosen(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    chosen = query.data.removeprefix(LANGUAGE_PREFIX)
    await query.answer()
    if chosen not in LANGUAGES:
        return
    async with turn(context, update) as current:
        current.choose_language(chosen)
    await query.edit_message_text(say(chosen, N_("From now on I speak English.")))


async def forget(update: Update, context: BotContext) -> None:
    async with turn(context, update) as current:
        current.move_to(CONFIRMING_FORGET)
    buttons = [[InlineKeyboardButton(say(current.language, N_("Yes, erase")), callback_data=FORGET_YES),
                InlineKeyboardButton(say(current.language, N_("No, keep")), callback_data=FORGET_NO)]]
    await answer(update, context.bot, Reply(say(current.language, FORGET_ASK), InlineKeyboardMarkup(buttons)))


async def forget_answered(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    async with turn(context, update) as current:
        if query.data != FORGET_YES or current.state != CONFIRMING_FORGET:
            # "No", or a button left over from an earlier /forget: nothing is erased without a fresh yes.
            current.move_to(None)
            reply = say(current.language, N_("Nothing was erased."))
        else:
            report = await forget_person(current.session, current.now, telegram_user_id=current.user_id,
                                         actor="telegram")
            current.forgotten = True
            reply = ngettext(current.language, "Done: your data is erased from {count} badge. It stays verifiable. "
                             "Goodbye!", "Done: your data is erased from {count} badges. They stay verifiable. "
                             "Goodbye!", report.awards).format(count=report.awards)
    await query.edit_message_text(reply)


def register(application: BadgeBot) -> None:
    application.add_handler(CommandHandler("help", help_command, filters=PRIVATE))
    application.add_handler(CommandHandler("privacy", privacy, filters=PRIVATE))
    application.add_handler(CommandHandler("mybadges", my_badges, filters=PRIVATE))
    application.add_handler(CommandHandler("language", language, filters=PRIVATE))
    application.add_handler(CommandHandler("forget", forget, filters=PRIVATE))
    application.add_handler(CallbackQueryHandler(language_chosen, pattern=f"^{LANGUAGE_PREFIX}"))
    application.add_handler(CallbackQueryHandler(forget_answered, pattern="^forget:"))
