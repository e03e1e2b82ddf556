"""The outcome of verifying a badge: per-format results and problems as stable codes (the edges word them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

OB2 = "ob2"
OB3 = "ob3"

# Problem codes: stable, for scripts and tests; the text a person reads is looked up at the edge.
UNREADABLE = "unreadable"
NO_BADGE = "no_badge"
MALFORMED = "malformed"
UNSUPPORTED = "unsupported"
DOCUMENT_UNAVAILABLE = "document_unavailable"
MISMATCH = "mismatch"
SIGNATURE_INVALID = "signature_invalid"
KEY_UNTRUSTED = "key_untrusted"
ISSUER_MISMATCH = "issuer_mismatch"
REVOKED = "revoked"
EXPIRED = "expired"
NOT_YET_VALID = "not_yet_valid"
STATUS_INVALID = "status_invalid"


@dataclass(frozen=True)
class Problem:
    format: str | None  # "ob2", "ob3", or None for the file itself
    code: str
    detail: str = ""  # technical, in English: what exactly failed


@dataclass
class FormatResult:
    """What one payload (OB 2.0 assertion or OB 3.0 credential) turned out to be."""

    format: str
    method: str  # "hosted", "signed" (OB 2.0); "eddsa-rdfc-2022", "vc-jwt" (OB 3.0)
    id: str | None = None
    badge_name: str | None = None
    issuer_name: str | None = None
    issued_on: datetime | None = None  # aware, UTC
    expires: datetime | None = None
    revoked: bool = False
    expired: bool = False
    problems: list[Problem] = field(default_factory=list)

    def fail(self, code: str, detail: str = "") -> None:
        self.problems.append(Problem(self.format, code, detail))

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class VerificationReport:
    ob2: FormatResult | None = None
    ob3: FormatResult | None = None
    file_problems: list[Problem] = field(default_factory=list)

    @property
    def problems(self) -> list[Problem]:
        found = list(self.file_problems)
        for result in (self.ob2, self.ob3):
            if result is not None:
                found.extend(result.problems)
        return found

    @property
    def revoked(self) -> bool:
        return any(r is not None and r.revoked for r in (self.ob2, self.ob3))

    @property
    def expired(self) -> bool:
        return any(r is not None and r.expired for r in (self.ob2, self.ob3))

    @property
    def ok(self) -> bool:
        """True only when a badge was found and everything in it is valid, unrevoked and unexpired."""
        return (self.ob2 is not None or self.ob3 is not None) and not self.problems
