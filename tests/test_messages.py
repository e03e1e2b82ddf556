"""Every error code has a French and an English sentence, with its facts filled in and its times in a zone."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from claims import errors
from claims.messages import LANGUAGES, message

CODES = [value for name, value in vars(errors).items() if name.isupper() and isinstance(value, str)]
OPENS = datetime(2026, 12, 3, 8, 0, tzinfo=timezone.utc)  # 09:00 in Paris (winter), 03:00 in New York


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_error_code_has_a_sentence_in_each_language(code, language):
    text = message(code, language, field="email", what="event", id="x")
    assert text != code and text.endswith(".") and "{" not in text


@pytest.mark.parametrize("code", CODES)
def test_french_and_english_differ(code):
    assert message(code, "fr", field="email", what="event", id="x") != message(code, "en", field="email",
                                                                                 what="event", id="x")


def test_an_unknown_language_falls_back_to_french():
    assert message(errors.CODE_USED, "de") == message(errors.CODE_USED, "fr")


def test_not_yet_valid_says_when_in_paris_time_by_default():
    assert message(errors.CODE_NOT_YET_VALID, "fr", valid_from=OPENS) == (
        "Ce code ne sera valable qu'à partir du 3 décembre 2026 à 09:00 (heure : France)."
    )
    assert "December 3, 2026 at 09:00 (France Time)" in message(errors.CODE_NOT_YET_VALID, "en", valid_from=OPENS)


def test_times_are_shown_in_the_zone_given():
    text = message(errors.CODE_NOT_YET_VALID, "en", valid_from=OPENS, timezone="America/New_York")
    assert "03:00" in text and "New York" in text


def test_a_missing_fact_leaves_out_its_clause():
    assert message(errors.CODE_EXPIRED, "en") == "This code is no longer valid."
    assert message(errors.CODE_EXPIRED, "fr", valid_until=None) == "Ce code n'est plus valable."


def test_field_names_are_translated():
    assert message(errors.INVALID_INPUT, "fr", field="email") == "Valeur invalide : adresse e-mail."


def test_an_empty_text_field_is_said_to_be_required():
    assert message(errors.INVALID_INPUT, "fr", field="name", reason="required").endswith("Ce champ est à remplir.")
    assert message(errors.INVALID_INPUT, "en", field="name", reason="too_long").endswith("It is too long.")

