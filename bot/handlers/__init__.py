"""One module per conversation or command family of the Telegram bot; ``register_handlers`` wires them all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from telegram.ext import filters

# New messages in a private chat: a badge is claimed one to one (never in a group, where all would see),
# and an edited old message is not a new request.
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE

if TYPE_CHECKING:
    from bot.application import BadgeBot


def register_handlers(application: BadgeBot) -> None:
    from bot.handlers import claiming, commands, email, organisers

    # Commands first: "/help" must never be read as an answer to a question the bot asked.
    for family in (commands, organisers, email, claiming):
        family.register(application)
