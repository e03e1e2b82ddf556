"""Claim codes arriving: ``/start <code>`` deep links, typed codes and links, photos or image files of a QR."""

from __future__ import annotations

import asyncio

from telegram import Document, PhotoSize, Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot.application import BadgeBot, BotContext
from bot.handlers import PRIVATE
from bot.claim_flow import attempt, claimed_text, looks_like_claim, open_claim
from bot.conversation import Turn, turn
from bot.replies import Reply, answer
from bot.handlers.email import ask_for_email, email_given
from bot.handlers.organisers import ORGANISER_PREFIX, become_organiser
from bot.texts import WELCOME, say
from claims.codes import claim_text_in_qr
from claims.holdings import held_award_for_code, holding
from claims.i18n import N_
from claims.redemption import preview_code
from qr import QRDecodeError, decode

# Larger files are not photos of a card; Telegram's own limit for bots to download is 20 MB.
MAX_IMAGE_BYTES = 15 * 1024 * 1024


async def claim(context: BotContext, update: Update, text: str) -> Reply:
    """A code has arrived: the award again if the person has it, else the badge shown and the e-mail asked."""

    async def work(current: Turn) -> Reply:
        opened = open_claim(text, context.services.display_token_key, current.now)
        held = await held_award_for_code(current.session, opened.code, current.user_id)
        if held is not None:
            current.move_to(None)
            award = await holding(current.session, held)
            return Reply(claimed_text(award, context.issuing.urls.award_page(held), current.language, created=False))
        preview = await preview_code(current.session, opened.code, current.now,
                                     through_display_token=opened.through_token)
        return ask_for_email(current, opened, preview, mail_enabled=bool(context.settings.smtp_url))

    return await attempt(context, update, work)


async def start(update: Update, context: BotContext) -> None:
    payload = context.args[0] if context.args else ""
    if payload.startswith(ORGANISER_PREFIX):
        reply = await become_organiser(update, context, payload.removeprefix(ORGANISER_PREFIX))
    elif payload:
        reply = await claim(context, update, payload)
    else:
        async with turn(context, update) as current:
            current.move_to(None)
        reply = Reply(say(current.language, WELCOME))
    await answer(update, context.bot, reply)


async def text_sent(update: Update, context: BotContext) -> None:
    """Typed text: a code or link; or, while the e-mail question is open, the answer to it."""
    message = update.effective_message
    assert message is not None and message.text is not None
    text = message.text
    reply = await (claim if looks_like_claim(text) else email_given)(context, update, text)
    await answer(update, context.bot, reply)


async def image_sent(update: Update, context: BotContext) -> None:
    """A photo (sent or forwarded) or an image file: the claim QR read from it."""
    message = update.effective_message
    assert message is not None
    if message.photo:
        attachment = message.photo[-1]  # the largest size Telegram made
    else:
        assert message.document is not None
        attachment = message.document
    await answer(update, context.bot, await _read_qr(update, context, attachment))


async def _read_qr(update: Update, context: BotContext, attachment: PhotoSize | Document) -> Reply:
    async with turn(context, update) as current:
        language = current.language
    if attachment.file_size is not None and attachment.file_size > MAX_IMAGE_BYTES:
        return Reply(say(language, N_("This image is too large. Send a photo of the QR code instead.")))
    image = bytes(await (await attachment.get_file()).download_as_bytearray())
    try:
        # Decoding is CPU work: in a thread, so other people's updates are not held up meanwhile.
        texts = await asyncio.to_thread(decode, image)
    except QRDecodeError:
        return Reply(say(language, N_("I cannot open this image. Send a photo (JPEG or PNG) of the QR code.")))
    ours = (claim_text_in_qr(text, public_url=context.settings.public_url, bot_username=context.bot.username or "")
            for text in texts)
    found = [text for text in ours if text is not None]
    if found:
        return await claim(context, update, found[0])
    if texts:
        return Reply(say(language, N_("This QR code is not a badge code. Send the QR code printed on your card or "
                                      "shown at the event.")))
    return Reply(say(language, N_("I found no QR code in this picture. Take it again closer, flat and sharp, or "
                                  "type the code printed under the QR code.")))


def register(application: BadgeBot) -> None:
    application.add_handler(CommandHandler("start", start, filters=PRIVATE))
    application.add_handler(MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, text_sent))
    application.add_handler(MessageHandler(PRIVATE & (filters.PHOTO | filters.Document.IMAGE), image_sent))
