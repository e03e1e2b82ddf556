"""The delivery e-mail: what it says (Jinja2 text and HTML in the reader's language) with the baked badge attached."""

from __future__ import annotations

import functools
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime

import jinja2

from claims.award_facts import AwardFacts, image_filename
from claims.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, gettext, translations


@functools.cache
def _environment(language: str) -> jinja2.Environment:
    """One environment per language, so rendering never switches a shared one's translations."""
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("badgeclaim", "templates/mail"),
        extensions=["jinja2.ext.i18n"],
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        keep_trailing_newline=True,
    )
    environment.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return environment


def compose(facts: AwardFacts, *, language: str, sender: str, to: str, now: datetime) -> EmailMessage:
    """The mail of one award: text and HTML alternatives in ``language``, the baked image attached."""
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    environment = _environment(language)
    subject = gettext(language, N_("Your badge “{badge}”")).format(badge=facts.badge)
    values = {"language": language, "subject": subject, "name": facts.recipient_name, "badge": facts.badge,
              "issuer": facts.issuer, "event": facts.event, "verify_url": facts.verify_url}
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = to
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
    # Tells vacation responders and mailing lists not to answer a machine (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(environment.get_template("award.txt").render(values))
    message.add_alternative(environment.get_template("award.html").render(values), subtype="html")
    maintype, _, subtype = facts.image_mime.partition("/")
    message.add_attachment(facts.image, maintype=maintype, subtype=subtype,
                           filename=image_filename(facts.badge, facts.image_mime))
    # Last: building the parts moves or drops the Content-* headers set before.
    message["Content-Language"] = language
    return message
