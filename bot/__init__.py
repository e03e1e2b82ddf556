"""The Telegram bot: python-telegram-bot Application factory and the delivery worker."""

from bot.application import BadgeBot, BotContext, build_application

__all__ = ["BadgeBot", "BotContext", "build_application"]
