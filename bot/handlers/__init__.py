"""One module per conversation or command family of the Telegram bot."""
