"""The outcome of verifying a badge: per-format results, problems as stable codes, and its text in fr and en."""

from __future__ import annotations

from dataclasses import dataclass, field

OB2 = "ob2"
OB3 = "ob3"

# Problem codes: stable, for scripts and tests; the text a person reads is looked up in _TEXT.
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

_TEXT: dict[str, dict[str, str]] = {
    UNREADABLE: {"fr": "fichier illisible", "en": "unreadable file"},
    NO_BADGE: {"fr": "aucun badge dans ce fichier", "en": "no badge in this file"},
    MALFORMED: {"fr": "document mal formé", "en": "malformed document"},
    UNSUPPORTED: {"fr": "forme non prise en charge", "en": "unsupported form"},
    DOCUMENT_UNAVAILABLE: {"fr": "document introuvable", "en": "document not available"},
    MISMATCH: {"fr": "ne correspond pas au document publié", "en": "differs from the published document"},
    SIGNATURE_INVALID: {"fr": "signature invalide", "en": "invalid signature"},
    KEY_UNTRUSTED: {"fr": "clé non reconnue par l'émetteur", "en": "key not recognised by the issuer"},
    ISSUER_MISMATCH: {"fr": "émetteur incohérent", "en": "issuer mismatch"},
    REVOKED: {"fr": "badge révoqué", "en": "badge revoked"},
    EXPIRED: {"fr": "badge expiré", "en": "badge expired"},
    NOT_YET_VALID: {"fr": "badge pas encore valable", "en": "badge not valid yet"},
    STATUS_INVALID: {"fr": "liste de statut invalide", "en": "invalid status list"},
}
_WORDS = {
    "valid": {"fr": "valide", "en": "valid"},
    "invalid": {"fr": "invalide", "en": "invalid"},
    "verdict_ok": {"fr": "Résultat : badge valide", "en": "Result: valid badge"},
    "verdict_bad": {"fr": "Résultat : badge NON valide", "en": "Result: badge NOT valid"},
    "badge": {"fr": "Badge", "en": "Badge"},
    "issuer": {"fr": "Émetteur", "en": "Issuer"},
    "issued": {"fr": "Délivré le", "en": "Issued on"},
    "expires": {"fr": "Expire le", "en": "Expires on"},
}


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
    issued_on: str | None = None
    expires: str | None = None
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

    def render(self, language: str = "fr") -> str:
        lang = language if language in ("fr", "en") else "fr"
        lines: list[str] = []
        for problem in self.file_problems:
            lines.append(_problem_line(problem, lang))
        for label, result in (("OB 2.0", self.ob2), ("OB 3.0", self.ob3)):
            if result is None:
                continue
            state = _WORDS["valid" if result.ok else "invalid"][lang]
            lines.append(f"{label} ({result.method}){_colon(lang)}{state}")
            for key, value in (
                ("badge", result.badge_name),
                ("issuer", result.issuer_name),
                ("issued", result.issued_on),
                ("expires", result.expires),
            ):
                if value:
                    lines.append(f"  {_WORDS[key][lang]}{_colon(lang)}{value}")
            lines.extend("  " + _problem_line(p, lang) for p in result.problems)
        lines.append(_WORDS["verdict_ok" if self.ok else "verdict_bad"][lang])
        return "\n".join(lines)


def _colon(lang: str) -> str:
    # French typography puts a space before the colon.
    return " : " if lang == "fr" else ": "


def _problem_line(problem: Problem, lang: str) -> str:
    text = _TEXT.get(problem.code, {}).get(lang, problem.code)
    return f"- {text} ({problem.detail})" if problem.detail else f"- {text}"
