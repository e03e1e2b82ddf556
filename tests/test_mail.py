"""E-mail delivery against a real SMTP server (aiosmtpd on 127.0.0.1): content, the badge, outages, refusals."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from badgeclaim.mail import EmailSender, SmtpServer
from claims.awards import revoke_award
from claims.models import Award, Delivery
from claims.openbadges.baking import unbake
from claims.outbox import FAILED, PENDING, SENT, run_worker
from conftest import PUBLIC_URL, Database, engine_for, issuing_context, make_world
from badgeclaim.database import create_sessionmaker
from outbox_support import delivery, queue_deliveries
from smtp_support import (
    LoopbackSmtp,
    PasswordCheck,
    free_port,
    run_outbox_until,
    self_signed_certificate,
    server_tls_context,
)

FROM = "Badges Canopé <badges@canope.example.org>"


def email_sender(db: Database, url: str, clock) -> EmailSender:  # type: ignore[no-untyped-def]
    return EmailSender(SmtpServer.from_url(url, timeout=5), FROM, db.sessionmaker, issuing_context(), clock)


def all_settled(db: Database):  # type: ignore[no-untyped-def]
    async def check() -> bool:
        async with db.sessionmaker() as session:
            return not (await session.scalars(select(Delivery.id).where(Delivery.status == PENDING))).first()
    return check


async def award_of(db: Database, email: str) -> Award:
    async with db.sessionmaker() as session:
        found = await session.scalar(select(Award).where(Award.recipient_email == email))
        assert found is not None
        return found


async def test_mail_arrives_with_the_badge_attached_and_the_image_unbakes_to_the_award(db, world, now, smtp):
    [queued] = await queue_deliveries(db, world, now, 1)
    await run_outbox_until(db, {"email": email_sender(db, smtp.url, lambda: now)}, lambda: now, all_settled(db))
    [mail] = smtp.mailbox.messages
    award = await award_of(db, "person0@example.org")
    assert mail["To"] == "person0@example.org" and mail["Subject"] == "Votre badge « Explorateur numérique »"
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_content_type() == "image/png"
    baked = unbake(attachment.get_content())
    assert json.loads(baked.ob3 or "{}")["id"] == f"{PUBLIC_URL}/ob3/credentials/{award.id}"
    assert str(award.id) in (baked.ob2 or "")
    assert (await delivery(db, queued)).status == SENT


async def test_mail_text_and_html_carry_the_verification_link_in_the_claims_language(db, world, now, smtp):
    await queue_deliveries(db, world, now, 1, language="en")
    await run_outbox_until(db, {"email": email_sender(db, smtp.url, lambda: now)}, lambda: now, all_settled(db))
    [mail] = smtp.mailbox.messages
    award = await award_of(db, "person0@example.org")
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    link = f"{PUBLIC_URL}/awards/{award.id}"
    assert mail["Subject"] == "Your badge “Explorateur numérique”" and mail["Content-Language"] == "en"
    assert "Hello Personne 0," in text and link in text
    assert f'href="{link}"' in html and "Atelier Canopé" in html


async def test_smtp_down_keeps_the_claim_and_the_mail_goes_out_once_smtp_is_back(db, world, now):
    server = LoopbackSmtp(free_port())  # nothing listens on its port yet
    clock = {"now": now}
    sender = email_sender(db, server.url, lambda: clock["now"])
    [queued] = await queue_deliveries(db, world, now, 1)

    async def tried_once() -> bool:
        return (await delivery(db, queued)).attempts >= 1 and (await delivery(db, queued)).lease_owner is None

    await run_outbox_until(db, {"email": sender}, lambda: clock["now"], tried_once)
    down = await delivery(db, queued)
    assert down.status == PENDING and "Connect" in (down.last_error or "")
    assert (await award_of(db, "person0@example.org")).id is not None

    server.start()
    try:
        clock["now"] = down.next_attempt_at
        await run_outbox_until(db, {"email": sender}, lambda: clock["now"], all_settled(db))
        assert [m["To"] for m in server.mailbox.messages] == ["person0@example.org"]
        assert (await delivery(db, queued)).status == SENT
    finally:
        server.stop()


async def test_permanent_refusal_is_marked_failed_and_not_retried(db, world, now, smtp):
    smtp.mailbox.refuse_rcpt = "550 5.1.1 No such user here"
    [queued] = await queue_deliveries(db, world, now, 1)
    clock = {"now": now}
    sender = email_sender(db, smtp.url, lambda: clock["now"])
    await run_outbox_until(db, {"email": sender}, lambda: clock["now"], all_settled(db))
    failed = await delivery(db, queued)
    assert failed.status == FAILED and "550" in (failed.last_error or "")
    clock["now"] = now + timedelta(days=2)
    await run_outbox_until(db, {"email": sender}, lambda: clock["now"], all_settled(db), timeout=1)
    await asyncio.sleep(0.3)
    assert smtp.mailbox.rcpt_attempts == 1 and smtp.mailbox.messages == []


async def test_temporary_refusal_is_retried_later(db, world, now, smtp):
    smtp.mailbox.refuse_rcpt = "450 4.2.1 Mailbox busy, try later"
    [queued] = await queue_deliveries(db, world, now, 1)

    async def tried() -> bool:
        return smtp.mailbox.rcpt_attempts >= 1 and (await delivery(db, queued)).lease_owner is None

    await run_outbox_until(db, {"email": email_sender(db, smtp.url, lambda: now)}, lambda: now, tried)
    row = await delivery(db, queued)
    assert row.status == PENDING and row.next_attempt_at > now and "450" in (row.last_error or "")


async def test_revoked_award_gets_no_mail(db, world, now, smtp):
    [queued] = await queue_deliveries(db, world, now, 1)
    award = await award_of(db, "person0@example.org")
    async with db.sessionmaker.begin() as session:
        await revoke_award(session, award.id, "mistake", now)
    await run_outbox_until(db, {"email": email_sender(db, smtp.url, lambda: now)}, lambda: now, all_settled(db))
    assert (await delivery(db, queued)).status == FAILED and smtp.mailbox.messages == []


async def test_two_workers_on_postgres_send_each_of_50_mails_exactly_once(postgres_db, now, smtp):
    world = await make_world(postgres_db, now)
    await queue_deliveries(postgres_db, world, now, 50)
    smtp.mailbox.delay = 0.01  # slow enough that both workers are busy at once
    # A second engine: the other worker is as separate as another process would be, down to its connections.
    other_engine = engine_for(postgres_db.url, postgres_db.schema)
    other = create_sessionmaker(other_engine)
    stop = asyncio.Event()
    workers = []
    counts = {"worker-a": 0, "worker-b": 0}

    class Counted(EmailSender):
        async def send(self, delivery) -> None:  # type: ignore[no-untyped-def]
            await super().send(delivery)
            counts[self.owner] += 1

    try:
        for owner, sessions in (("worker-a", postgres_db.sessionmaker), ("worker-b", other)):
            sender = Counted(SmtpServer.from_url(smtp.url), FROM, sessions, issuing_context(), lambda: now)
            sender.owner = owner  # type: ignore[attr-defined]
            workers.append(asyncio.create_task(run_worker(sessions, {"email": sender}, lambda: now, owner=owner,
                                                          stop=stop, batch=5, poll_interval=0.05)))
        check = all_settled(postgres_db)
        async with asyncio.timeout(60):
            while not await check():
                await asyncio.sleep(0.1)
    finally:
        stop.set()
        await asyncio.gather(*workers)
        await other_engine.dispose()
    recipients = sorted(m["To"] for m in smtp.mailbox.messages)
    assert recipients == sorted(f"person{i}@example.org" for i in range(50))
    assert counts["worker-a"] > 0 and counts["worker-b"] > 0 and sum(counts.values()) == 50
    async with postgres_db.sessionmaker() as session:
        rows = (await session.execute(select(Delivery.status, Delivery.attempts))).all()
    assert {tuple(r) for r in rows} == {(SENT, 1)}


@pytest.mark.parametrize(
    "url, expected",
    [
        ("smtp://mail.example.org", ("mail.example.org", 25, None, None, False)),
        ("smtp://u%40x:p%3Ass@mail.example.org:587", ("mail.example.org", 587, "u@x", "p:ss", False)),
        ("smtps://mail.example.org", ("mail.example.org", 465, None, None, True)),
    ],
)
def test_smtp_url_gives_host_port_credentials_and_tls(url, expected):
    server = SmtpServer.from_url(url)
    assert (server.hostname, server.port, server.username, server.password, server.implicit_tls) == expected


async def one_mail_through(db, world, now, server: LoopbackSmtp, url: str, cert: Path) -> Delivery:  # type: ignore[no-untyped-def]
    [queued] = await queue_deliveries(db, world, now, 1)
    sender = EmailSender(SmtpServer.from_url(url, timeout=5, cert_bundle=str(cert)), FROM, db.sessionmaker,
                         issuing_context(), lambda: now)

    async def tried() -> bool:
        row = await delivery(db, queued)
        return row.attempts >= 1 and row.lease_owner is None

    server.start()
    try:
        await run_outbox_until(db, {"email": sender}, lambda: now, tried)
    finally:
        server.stop()
    return await delivery(db, queued)


async def test_smtp_url_uses_starttls_when_offered_and_logs_in(db, world, now, tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    password = PasswordCheck("badges", "s3cret: with@signs")
    # require_starttls: the server answers nothing but STARTTLS before TLS, so a plain-text send would fail.
    server = LoopbackSmtp(free_port(), tls_context=server_tls_context(cert, key), require_starttls=True,
                          auth_required=True, authenticator=password)
    url = f"smtp://badges:s3cret%3A%20with%40signs@127.0.0.1:{server.port}"
    sent = await one_mail_through(db, world, now, server, url, cert)
    assert sent.status == SENT and password.tried == [b"badges"] and len(server.mailbox.messages) == 1


async def test_smtps_url_speaks_tls_from_the_first_byte(db, world, now, tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    server = LoopbackSmtp(free_port(), ssl_context=server_tls_context(cert, key))
    sent = await one_mail_through(db, world, now, server, f"smtps://127.0.0.1:{server.port}", cert)
    assert sent.status == SENT and len(server.mailbox.messages) == 1


async def test_refused_password_is_retried_not_failed(db, world, now, tmp_path):
    cert, key = self_signed_certificate(tmp_path)
    server = LoopbackSmtp(free_port(), tls_context=server_tls_context(cert, key), require_starttls=True,
                          auth_required=True, authenticator=PasswordCheck("badges", "right"))
    kept = await one_mail_through(db, world, now, server, f"smtp://badges:wrong@127.0.0.1:{server.port}", cert)
    assert kept.status == PENDING and kept.next_attempt_at > now and "authentication" in (kept.last_error or "")
    assert server.mailbox.messages == []
