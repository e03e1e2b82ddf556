"""Claiming through the real bot: deep links, typed codes, QR photos, the e-mail step and every refusal."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from bot.claim_flow import WRONG_CODE
from bot.sender import delivery_bot
from bot_support import BotChat, bot_chat, bot_settings, display_token, photo_of_qr  # noqa: F401 (a fixture)
from claims.codes import format_code, generate_code
from claims.models import Award, Delivery, TelegramChat
from claims.openbadges.baking import unbake
from conftest import PUBLIC_URL, png_bytes
from smtp_support import run_outbox_until
from telegram_outbox_support import none_pending, telegram_sender
from telegram_support import ALICE, BOB


async def awards(chat: BotChat) -> list[Award]:
    async with chat.db.sessionmaker() as session:
        return list((await session.scalars(select(Award).order_by(Award.issued_at))).all())


async def deliveries(chat: BotChat) -> list[tuple[str, str]]:
    async with chat.db.sessionmaker() as session:
        return [(d.channel, d.target) for d in (await session.scalars(select(Delivery).order_by(Delivery.id))).all()]


async def test_deep_link_shows_the_badge_and_asks_for_an_email_with_a_skip_button(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    asked = await bot_chat.command(ALICE, "start", code)
    assert "Explorateur numérique" in asked.text and "Journée des badges" in asked.text
    assert "/privacy" in asked.text
    assert asked.buttons() == [("Passer", "email:skip")]


async def test_skipping_the_email_issues_to_the_telegram_account_and_queues_the_document(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    done = await bot_chat.claim(ALICE, code)
    [award] = await awards(bot_chat)
    assert (award.telegram_user_id, award.recipient_email, award.channel) == (ALICE.id, None, "telegram")
    assert f"{PUBLIC_URL}/awards/{award.id}" in done.text
    assert await deliveries(bot_chat) == [("telegram", str(ALICE.id))]


async def test_an_email_given_becomes_the_recipient_identity(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    await bot_chat.claim(ALICE, code, email="  Alice@Example.ORG ")
    [award] = await awards(bot_chat)
    assert (award.recipient_email, award.telegram_user_id) == ("alice@example.org", ALICE.id)


async def test_no_email_delivery_is_queued_when_email_is_off(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    await bot_chat.claim(ALICE, code, email="alice@example.org")
    assert await deliveries(bot_chat) == [("telegram", str(ALICE.id))]


async def test_an_invalid_email_is_asked_again_and_nothing_is_issued(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    await bot_chat.command(ALICE, "start", code)
    again = await bot_chat.say(ALICE, "alice@example")
    assert "adresse e-mail" in again.text and again.buttons() == [("Passer", "email:skip")]
    assert await awards(bot_chat) == []
    await bot_chat.say(ALICE, "alice@example.org")
    assert len(await awards(bot_chat)) == 1


async def test_words_that_are_no_address_are_asked_again(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    await bot_chat.command(ALICE, "start", code)
    again = await bot_chat.say(ALICE, "je n'en ai pas")
    assert again.buttons() == [("Passer", "email:skip")]


async def test_a_typed_code_works_in_lower_case_without_dashes(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    asked = await bot_chat.say(ALICE, code.lower())
    assert asked.buttons() == [("Passer", "email:skip")]


async def test_a_typed_code_works_grouped_with_dashes(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    asked = await bot_chat.say(ALICE, format_code(code))
    assert asked.buttons() == [("Passer", "email:skip")]


async def test_a_claim_page_link_is_read_as_its_code(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    asked = await bot_chat.say(ALICE, f"{PUBLIC_URL}/c/{format_code(code)}")
    assert asked.buttons() == [("Passer", "email:skip")]


async def test_a_photo_of_a_rotated_jpeg_qr_is_read(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    asked = await bot_chat.photo(ALICE, photo_of_qr(f"{PUBLIC_URL}/c/{code}"))
    assert asked.buttons() == [("Passer", "email:skip")]


async def test_a_forwarded_photo_of_a_qr_is_read(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    asked = await bot_chat.fake.next_reply(
        ALICE.id, lambda: bot_chat.fake.forward_photo(ALICE, photo_of_qr(code), original_sender=BOB))
    assert asked.buttons() == [("Passer", "email:skip")]


async def test_an_image_sent_as_a_file_is_read(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    image = photo_of_qr(f"https://t.me/badgeclaim_test_bot?start={code}")
    asked = await bot_chat.fake.next_reply(ALICE.id, lambda: bot_chat.fake.send_document(
        ALICE, image, filename="carte.jpg", mime_type="image/jpeg"))
    assert asked.buttons() == [("Passer", "email:skip")]


async def test_a_photo_without_a_qr_gets_advice(bot_chat: BotChat) -> None:
    reply = await bot_chat.photo(ALICE, png_bytes(300))
    assert "aucun QR code" in reply.text


async def test_a_qr_of_something_else_is_told_apart_from_a_wrong_code(bot_chat: BotChat) -> None:
    reply = await bot_chat.photo(ALICE, photo_of_qr("https://www.example.com/menu-de-la-cantine"))
    assert "pas un code de badge" in reply.text


async def test_sending_the_same_code_again_returns_the_same_award_and_queues_nothing(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    await bot_chat.claim(ALICE, code)
    again = await bot_chat.command(ALICE, "start", code)
    [award] = await awards(bot_chat)
    assert f"/awards/{award.id}" in again.text and "déjà" in again.text
    assert len(await deliveries(bot_chat)) == 1


async def test_a_used_code_is_refused(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    await bot_chat.claim(ALICE, code)
    refused = await bot_chat.command(BOB, "start", code)
    assert refused.text == "This code has already been used."  # Bob's Telegram speaks English


async def test_an_expired_code_is_refused_with_its_closing_time(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1, valid_until=bot_chat.clock.now + timedelta(minutes=5))
    bot_chat.clock.advance(hours=1)
    refused = await bot_chat.command(ALICE, "start", code)
    assert refused.text == "Ce code n'est plus valable depuis le 12 juin 2026 à 12:05 (heure : France)."


async def test_an_unknown_code_is_refused(bot_chat: BotChat) -> None:
    refused = await bot_chat.say(ALICE, format_code(generate_code()))
    assert refused.text.startswith("Ce code n'existe pas.")


async def test_a_mistyped_code_is_told_to_be_checked(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    refused = await bot_chat.say(ALICE, typo)
    assert "faute de frappe" in refused.text


async def test_a_display_only_code_typed_bare_is_refused(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(max_claims=50, display_only=True)
    refused = await bot_chat.say(ALICE, code)
    assert "écran" in refused.text
    assert await awards(bot_chat) == []


async def test_a_display_only_code_is_claimed_through_its_token_in_a_photo(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(max_claims=50, display_only=True)
    token = display_token(code, bot_chat.clock.now)
    asked = await bot_chat.photo(ALICE, photo_of_qr(f"{PUBLIC_URL}/c/{token}"))
    await bot_chat.press(ALICE, asked, "email:skip")
    assert len(await awards(bot_chat)) == 1


async def test_a_display_token_claim_closes_when_the_person_waits_too_long(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(max_claims=50, display_only=True)
    asked = await bot_chat.command(ALICE, "start", display_token(code, bot_chat.clock.now))
    bot_chat.clock.advance(minutes=30)
    refused = await bot_chat.press(ALICE, asked, "email:skip")
    assert "expiré" in refused.text and await awards(bot_chat) == []


async def test_an_english_speaker_is_answered_in_english(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    asked = await bot_chat.command(BOB, "start", code)
    assert asked.buttons() == [("Skip", "email:skip")] and "e-mail address" in asked.text


async def test_the_conversation_goes_on_in_another_bot_process(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    await bot_chat.command(ALICE, "start", code)
    async with bot_chat.db.sessionmaker() as session:
        stored = await session.get(TelegramChat, ALICE.id)
        assert stored is not None and stored.state == "awaiting_email"
    await bot_chat.stop()
    await bot_chat.start()  # another process: it knows the conversation only from the database
    await bot_chat.say(ALICE, "alice@example.org")
    assert [a.recipient_email for a in await awards(bot_chat)] == ["alice@example.org"]


async def test_someone_who_only_asks_for_help_leaves_no_row(bot_chat: BotChat) -> None:
    await bot_chat.command(ALICE, "help")
    async with bot_chat.db.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(TelegramChat)) == 0


async def test_the_badge_claimed_in_the_bot_arrives_as_a_document_that_unbakes_to_the_award(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    await bot_chat.claim(ALICE, code)
    async with delivery_bot(bot_chat.fake.token, bot_chat.fake.api_url) as bot:
        await run_outbox_until(bot_chat.db, {"telegram": telegram_sender(bot_chat.db, bot)}, bot_chat.clock,
                               none_pending(bot_chat.db))
    [award] = await awards(bot_chat)
    [document] = bot_chat.fake.sent_documents(ALICE.id)
    baked = unbake(document.data)
    assert json.loads(baked.ob3 or "{}")["id"] == f"{PUBLIC_URL}/ob3/credentials/{award.id}"
    assert f"{PUBLIC_URL}/awards/{award.id}" in (document.caption or "")


async def test_too_many_wrong_codes_from_one_account_are_slowed_down(bot_chat: BotChat) -> None:
    for _ in range(WRONG_CODE.limit):
        await bot_chat.say(BOB, format_code(generate_code()))
    [code] = await bot_chat.codes(count=1)
    refused = await bot_chat.say(BOB, code)
    assert refused.text == "Too many wrong codes from this connection: try again in 10 min."
    other = await bot_chat.say(ALICE, code)  # another account is not held up
    assert other.buttons() == [("Passer", "email:skip")]


async def test_start_without_a_code_greets_and_says_what_to_send(bot_chat: BotChat) -> None:
    reply = await bot_chat.command(BOB, "start")
    assert reply.text.startswith("Hello! I hand out the badges of your event.")


async def test_words_sent_outside_a_claim_get_the_greeting(bot_chat: BotChat) -> None:
    reply = await bot_chat.say(ALICE, "bonjour, comment ça marche ?")
    assert reply.text.startswith("Bonjour ! Je remets les badges de votre événement.")


async def test_an_email_given_is_also_a_delivery_when_email_is_on(bot_chat: BotChat) -> None:
    await bot_chat.stop()
    bot_chat.settings = bot_settings(bot_chat.fake, smtp_url="smtp://127.0.0.1:2525", smtp_from="badges@example.org")
    await bot_chat.start()
    [code] = await bot_chat.codes(count=1)
    asked = await bot_chat.command(ALICE, "start", code)
    assert "par e-mail" in asked.text
    await bot_chat.say(ALICE, "alice@example.org")
    assert await deliveries(bot_chat) == [("telegram", str(ALICE.id)), ("email", "alice@example.org")]
