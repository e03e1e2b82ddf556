"""What the bot needs of the deployment's settings, as a Protocol: ``bot`` never imports ``badgeclaim``."""

from __future__ import annotations

from typing import Protocol


class BotSettings(Protocol):
    """The fields of ``badgeclaim.settings.Settings`` the bot reads (the settings object itself is passed)."""

    @property
    def telegram_token(self) -> str: ...
    @property
    def telegram_api_url(self) -> str: ...
    @property
    def public_url(self) -> str: ...
    @property
    def secret_key(self) -> str: ...
    @property
    def smtp_url(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def timezone(self) -> str: ...
