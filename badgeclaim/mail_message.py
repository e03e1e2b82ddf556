"""The delivery e-mail: what it says (Jinja2 text and HTML in the reader's language) with the baked badge attached."""

from __future__ import annotations

import functools
import re
import unicodedata
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime

import jinja2
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from claims.awards import baked_award_image, get_award
from claims.context import IssuingContext
from claims.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, gettext, translations
from claims.models import BadgeClass, Event, Issuer


@dataclass(frozen=True)
class MailFacts:
    """What the mail shows of one award, read in one short transaction before any network I/O."""

    award_id: uuid.UUID
    recipient_name: str | None
    badge: str
    issuer: str
    event: str
    verify_url: str
    image_mime: str
    image: bytes
    revoked: bool


async def load_mail_facts(session: AsyncSession, award_id: uuid.UUID, issuing: IssuingContext) -> MailFacts:
    """The award's names and its baked image; ClaimError ``not_found`` when it was erased meanwhile."""
    award = await get_award(session, award_id)
    names = (
        await session.execute(
            select(BadgeClass.name, Issuer.name, Event.name)
            .join(Issuer, Issuer.id == BadgeClass.issuer_id)
            .join(Event, Event.id == award.event_id)
            .where(BadgeClass.id == award.badge_class_id)
        )
    ).one()
    mime, image = await baked_award_image(session, award_id, issuing)
    return MailFacts(award.id, award.recipient_name, names[0], names[1], names[2],
                     issuing.urls.award_page(award.id), mime, image, award.revoked_at is not None)


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


def _attachment_name(badge: str, mime: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", badge).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60] or "badge"
    return f"{slug}.{'svg' if mime == 'image/svg+xml' else 'png'}"


def compose(facts: MailFacts, *, language: str, sender: str, to: str, now: datetime) -> EmailMessage:
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
                           filename=_attachment_name(facts.badge, facts.image_mime))
    # Last: building the parts moves or drops the Content-* headers set before.
    message["Content-Language"] = language
    return message
