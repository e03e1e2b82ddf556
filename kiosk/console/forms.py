"""Reading console forms and saying what is wrong with a field, beside it, in the request's language.

``text(form, name, limit)`` reads a field (a missing or non-text field reads as ""); ``FormErrors`` maps
field names to messages (``errors.form`` for the form as a whole) and renders as ``errors.<field>``, ""
when the field is fine; ``errors.add_refusal(request, error)`` puts a core ``ClaimError`` beside the field
it names (``params["field"]``), or at the top of the form.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from claims.errors import INVALID_INPUT, ClaimError
from claims.i18n import N_
from kiosk.i18n import LANGUAGE, refusal_text, translate
from kiosk.state import state_of

# Sentences the console says of its own fields, sharper than the core's "Invalid value: …".
# (field, reason) -> English msgid.
FIELD_REASONS: dict[tuple[str, str], str] = {
    ("email", "taken"): N_("An account already uses this e-mail address."),
    ("password", "too_short"): N_("The password needs at least 10 characters."),
    ("password", "too_long"): N_("The password is too long (1024 characters at most)."),
    ("image", "missing"): N_("Choose an image: a PNG or an SVG file."),
    ("image", "svg_active"): N_("This SVG holds something that runs or fetches from elsewhere (%(removed)s): it is "
                                "refused. Save it without scripts, event handlers or links, then send it again."),
}


def text(form: Any, name: str, limit: int = 5000) -> str:
    value = form.get(name, "")
    return value[:limit] if isinstance(value, str) else ""


class FormErrors(dict[str, str]):
    """Field -> message; a field without an error reads as "" in templates (``errors.email``)."""

    def __missing__(self, key: str) -> str:
        return ""

    def __getattr__(self, key: str) -> str:
        return self[key]

    def add(self, request: web.Request, field: str, msgid: str, **values: Any) -> None:
        self[field] = translate(request[LANGUAGE], msgid, **values)

    def add_refusal(self, request: web.Request, error: ClaimError, *, fields: tuple[str, ...] = ()) -> None:
        """``error`` beside its field when the form has that field (``fields``), else above the form."""
        language = request[LANGUAGE]
        field = str(error.params.get("field", ""))
        reason = str(error.params.get("reason", ""))
        if error.code == INVALID_INPUT and (field, reason) in FIELD_REASONS:
            msgid = FIELD_REASONS[(field, reason)]
            words = translate(language, msgid, **{k: v for k, v in error.params.items() if f"%({k})s" in msgid})
        else:
            words = refusal_text(error.code, error.params, language, state_of(request).config.timezone)
        self[field if field in fields else "form"] = words
