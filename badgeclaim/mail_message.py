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
from claims.models import BadgeClass, Event, Issuer

LANGUAGES = ("fr", "en")


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


# Stand-in for the shared catalogue (claims/i18n.py) until it lands: English msgids, French here.
_FRENCH = {
    "Hello %(name)s,": "Bonjour %(name)s,",
    "Hello,": "Bonjour,",
    "Here is your badge “%(badge)s”, awarded by %(issuer)s at “%(event)s”.":
        "Voici votre badge « %(badge)s », délivré par %(issuer)s lors de « %(event)s ».",
    "The attached image is your badge: it carries the signed proof inside it. Keep it, or add it to your "
    "backpack (Open Badges 2.0) or your wallet (Open Badges 3.0).":
        "L'image jointe est votre badge : elle porte en elle sa preuve signée. Gardez-la, ou ajoutez-la à votre "
        "sac à badges (Open Badges 2.0) ou à votre portefeuille (Open Badges 3.0).",
    "Anyone can check your badge here:": "Chacun peut vérifier votre badge ici :",
    "Check my badge": "Vérifier mon badge",
    "This message was sent automatically because this address was given when the badge was claimed.":
        "Ce message a été envoyé automatiquement, car cette adresse a été donnée en réclamant le badge.",
    "Your badge “{badge}”": "Votre badge « {badge} »",
}


class _StandInTranslations:
    def __init__(self, language: str) -> None:
        self._table = _FRENCH if language == "fr" else {}

    def gettext(self, message: str) -> str:
        return self._table.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def translations(language: str) -> _StandInTranslations:
    return _StandInTranslations(language if language in LANGUAGES else "fr")


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
    language = language if language in LANGUAGES else "fr"
    environment = _environment(language)
    subject = translations(language).gettext("Your badge “{badge}”").format(badge=facts.badge)
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
