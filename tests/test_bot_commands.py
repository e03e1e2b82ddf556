"""Everyone's commands through the real bot: menus, /help, /privacy, /mybadges, /language, /forget."""

from __future__ import annotations

from sqlalchemy import select, text

from bot_support import BotChat, bot_chat  # noqa: F401 (bot_chat is a fixture)
from claims.models import Award, TelegramChat
from conftest import PUBLIC_URL
from telegram_support import ALICE, BOB


async def test_command_menus_are_registered_in_french_english_and_by_default(bot_chat: BotChat) -> None:
    french, english = dict(bot_chat.fake.commands("fr")), dict(bot_chat.fake.commands("en"))
    assert french["mybadges"] == "Mes badges" and english["mybadges"] == "My badges"
    assert dict(bot_chat.fake.commands(None)) == french  # BADGECLAIM_LANGUAGE is French
    assert "stats" not in french and "codes" not in english  # organisers' commands stay out of everyone's menu


async def test_help_explains_the_steps(bot_chat: BotChat) -> None:
    reply = await bot_chat.command(ALICE, "help")
    assert "/mybadges" in reply.text and "PNG" in reply.text


async def test_privacy_says_what_is_kept_and_links_the_notice(bot_chat: BotChat) -> None:
    reply = await bot_chat.command(BOB, "privacy")
    assert "Telegram account number" in reply.text and f"{PUBLIC_URL}/privacy" in reply.text
    assert "/forget" in reply.text


async def test_my_badges_lists_each_award_with_its_verify_link(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    await bot_chat.claim(ALICE, code)
    reply = await bot_chat.command(ALICE, "mybadges")
    async with bot_chat.db.sessionmaker() as session:
        award = (await session.scalars(select(Award))).one()
    assert "Explorateur numérique — Journée des badges" in reply.text
    assert f"{PUBLIC_URL}/awards/{award.id}" in reply.text


async def test_my_badges_with_none_says_how_to_get_one(bot_chat: BotChat) -> None:
    reply = await bot_chat.command(BOB, "mybadges")
    assert reply.text.startswith("You have no badge here yet.")


async def test_language_chosen_is_kept_and_used_from_then_on(bot_chat: BotChat) -> None:
    asked = await bot_chat.command(ALICE, "language")
    assert asked.buttons() == [("Français", "lang:fr"), ("English", "lang:en")]
    bot_chat.fake.press_button(ALICE, asked, "lang:en")
    await bot_chat.fake.wait_for(lambda: asked.text == "From now on I speak English.")
    reply = await bot_chat.command(ALICE, "mybadges")
    assert reply.text.startswith("You have no badge here yet.")


async def test_forget_asks_first_and_no_keeps_everything(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    await bot_chat.claim(ALICE, code)
    asked = await bot_chat.command(ALICE, "forget")
    assert [data for _, data in asked.buttons()] == ["forget:yes", "forget:no"]
    bot_chat.fake.press_button(ALICE, asked, "forget:no")
    await bot_chat.fake.wait_for(lambda: asked.text == "Rien n’a été effacé.")
    async with bot_chat.db.sessionmaker() as session:
        assert (await session.scalars(select(Award))).one().telegram_user_id == ALICE.id


async def test_forget_confirmed_erases_the_account_from_the_awards_and_the_conversation(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    await bot_chat.claim(ALICE, code, email="alice@example.org")
    asked = await bot_chat.command(ALICE, "forget")
    bot_chat.fake.press_button(ALICE, asked, "forget:yes")
    await bot_chat.fake.wait_for(lambda: "1 badge" in (asked.text or ""))
    async with bot_chat.db.sessionmaker() as session:
        award = (await session.scalars(select(Award))).one()
        assert (award.telegram_user_id, award.recipient_email, award.erased_at is not None) == (None, None, True)
        assert await session.get(TelegramChat, ALICE.id) is None
    reply = await bot_chat.command(ALICE, "mybadges")
    assert reply.text.startswith("Vous n’avez pas encore de badge ici.")


async def test_an_old_forget_button_erases_nothing(bot_chat: BotChat) -> None:
    [code] = await bot_chat.codes(count=1)
    await bot_chat.claim(ALICE, code)
    asked = await bot_chat.command(ALICE, "forget")
    await bot_chat.command(ALICE, "help")  # the conversation moved on
    bot_chat.fake.press_button(ALICE, asked, "forget:yes")
    await bot_chat.fake.wait_for(lambda: asked.text == "Rien n’a été effacé.")
    async with bot_chat.db.sessionmaker() as session:
        assert (await session.scalars(select(Award))).one().telegram_user_id == ALICE.id


async def test_a_failure_inside_the_bot_is_one_short_line_in_the_persons_language(bot_chat: BotChat) -> None:
    async with bot_chat.db.engine.begin() as connection:
        await connection.execute(text("DROP TABLE telegram_chats"))  # a real failure: the database lost a table
    reply = await bot_chat.command(BOB, "help")
    assert reply.text == "Sorry, something went wrong on our side. Please try again in a moment."
