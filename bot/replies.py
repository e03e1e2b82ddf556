"""What the bot answers to one update: text (with buttons) or a document, sent once the transaction committed."""

from __future__ import annotations

from dataclasses import dataclass

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Update

# Replies carry verification links; a preview card under each would bury the words.
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Telegram refuses longer messages (a long /mybadges or /stats goes out in several).
MAX_MESSAGE_CHARS = 4096


@dataclass(frozen=True)
class Reply:
    text: str
    markup: InlineKeyboardMarkup | None = None
    document: bytes | None = None  # sent as a file (with ``text`` as its caption), never recompressed
    filename: str = ""

    async def send(self, bot: Bot, chat_id: int) -> None:
        if self.document is not None:
            await bot.send_document(chat_id, self.document, filename=self.filename, caption=self.text)
            return
        parts = split_message(self.text)
        for number, part in enumerate(parts, 1):
            # The buttons go under the last part, where the question is.
            markup = self.markup if number == len(parts) else None
            await bot.send_message(chat_id, part, reply_markup=markup, link_preview_options=NO_PREVIEW)


def split_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """``text`` in parts Telegram accepts, cut between lines (a line longer than ``limit`` is cut itself)."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            parts, current = parts + ([current] if current else []), ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            candidate = line
        current = candidate
    return parts + [current] if current or not parts else parts


async def answer(update: Update, bot: Bot, reply: Reply) -> None:
    """Send ``reply`` into the chat the update came from."""
    assert update.effective_chat is not None
    await reply.send(bot, update.effective_chat.id)
