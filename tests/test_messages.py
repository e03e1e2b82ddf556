"""Every error code has a French and an English sentence, with its facts filled in."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from claims import errors
from claims.messages import LANGUAGES, message

CODES = [value for name, value in vars(errors).items() if name.isupper() and isinstance(value, str)]


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_error_code_has_a_sentence_in_each_language(code, language):
    text = message(code, language, field="email", what="event", id="x")
    assert text != code and text.endswith(".") and "{" not in text


def test_french_and_english_differ():
    assert message(errors.CODE_USED, "fr") != message(errors.CODE_USED, "en")


def test_an_unknown_language_falls_back_to_french():
    assert message(errors.CODE_USED, "de") == message(errors.CODE_USED, "fr")


def test_not_yet_valid_says_from_when():
    opens = datetime(2026, 12, 3, 8, 0, tzinfo=timezone.utc)
    assert opens.astimezone().strftime("%H:%M") in message(errors.CODE_NOT_YET_VALID, "fr", valid_from=opens)
    assert "2026-12-03" in message(errors.CODE_NOT_YET_VALID, "en", valid_from=opens)


def test_a_missing_fact_leaves_out_its_parenthesis():
    assert message(errors.CODE_EXPIRED, "en") == "This code is no longer valid."
