"""The one error family of the domain core: a machine code plus the facts a message needs."""

from __future__ import annotations

from typing import Any

UNKNOWN_CODE = "unknown_code"
CODE_TYPO = "code_typo"
CODE_USED = "code_used"
CODE_EXPIRED = "code_expired"
CODE_NOT_YET_VALID = "code_not_yet_valid"
CODE_INACTIVE = "code_inactive"
EVENT_CLOSED = "event_closed"
INVALID_INPUT = "invalid_input"
NOT_FOUND = "not_found"
DISPLAY_TOKEN_INVALID = "display_token_invalid"
DISPLAY_TOKEN_EXPIRED = "display_token_expired"
RATE_LIMITED = "rate_limited"  # too many wrong codes from one client: computed from rate_events
DISPLAY_ONLY = "display_only"  # a display-only code typed or decoded bare, not through its rotating token
KIOSK_CLOSED = "kiosk_closed"  # a kiosk token that is unknown or revoked: the same answer, revealing nothing
ORGANISER_LINK_INVALID = "organiser_link_invalid"  # a Telegram organiser link unknown, used or expired
LOGIN_FAILED = "login_failed"  # console sign-in: unknown e-mail, wrong password or disabled account, told alike
LINK_INVALID = "link_invalid"  # a one-time link that is unknown, expired or already used


class ClaimError(Exception):
    """A refusal the person can act on. ``code`` is stable; the text is looked up at the edge."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        if not self.params:
            return self.code
        details = ", ".join(f"{k}={v!r}" for k, v in sorted(self.params.items()))
        return f"{self.code} ({details})"
