"""Keeps the catalogue in step with the source: Babel extraction of our words and click's, and the .po update.

Run ``python -m badgeclaim.catalogue`` from the repository root after adding or changing a text: it rewrites
claims/locale/badgeclaim.pot and adds new msgids (empty) to the fr and en catalogues, dropping gone ones.
The test suite extracts the same way and fails while a msgid is missing or untranslated.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir, extract_python
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from claims.i18n import DOMAIN, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
# claims.i18n takes the language first: gettext(language, msgid), ngettext(language, singular, plural, n).
PYTHON_KEYWORDS = {**DEFAULT_KEYWORDS, "gettext": (2,), "ngettext": (2, 3)}
CLICK_KEYWORDS = {"_": None, "ngettext": (1, 2)}  # click imports gettext as _, and ngettext
_PYTHON_METHOD = "badgeclaim.catalogue:extract_python_and_click_help"  # as babel.cfg names it
_CLICK_DECORATORS = {"command", "group"}
_CLICK_PARAMETERS = {"option", "argument", "command", "group"}
_HEADER = """\
# Translations template for PROJECT.
# Copyright (C) YEAR ORGANIZATION
# The msgids are the English source text; python -m badgeclaim.catalogue updates this file.
#"""


def extract_python_and_click_help(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Any
) -> Iterator[tuple[int, str | None, Any, list[str]]]:
    """Babel extraction method: gettext-style calls, plus click's help texts (help=, command docstrings)."""
    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    for lineno, text in click_help_texts(fileobj.read()):
        yield lineno, None, text, []


def click_help_texts(source: bytes) -> Iterator[tuple[int, str]]:
    """The help texts of click decorators in ``source``, cleaned as click shows them (inspect.cleandoc)."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _name(node.func) in _CLICK_PARAMETERS:
            for keyword in node.keywords:
                if keyword.arg in ("help", "short_help", "epilog") and isinstance(keyword.value, ast.Constant) \
                        and isinstance(keyword.value.value, str):
                    yield keyword.value.lineno, inspect.cleandoc(keyword.value.value)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            decorators = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
            docstring = ast.get_docstring(node, clean=True)
            if docstring and any(_name(d) in _CLICK_DECORATORS for d in decorators):
                yield node.body[0].lineno, docstring


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None


def extract_catalogue(root: Path = ROOT) -> Catalog:
    """Every msgid the source tree at ``root`` and the installed click use, as a template catalogue."""
    catalog = Catalog(project="badgeclaim", domain=DOMAIN, charset="utf-8", fuzzy=False, header_comment=_HEADER,
                      copyright_holder="the badgeclaim authors", msgid_bugs_address="")
    with (root / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    for pattern, method in method_map:
        keywords = PYTHON_KEYWORDS if method == _PYTHON_METHOD else DEFAULT_KEYWORDS
        for filename, lineno, msgid, comments, context in extract_from_dir(
            root, [(pattern, method)], options_map, keywords=keywords
        ):
            catalog.add(msgid, None, [(filename, lineno)], auto_comments=comments, context=context)
    click_dir = Path(click.__file__).resolve().parent
    for filename, lineno, msgid, comments, context in extract_from_dir(
        click_dir, [("**.py", "python")], keywords=CLICK_KEYWORDS
    ):
        catalog.add(msgid, None, [(f"click/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def update_catalogues(root: Path = ROOT) -> list[str]:
    """Rewrite the template and merge it into each language's .po; returns the msgids still untranslated."""
    locale_dir = root / "claims" / "locale"
    template = extract_catalogue(root)
    pot = locale_dir / f"{DOMAIN}.pot"
    if pot.exists():  # an unchanged template keeps its date, so a run that changes nothing changes no file
        with pot.open("rb") as source:
            previous = read_po(source)
        if {m.id for m in previous} == {m.id for m in template}:
            template.creation_date = previous.creation_date
    locale_dir.mkdir(parents=True, exist_ok=True)
    with pot.open("wb") as out:
        # No line numbers: a line added above a text must not rewrite every catalogue.
        write_po(out, template, include_lineno=False, sort_output=True)
    untranslated: list[str] = []
    for language in LANGUAGES:
        path = locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if path.exists():
            with path.open("rb") as source:
                catalog = read_po(source, locale=language, domain=DOMAIN)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalog = Catalog(locale=language, domain=DOMAIN, project="badgeclaim", charset="utf-8", fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
        with path.open("wb") as out:
            write_po(out, catalog, include_lineno=False, sort_output=True, ignore_obsolete=True)
        untranslated += [f"{language}: {m.id!r}" for m in catalog if m.id and not _translated(m.string)]
    return untranslated


def _translated(string: str | tuple[str, ...]) -> bool:
    return all(string) if isinstance(string, tuple) else bool(string)


if __name__ == "__main__":
    for line in update_catalogues():
        print("untranslated", line)
