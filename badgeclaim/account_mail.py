"""The mail carrying a console account's one-time set-password link, in the reader's language, sent by SMTP."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime
from typing import Callable

from badgeclaim.mail import SmtpServer, smtp_send
from claims.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, gettext
from kiosk.console.state import WELCOME, LinkMail, LinkMailer

_SUBJECTS = {
    WELCOME: N_("Your organiser account for {issuer}"),
    "reset": N_("Choose a new password for {issuer}"),
}
_OPENINGS = {
    WELCOME: N_("An organiser account was opened for you on the badge console of {issuer}."),
    "reset": N_("Someone, probably you, asked to choose a new password for your organiser account of {issuer}."),
}


def compose_link_mail(mail: LinkMail, *, sender: str, now: datetime) -> EmailMessage:
    language = mail.language if mail.language in LANGUAGES else DEFAULT_LANGUAGE
    issuer = mail.issuer_name or "badgeclaim"
    lines = [
        gettext(language, _OPENINGS.get(mail.purpose, _OPENINGS[WELCOME])).format(issuer=issuer),
        "",
        gettext(language, N_("Open this link to choose your password (it works once, for 48 hours):")),
        "",
        mail.url,
        "",
        gettext(language, N_("If you did not expect this message, ignore it: nothing changes without the link.")),
    ]
    message = EmailMessage()
    message["Subject"] = gettext(language, _SUBJECTS.get(mail.purpose, _SUBJECTS[WELCOME])).format(issuer=issuer)
    message["From"] = sender
    message["To"] = mail.to
    message["Date"] = format_datetime(now)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a machine
    message.set_content("\n".join(lines) + "\n")
    message["Content-Language"] = language
    return message


def link_mailer(smtp_url: str, sender: str, clock: Callable[[], datetime]) -> LinkMailer | None:
    """What the console calls to e-mail a link; None when SMTP is not set (the link then goes to the log)."""
    if not smtp_url:
        return None
    server = SmtpServer.from_url(smtp_url)

    async def send(mail: LinkMail) -> None:
        await smtp_send(server, compose_link_mail(mail, sender=sender, now=clock()))

    return send
