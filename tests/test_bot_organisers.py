"""Organisers in the real bot: the one-time link, /stats, /codes (a PDF whose QR codes decode), refusals."""

from __future__ import annotations

import io

import pypdfium2
from sqlalchemy import func, select

from bot_support import BotChat, bot_chat  # noqa: F401 (bot_chat is a fixture)
from claims.codes import parse_code
from claims.event_organisers import add_organiser, create_organiser_link, remove_organiser
from claims.models import ClaimCode
from claims.organising import create_badge_class
from conftest import PUBLIC_URL, png_bytes
from qr import decode
from telegram_support import ALICE, BOB


async def make_organiser(chat: BotChat, user_id: int) -> None:
    async with chat.db.sessionmaker.begin() as session:
        await add_organiser(session, chat.world.event.id, user_id, chat.clock.now)


async def count_codes(chat: BotChat) -> int:
    async with chat.db.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(ClaimCode)) or 0


def qr_texts_of(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    texts: list[str] = []
    for page in document:
        image = page.render(scale=3).to_pil()
        out = io.BytesIO()
        image.save(out, format="PNG")
        texts += decode(out.getvalue())
    return texts


async def test_the_organiser_link_makes_the_person_an_organiser(bot_chat: BotChat) -> None:
    async with bot_chat.db.sessionmaker.begin() as session:
        token = await create_organiser_link(session, bot_chat.world.event.id, bot_chat.clock.now)
    reply = await bot_chat.command(ALICE, "start", f"org_{token}")
    assert "organisateur de « Journée des badges »" in reply.text
    stats = await bot_chat.command(ALICE, "stats")
    assert stats.text.startswith("📊 Journée des badges : 0 badge remis")


async def test_an_organiser_link_works_once(bot_chat: BotChat) -> None:
    async with bot_chat.db.sessionmaker.begin() as session:
        token = await create_organiser_link(session, bot_chat.world.event.id, bot_chat.clock.now)
    await bot_chat.command(ALICE, "start", f"org_{token}")
    refused = await bot_chat.command(BOB, "start", f"org_{token}")
    assert refused.text.startswith("This organiser link is no longer valid")
    assert (await bot_chat.command(BOB, "stats")).text.startswith("This command is for the organisers")


async def test_stats_count_claims_per_badge_and_channel(bot_chat: BotChat) -> None:
    await make_organiser(bot_chat, BOB.id)
    [first, second] = await bot_chat.codes(count=2)
    await bot_chat.claim(ALICE, first)
    await bot_chat.claim(BOB, second, email="bob@example.org")
    reply = await bot_chat.command(BOB, "stats")
    assert reply.text.splitlines()[:3] == [
        "📊 Journée des badges: 2 badges claimed",
        "• Explorateur numérique: 2",
        "Web 0 · Telegram 2 · Kiosk 0 · Command line 0",
    ]


async def test_someone_who_organises_nothing_is_refused_stats(bot_chat: BotChat) -> None:
    reply = await bot_chat.command(ALICE, "stats")
    assert reply.text.startswith("Cette commande est réservée aux organisateurs")


async def test_someone_who_organises_nothing_is_refused_codes_and_none_are_made(bot_chat: BotChat) -> None:
    reply = await bot_chat.command(ALICE, "codes", "10")
    assert reply.text.startswith("Cette commande est réservée aux organisateurs")
    assert await count_codes(bot_chat) == 0


async def test_codes_sends_a_pdf_sheet_whose_qr_codes_are_the_new_codes(bot_chat: BotChat) -> None:
    await make_organiser(bot_chat, ALICE.id)
    await bot_chat.command(ALICE, "codes", "3")
    [sheet] = bot_chat.fake.sent_documents(ALICE.id)
    assert sheet.data[:5] == b"%PDF-" and (sheet.filename or "").endswith(".pdf")
    assert sheet.caption is not None and sheet.caption.startswith("3 cartes pour « Explorateur numérique »")
    texts = qr_texts_of(sheet.data)
    async with bot_chat.db.sessionmaker() as session:
        made = set((await session.scalars(select(ClaimCode.code))).all())
    assert len(texts) == 3 and all(text.startswith(f"{PUBLIC_URL}/c/") for text in texts)
    assert {parse_code(text) for text in texts} == made


async def test_codes_without_a_number_says_how_to_ask(bot_chat: BotChat) -> None:
    await make_organiser(bot_chat, BOB.id)
    reply = await bot_chat.command(BOB, "codes")
    assert reply.text.startswith("How many cards? For example: /codes 24")
    assert await count_codes(bot_chat) == 0


async def test_codes_asks_which_badge_when_the_issuer_has_several(bot_chat: BotChat) -> None:
    await make_organiser(bot_chat, ALICE.id)
    async with bot_chat.db.sessionmaker.begin() as session:
        issuer = bot_chat.world.issuer
        other = await create_badge_class(session, issuer, name="Codeuse", description="A codé.", criteria="Coder.",
                                         image=png_bytes(), now=bot_chat.clock.now)
    asked = await bot_chat.command(ALICE, "codes", "2")
    labels = [label for label, _ in asked.buttons()]
    assert labels == ["Journée des badges — Codeuse", "Journée des badges — Explorateur numérique"]
    bot_chat.fake.press_button(ALICE, asked, "codes:0")
    await bot_chat.fake.wait_for(lambda: len(bot_chat.fake.sent_documents(ALICE.id)) == 1)
    async with bot_chat.db.sessionmaker() as session:
        badges = set((await session.scalars(select(ClaimCode.badge_class_id))).all())
    assert badges == {other.id}


async def test_a_codes_button_of_someone_no_longer_organiser_makes_nothing(bot_chat: BotChat) -> None:
    await make_organiser(bot_chat, ALICE.id)
    async with bot_chat.db.sessionmaker.begin() as session:
        await create_badge_class(session, bot_chat.world.issuer, name="Codeuse", description="A codé.",
                                 criteria="Coder.", image=png_bytes(), now=bot_chat.clock.now)
    asked = await bot_chat.command(ALICE, "codes", "2")
    async with bot_chat.db.sessionmaker.begin() as session:
        await remove_organiser(session, bot_chat.world.event.id, ALICE.id, bot_chat.clock.now)
    refused = await bot_chat.press(ALICE, asked, "codes:0")
    assert refused.text.startswith("Cette commande est réservée aux organisateurs")
    assert await count_codes(bot_chat) == 0
