"""The one catalogue: complete in fr and en, in step with the source, and the language and time helpers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path
from string import Formatter

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from badgeclaim.catalogue import click_help_texts, extract_catalogue
from claims.i18n import (
    LANGUAGES,
    catalogue_path,
    format_wall_time,
    format_when,
    gettext,
    negotiate,
    ngettext,
    translations,
)

ROOT = Path(__file__).resolve().parent.parent
NOON_IN_PARIS = datetime(2026, 6, 12, 10, 0, tzinfo=timezone.utc)  # summer: UTC+2
# Words that are the same in French and English (checked to exist, so the list cannot go stale).
SAME_IN_BOTH = {"Actions", "Badge", "badge", "Badges", "Console", "Image", "code", "description", "Description", "Options", "Open Badges", "Cookies",
                "%(prog)s, version %(version)s"}


def catalogue(language: str) -> Catalog:
    with catalogue_path(language).open("rb") as source:
        return read_po(source, locale=language)


def entries(language: str) -> dict[object, object]:
    return {m.id: m.string for m in catalogue(language) if m.id}


def forms(string: object) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (str(string),)


def placeholders(text: str) -> list[str]:
    braces = [f"{name}!{conv}" for _, name, _, conv in Formatter().parse(text) if name is not None]
    return sorted(braces + re.findall(r"%\(\w+\)[sd]", text))


@pytest.fixture(scope="module")
def extracted() -> set[object]:
    return {m.id for m in extract_catalogue(ROOT) if m.id}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_msgid_has_a_translation(language):
    empty = [msgid for msgid, string in entries(language).items() if not all(forms(string))]
    assert not empty


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_translation_is_fuzzy(language):
    assert not [m.id for m in catalogue(language) if m.id and m.fuzzy]


def test_french_and_english_differ_except_for_words_both_share():
    french, english = entries("fr"), entries("en")
    same = {msgid for msgid in french if forms(french[msgid]) == forms(english.get(msgid))}
    assert same == SAME_IN_BOTH


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders_of_their_msgid(language):
    broken = [
        msgid for msgid, string in entries(language).items()
        for form in forms(string)
        if placeholders(form) not in (placeholders(forms(msgid)[0]), placeholders(forms(msgid)[-1]))
    ]
    assert not broken


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_holds_every_msgid_the_source_and_click_use(language, extracted):
    missing = extracted - set(entries(language))
    assert not missing, "run `python -m badgeclaim.catalogue`, then translate the new entries"


def test_catalogue_holds_no_msgid_the_source_no_longer_uses(extracted):
    assert not set(entries("fr")) - extracted, "run `python -m badgeclaim.catalogue` to drop them"


def test_extraction_finds_option_help_and_command_docstrings():
    source = b'''
@cli.command()
@click.option("--name", help="The name.")
def hello(name):
    """Say hello.

    Twice.
    """
'''
    assert sorted(text for _, text in click_help_texts(source)) == ["Say hello.\n\nTwice.", "The name."]


def test_gettext_reads_the_catalogue():
    assert gettext("fr", "Show this message and exit.") == "Afficher ce message et quitter."
    assert gettext("en", "Show this message and exit.") == "Show this message and exit."


def test_ngettext_follows_each_language_plural_rule():
    singular, plural = "Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."
    assert ngettext("fr", singular, plural, 1) == "L'option {name!r} attend une valeur."
    assert ngettext("fr", singular, plural, 2) == "L'option {name!r} attend {nargs} valeurs."
    assert ngettext("en", singular, plural, 2) == plural


def test_an_unknown_language_gets_the_french_catalogue():
    assert translations("de") is translations("fr")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("en-GB,en;q=0.9,fr;q=0.8", "en"),
        ("de-DE, en;q=0.5", "en"),
        ("EN_us", "en"),
        ("fr-CA", "fr"),
        ("fr;q=0, en;q=0.1", "en"),
        ("de", "fr"),
        ("*", "fr"),
        ("", "fr"),
        (None, "fr"),
    ],
)
def test_negotiate_picks_our_language(header, expected):
    assert negotiate(header, "fr") == expected


def test_negotiate_falls_back_to_the_default_given():
    assert negotiate("de", "en") == "en"
    assert negotiate(None, "xx") == "fr"


def test_format_when_shows_paris_wall_time_and_names_the_zone():
    assert format_when(NOON_IN_PARIS, "fr", "Europe/Paris") == "12 juin 2026 à 12:00 (heure : France)"
    assert format_when(NOON_IN_PARIS, "en", "Europe/Paris") == "June 12, 2026 at 12:00 (France Time)"


def test_format_when_follows_the_zone_given():
    assert format_when(NOON_IN_PARIS, "fr", "Indian/Reunion").startswith("12 juin 2026 à 14:00 (")
    assert format_when(NOON_IN_PARIS, "en", "UTC") == "June 12, 2026 at 10:00 (UTC)"


def test_a_naive_datetime_is_read_as_utc():
    assert format_when(NOON_IN_PARIS.replace(tzinfo=None), "fr", "Europe/Paris") == format_when(
        NOON_IN_PARIS, "fr", "Europe/Paris"
    )


def test_format_wall_time_leaves_the_zone_out():
    assert format_wall_time(NOON_IN_PARIS, "fr", "Europe/Paris") == "12 juin 2026 à 12:00"


@pytest.mark.parametrize("machine_zone", ["UTC", "America/New_York", "Asia/Tokyo"])
def test_format_when_ignores_the_machine_time_zone(machine_zone):
    script = (
        "from datetime import datetime, timezone\n"
        "from claims.i18n import format_when\n"
        "print(format_when(datetime(2026, 6, 12, 10, 0, tzinfo=timezone.utc), 'fr', 'Europe/Paris'))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "TZ": machine_zone}, cwd=ROOT)
    assert done.stdout.strip() == "12 juin 2026 à 12:00 (heure : France)", done.stderr
