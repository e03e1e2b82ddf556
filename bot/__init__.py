"""The Telegram bot: python-telegram-bot Application factory and the delivery worker."""
