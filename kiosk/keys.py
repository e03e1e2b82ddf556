"""The web app's keys, each derived from the one secret key for its own purpose (claims.derived_keys)."""

from __future__ import annotations

from claims.derived_keys import Purpose, derive_key


class WebKeys:
    """Every derived key of one app, computed once when the app is made."""

    def __init__(self, secret_key: str) -> None:
        self.csrf = derive_key(secret_key, Purpose.CSRF)
        self.display_token = derive_key(secret_key, Purpose.DISPLAY_TOKEN)
        self.claim_ticket = derive_key(secret_key, Purpose.CLAIM_TICKET)
        self.rate_limit = derive_key(secret_key, Purpose.RATE_LIMIT)
        self.download_link = derive_key(secret_key, Purpose.DOWNLOAD_LINK)
