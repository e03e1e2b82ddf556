"""The command line in the reader's language: our help texts and click's own words, from the one catalogue."""

from __future__ import annotations

import atexit
import copy
import gettext
import inspect
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import click

from claims.i18n import N_, compiled_catalogue
from claims.i18n import gettext as catalogue_gettext

HELP_OPTION_NAMES = ["-h", "--help"]

# Words click looks up with a computed msgid (``_(extra["required"])``) or never marks (its type names,
# shown as metavars and in "… is not a valid integer"): listed here so the extractor finds them.
CLICK_WORDS = (N_("required"), N_("text"), N_("integer"), N_("integer range"), N_("float"), N_("boolean"))

# Where each object's English text is kept, so the tree can be put in another language later in the
# same process (the test suite runs the CLI in French and English in turn).
_ENGLISH = "_badgeclaim_english"


def translate(language: str, msgid: str, **params: Any) -> str:
    """``msgid`` from the catalogue in ``language``, its ``{name}`` placeholders filled."""
    text = catalogue_gettext(language, msgid)
    return text.format(**params) if params else text


def translate_commands(command: click.Command, language: str) -> None:
    """Put every help text of ``command`` and its subcommands (written in English as msgids) in ``language``."""
    for attribute in ("help", "short_help", "epilog"):
        _translate_attribute(command, attribute, language)
    # click makes the --help option lazily and keeps it: make it now, so its help is translated with the rest.
    help_option = command.get_help_option(click.Context(command, help_option_names=HELP_OPTION_NAMES))
    for param in [*command.params, help_option]:
        if param is not None:
            _translate_attribute(param, "help", language)
            _translate_type_name(param, language)
    if isinstance(command, click.Group):
        for subcommand in command.commands.values():
            translate_commands(subcommand, language)


def _translate_attribute(obj: object, attribute: str, language: str) -> None:
    english = vars(obj).setdefault(_ENGLISH, {}).setdefault(attribute, getattr(obj, attribute))
    if english:
        # click shows help through inspect.cleandoc; the extractor stores the msgid the same way.
        setattr(obj, attribute, catalogue_gettext(language, inspect.cleandoc(english)))


def _translate_type_name(param: click.Parameter, language: str) -> None:
    # A type's name is its metavar (FILE, INTEGER) and part of click's refusals; types such as click.INT
    # are shared by the whole process, so the parameter gets its own copy rather than a changed original.
    english_type = vars(param).setdefault(_ENGLISH, {}).setdefault("type", param.type)
    name = catalogue_gettext(language, english_type.name)
    if name == english_type.name:
        param.type = english_type
    else:
        param.type = copy.copy(english_type)
        param.type.name = name


@contextmanager
def click_speaking(language: str) -> Iterator[None]:
    """While inside, click's own words ("Usage:", "No such command", "Missing option"…) are in ``language``.

    click looks its words up with the standard library's ``gettext.gettext``, that is in the process's
    current text domain, from a compiled .mo under the directory bound to that domain, in the language
    named by the LANGUAGE environment variable (GNU gettext's own rule). That documented path is the one
    used here: our catalogue (which holds click's msgids) is compiled to a private temporary directory,
    bound to the current domain, and LANGUAGE names the language; both are put back on the way out.
    No click internals are patched, and nobody has to compile anything beforehand.
    """
    domain = gettext.textdomain()
    bound_before = gettext.bindtextdomain(domain)
    language_before = os.environ.get("LANGUAGE")
    gettext.bindtextdomain(domain, str(_compiled_directory(language, domain)))
    os.environ["LANGUAGE"] = language
    try:
        yield
    finally:
        gettext.bindtextdomain(domain, bound_before)
        if language_before is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = language_before


@cache
def _compiled_directory(language: str, domain: str) -> Path:
    directory = Path(tempfile.mkdtemp(prefix="badgeclaim-locale-"))  # private to this user (mode 0700)
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    target = directory / language / "LC_MESSAGES" / f"{domain}.mo"
    target.parent.mkdir(parents=True)
    target.write_bytes(compiled_catalogue(language))
    return directory
