"""The outbox's e-mail sender: SMTP with aiosmtplib (smtp:// with STARTTLS when offered, or smtps://)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Callable
from urllib.parse import unquote, urlsplit

import aiosmtplib
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from badgeclaim.mail_message import compose
from claims.award_facts import facts_to_deliver
from claims.context import IssuingContext
from claims.outbox import DeliveryJob, PermanentFailure, TemporaryFailure

log = logging.getLogger(__name__)

CHANNEL = "email"


@dataclass(frozen=True)
class SmtpServer:
    hostname: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool  # smtps://: TLS from the first byte; smtp://: STARTTLS when the server offers it
    timeout: float = 30.0
    cert_bundle: str | None = None  # a CA file to trust instead of the system's (a relay with a private CA)

    @classmethod
    def from_url(cls, url: str, *, timeout: float = 30.0, cert_bundle: str | None = None) -> SmtpServer:
        """``smtp://user:pass@host:587`` or ``smtps://host:465`` (user and password percent-encoded)."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("an SMTP URL is smtp://[user:password@]host[:port] or smtps://…")
        implicit = parts.scheme == "smtps"
        return cls(
            hostname=parts.hostname,
            port=parts.port or (465 if implicit else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            implicit_tls=implicit,
            timeout=timeout,
            cert_bundle=cert_bundle,
        )


async def smtp_send(server: SmtpServer, message: object) -> None:
    """One message through the server, with its TLS and credentials; aiosmtplib's errors pass through."""
    await aiosmtplib.send(
        message,  # type: ignore[arg-type]
        hostname=server.hostname, port=server.port, username=server.username, password=server.password,
        use_tls=server.implicit_tls, start_tls=False if server.implicit_tls else None, timeout=server.timeout,
        cert_bundle=server.cert_bundle,
    )


def _is_permanent(code: int) -> bool:
    return 500 <= code < 600


class EmailSender:
    """Sends one delivery's mail; a 5xx refusal is permanent, anything the network or a 4xx says is temporary."""

    def __init__(
        self,
        server: SmtpServer,
        sender_address: str,
        sessionmaker: async_sessionmaker[AsyncSession],
        issuing: IssuingContext,
        clock: Callable[[], datetime],
    ) -> None:
        self._server = server
        self._from = sender_address
        self._sessions = sessionmaker
        self._issuing = issuing
        self._clock = clock

    async def send(self, delivery: DeliveryJob) -> None:
        facts = await facts_to_deliver(self._sessions, delivery, self._issuing)
        message = compose(facts, language=delivery.language, sender=self._from, to=delivery.target, now=self._clock())
        await self._transmit(message, delivery)

    async def _transmit(self, message: object, delivery: DeliveryJob) -> None:
        server = self._server
        try:
            await smtp_send(server, message)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [refused.code for refused in exc.recipients]
            reason = "; ".join(f"{refused.code} {refused.message}" for refused in exc.recipients)
            if codes and all(_is_permanent(code) for code in codes):
                raise PermanentFailure(reason) from None
            raise TemporaryFailure(reason) from None
        except aiosmtplib.SMTPAuthenticationError as exc:
            # Our credentials, not the recipient: once they are fixed, the mail must still go out.
            raise TemporaryFailure(f"SMTP authentication refused: {exc.code} {exc.message}") from None
        except aiosmtplib.SMTPResponseException as exc:
            if _is_permanent(exc.code):
                raise PermanentFailure(f"{exc.code} {exc.message}") from None
            raise TemporaryFailure(f"{exc.code} {exc.message}") from None
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise TemporaryFailure(f"{exc.__class__.__name__}: {exc}") from None
        log.info("delivery %s: mail accepted by %s", delivery.id, server.hostname)
