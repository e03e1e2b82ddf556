"""What the web app needs of the deployment: one frozen object built by the entry point (``serve``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WebConfig:
    public_url: str                 # no trailing slash
    default_language: str = "fr"    # BADGECLAIM_LANGUAGE
    timezone: str = "Europe/Paris"  # BADGECLAIM_TIMEZONE
    secret_key: str = ""            # BADGECLAIM_SECRET_KEY (CSRF, cookies, display tokens, rate-limit hashing)
    telegram_bot_username: str = "" # "Open in Telegram" deep link when set
    email_enabled: bool = False     # BADGECLAIM_SMTP_URL set: the claim page asks for an e-mail for delivery
    max_body_bytes: int = 64 * 1024
    kiosk_idle_seconds: int = 60    # a kiosk screen clears itself after this long untouched
