"""What the bot answers to one update: text (with buttons) or a document, sent once the transaction committed."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Update

# Replies carry verification links; a preview card under each would bury the words.
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


@dataclass(frozen=True)
class Reply:
    text: str
    markup: InlineKeyboardMarkup | None = None
    document: bytes | None = None  # sent as a file (with ``text`` as its caption), never recompressed
    filename: str = ""

    async def send(self, bot: Bot, chat_id: int) -> None:
        if self.document is not None:
            await bot.send_document(chat_id, self.document, filename=self.filename, caption=self.text)
        else:
            await bot.send_message(chat_id, self.text, reply_markup=self.markup, link_preview_options=NO_PREVIEW)


async def answer(update: Update, bot: Bot, reply: Reply) -> None:
    """Send ``reply`` into the chat the update came from."""
    assert update.effective_chat is not None
    await reply.send(bot, update.effective_chat.id)
