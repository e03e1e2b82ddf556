"""The fake Bot API server speaks what python-telegram-bot expects: a real Bot and Application against it."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, MessageHandler, filters

from conftest import png_bytes
from telegram_fake import Faults, TelegramFake
from telegram_support import ALICE, BOB, bot_for


async def test_get_me_names_the_bot(telegram_fake: TelegramFake) -> None:
    async with bot_for(telegram_fake) as bot:
        assert (bot.username, bot.id) == (telegram_fake.bot_username, telegram_fake.bot_id)


async def test_send_message_is_recorded_with_its_markup(telegram_fake: TelegramFake) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Passer", callback_data="skip")]])
    async with bot_for(telegram_fake) as bot:
        sent = await bot.send_message(ALICE.id, "<b>Bonjour</b>", parse_mode="HTML", reply_markup=markup)
    [message] = telegram_fake.messages(ALICE.id)
    assert (message.text, message.parse_mode, message.buttons()) == ("<b>Bonjour</b>", "HTML", [("Passer", "skip")])
    assert sent.message_id == message.message_id and sent.chat.id == ALICE.id


async def test_document_upload_keeps_its_filename_and_bytes(telegram_fake: TelegramFake) -> None:
    image = png_bytes()
    async with bot_for(telegram_fake) as bot:
        await bot.send_document(ALICE.id, image, filename="badge-x.png", caption="Vérifier")
    [document] = telegram_fake.sent_documents(ALICE.id)
    assert (document.filename, document.data, document.caption) == ("badge-x.png", image, "Vérifier")


async def test_photo_sent_by_a_person_is_downloaded_through_get_file(telegram_fake: TelegramFake) -> None:
    telegram_fake.send_photo(ALICE, png_bytes(200))
    async with bot_for(telegram_fake) as bot:
        [update] = await bot.get_updates()
        largest = update.message.photo[-1]
        data = await (await largest.get_file()).download_as_bytearray()
    assert (largest.width, data[:2]) == (200, b"\xff\xd8")  # a JPEG, as Telegram recompresses photos


async def test_get_updates_forgets_what_the_offset_confirms(telegram_fake: TelegramFake) -> None:
    telegram_fake.send_text(ALICE, "un")
    telegram_fake.send_text(ALICE, "deux")
    async with bot_for(telegram_fake) as bot:
        first = await bot.get_updates()
        rest = await bot.get_updates(offset=first[0].update_id + 1)
    assert [u.message.text for u in first] == ["un", "deux"] and [u.message.text for u in rest] == ["deux"]


async def test_get_updates_waits_for_an_update_during_its_timeout(telegram_fake: TelegramFake) -> None:
    async with bot_for(telegram_fake) as bot:
        waiting = asyncio.create_task(bot.get_updates(timeout=5))
        await asyncio.sleep(0.1)
        telegram_fake.send_text(BOB, "hello")
        [update] = await asyncio.wait_for(waiting, 5)
    assert update.message.from_user.language_code == "en"


async def test_blocked_user_is_forbidden(telegram_fake: TelegramFake) -> None:
    telegram_fake.block(ALICE.id)
    async with bot_for(telegram_fake) as bot:
        with pytest.raises(Forbidden, match="(?i)blocked"):
            await bot.send_message(ALICE.id, "x")


async def test_unknown_chat_is_a_bad_request(telegram_fake: TelegramFake) -> None:
    telegram_fake.forget_chat(ALICE.id)
    async with bot_for(telegram_fake) as bot:
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(ALICE.id, "x")


async def test_injected_429_carries_retry_after(telegram_fake: TelegramFake) -> None:
    telegram_fake.inject_faults(Faults(too_many_requests=1.0, retry_after=3))
    async with bot_for(telegram_fake) as bot:
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(ALICE.id, "x")
    assert "3 seconds" in str(caught.value) and telegram_fake.messages(ALICE.id) == []


async def test_injected_500_is_a_network_error(telegram_fake: TelegramFake) -> None:
    telegram_fake.inject_faults(Faults(server_errors=1.0))
    async with bot_for(telegram_fake) as bot:
        with pytest.raises(NetworkError):
            await bot.send_message(ALICE.id, "x")


async def test_injected_timeout_outlasts_the_client_and_sends_nothing(telegram_fake: TelegramFake) -> None:
    telegram_fake.inject_faults(Faults(timeouts=1.0, timeout_seconds=0.5))
    async with bot_for(telegram_fake, read_timeout=0.2) as bot:
        with pytest.raises(TimedOut):
            await bot.send_message(ALICE.id, "x")
    assert telegram_fake.messages(ALICE.id) == []


async def test_second_message_within_a_second_to_one_chat_is_refused(telegram_fake: TelegramFake) -> None:
    telegram_fake.enforce_limits(overall_per_second=30, per_chat_per_second=1)
    async with bot_for(telegram_fake) as bot:
        await bot.send_message(ALICE.id, "1")
        await bot.send_message(BOB.id, "other chat")
        with pytest.raises(RetryAfter):
            await bot.send_message(ALICE.id, "2")


async def test_burst_beyond_the_overall_rate_is_refused(telegram_fake: TelegramFake) -> None:
    telegram_fake.enforce_limits(overall_per_second=5, per_chat_per_second=100)
    async with bot_for(telegram_fake) as bot:
        results = await asyncio.gather(*(bot.send_message(ALICE.id + n, "x") for n in range(8)),
                                       return_exceptions=True)
    assert sum(isinstance(r, RetryAfter) for r in results) == 3


async def test_command_menus_are_kept_per_language(telegram_fake: TelegramFake) -> None:
    async with bot_for(telegram_fake) as bot:
        await bot.set_my_commands([("aide", "Aide")], language_code="fr")
        await bot.set_my_commands([("help", "Help")])
    assert telegram_fake.commands("fr") == [("aide", "Aide")] and telegram_fake.commands() == [("help", "Help")]


async def test_application_polls_answers_commands_and_buttons(telegram_fake: TelegramFake) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("Passer", callback_data="skip")]])
        await update.effective_message.reply_text(f"code {context.args[0]}", reply_markup=markup)

    async def skipped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.callback_query.answer("ok")
        await update.callback_query.edit_message_text("skipped")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(update.effective_message.text.upper())

    application = (Application.builder().token(telegram_fake.token).base_url(telegram_fake.base_url)
                   .base_file_url(telegram_fake.base_file_url).build())
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(skipped))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    async with application:
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=1)
        question = await telegram_fake.next_reply(ALICE.id, lambda: telegram_fake.send_command(ALICE, "start", "ABC"))
        query_id = telegram_fake.press_button(ALICE, question, "skip")
        await telegram_fake.wait_for(lambda: question.text == "skipped")
        echoed = await telegram_fake.next_reply(ALICE.id, lambda: telegram_fake.send_text(ALICE, "abc"))
        await application.updater.stop()
        await application.stop()
    assert question.text == "skipped" and telegram_fake.callback_answers[query_id]["text"] == "ok"
    assert echoed.text == "ABC"


async def test_webhook_receives_updates_with_the_secret_header(telegram_fake: TelegramFake, aiohttp_server) -> None:
    received: list[tuple[str | None, dict]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), await request.json()))
        return web.Response()

    app = web.Application()
    app.router.add_post("/telegram/webhook", hook)
    server = await aiohttp_server(app)
    async with bot_for(telegram_fake) as bot:
        await bot.set_webhook(str(server.make_url("/telegram/webhook")), secret_token="s3cret")
        info = await bot.get_webhook_info()
    telegram_fake.send_text(ALICE, "via webhook")
    await telegram_fake.wait_for(lambda: len(received) == 1)
    assert info.url.endswith("/telegram/webhook")
    assert received[0][0] == "s3cret" and received[0][1]["message"]["text"] == "via webhook"
    await telegram_fake.wait_for(lambda: telegram_fake.pending_updates == 0)
