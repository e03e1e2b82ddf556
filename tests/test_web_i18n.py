"""Every word of the web app exists in French and English, and the request's language is picked as promised."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import jinja2
import pytest

from kiosk.i18n import negotiate, translations

KIOSK = Path(__file__).resolve().parent.parent / "kiosk"


def msgids() -> set[str]:
    """Every msgid: ``_()`` and ``{% trans %}`` in the templates, ``N_()`` in the Python modules."""
    found: set[str] = set()
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    for template in (KIOSK / "templates").glob("*.html"):
        for _, _, message in env.extract_translations(template.read_text(encoding="utf-8")):
            found.add(message if isinstance(message, str) else message[0])
    for module in KIOSK.glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
                found.add(node.args[0].value)
    return found


def test_the_templates_and_modules_have_words_to_translate():
    assert len(msgids()) > 50


@pytest.mark.parametrize("msgid", sorted(msgids()))
def test_every_msgid_has_a_french_translation_with_the_same_placeholders(msgid):
    french = translations("fr").gettext(msgid)
    assert french.strip()
    if msgid not in ("Open Badges", "Description", "Cookies"):  # the same word in both languages
        assert french != msgid
    assert sorted(re.findall(r"%\(\w+\)s", french)) == sorted(re.findall(r"%\(\w+\)s", msgid))


def test_no_template_holds_untranslated_prose():
    # Text between tags must come through _(): a bare sentence would stay in one language.
    for template in (KIOSK / "templates").glob("*.html"):
        source = re.sub(r"{[{%].*?[%}]}", "", template.read_text(encoding="utf-8"), flags=re.S)
        bare = [t.strip() for t in re.findall(r">([^<>]+)<", source) if re.search(r"[A-Za-z]{3}", t)]
        assert not bare, f"{template.name}: {bare}"


@pytest.mark.parametrize("header, expected", [
    ("en-US,en;q=0.9", "en"),
    ("de-DE,de;q=0.9,en;q=0.5,fr;q=0.4", "en"),
    ("en;q=0.3,fr;q=0.8", "fr"),
    ("de", "fr"),
    ("", "fr"),
    ("fr;q=0, en;q=0.1", "en"),
])
def test_accept_language_picks_our_best_language(header, expected):
    assert negotiate(header, "fr") == expected
