"""Console awards and kiosks: search and pages, revoking with a reason, resending, the CSV; kiosks opened and closed."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select, update

from claims.models import AuditEntry, Award, Delivery, Kiosk
from console_event_support import anonymous, signed_in  # noqa: F401  (fixtures)
from console_event_support import claim, event_url, other_issuers_event


async def test_awards_are_found_by_part_of_the_name(signed_in):
    await claim(signed_in.db, signed_in.world, signed_in.clock.now, name="Camille Martin")
    await claim(signed_in.db, signed_in.world, signed_in.clock.now, name="Jean Dupont")
    status, html = await signed_in.page(event_url(signed_in.world, "awards") + "?q=mart")
    assert status == 200 and "Camille Martin" in html and "Jean Dupont" not in html


async def test_revoking_asks_for_a_reason_then_the_award_page_says_so(signed_in):
    award_id = await claim(signed_in.db, signed_in.world, signed_in.clock.now, name="Camille Martin")
    path = event_url(signed_in.world, "awards", str(award_id), "revoke")
    status, html = await signed_in.page(path)
    assert status == 200 and 'name="reason"' in html
    response = await signed_in.post(path, {"reason": "Badge donné par erreur"})
    assert response.status == 303
    public = await signed_in.client.get(f"/awards/{award_id}")
    assert "Badge donné par erreur" in await public.text()
    async with signed_in.db.sessionmaker() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "award.revoked"))
    assert entry.issuer_id == signed_in.world.issuer.id and entry.actor.startswith("account:")


async def test_a_reason_too_long_is_said_beside_it_and_nothing_is_revoked(signed_in):
    award_id = await claim(signed_in.db, signed_in.world, signed_in.clock.now)
    response = await signed_in.post(event_url(signed_in.world, "awards", str(award_id), "revoke"), {"reason": "x" * 501})
    assert response.status == 422 and 'id="f-reason-error"' in await response.text()
    async with signed_in.db.sessionmaker() as session:
        assert (await session.get(Award, award_id)).revoked_at is None


async def test_an_award_of_another_issuers_event_is_not_found(signed_in):
    other = await other_issuers_event(signed_in.db, signed_in.clock.now)
    award_id = await claim(signed_in.db, signed_in.world, signed_in.clock.now)
    response = await signed_in.post(f"/organiser/events/{other.id}/awards/{award_id}/revoke", {"reason": "x"})
    assert response.status == 404


async def test_a_failed_delivery_is_sent_again(signed_in):
    award_id = await claim(signed_in.db, signed_in.world, signed_in.clock.now, email="camille@example.org",
                           deliveries=[("email", "camille@example.org")])
    async with signed_in.db.sessionmaker.begin() as session:
        await session.execute(update(Delivery).values(status="failed", last_error="550"))
    status, html = await signed_in.page(event_url(signed_in.world, "awards"))
    assert f"/awards/{award_id}/resend" in html
    response = await signed_in.post(event_url(signed_in.world, "awards", str(award_id), "resend"))
    assert response.status == 303
    async with signed_in.db.sessionmaker() as session:
        assert (await session.scalar(select(Delivery))).status == "pending"


async def test_the_csv_export_holds_every_award(signed_in):
    await claim(signed_in.db, signed_in.world, signed_in.clock.now, name="Camille Martin", email="camille@example.org")
    response = await signed_in.client.get(event_url(signed_in.world, "awards.csv"))
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert response.status == 200 and [(r["name"], r["email"]) for r in rows] == [("Camille Martin", "camille@example.org")]


async def test_a_new_kiosk_shows_its_link_once(signed_in):
    response = await signed_in.post(event_url(signed_in.world, "kiosks"), {"label": "Tablette de l'entrée"})
    html = await response.text()
    link = re.search(r'id="kiosk-url">(http://badges\.example\.org/kiosk/[A-Za-z0-9_-]+)<', html)
    assert response.status == 201 and link
    kiosk_page = await signed_in.client.get(link.group(1).removeprefix("http://badges.example.org"))
    assert kiosk_page.status == 200
    status, later = await signed_in.page(event_url(signed_in.world, "kiosks"))
    assert "Tablette de l" in later and link.group(1) not in later


async def test_a_display_kiosk_needs_a_display_only_code(signed_in):
    response = await signed_in.post(event_url(signed_in.world, "kiosks"), {"display": "ABCDE-FGHJK-MNPQ0"})
    assert response.status == 422 and 'id="f-display-error"' in await response.text()


async def test_closing_a_kiosk_asks_first_then_its_page_is_closed(signed_in):
    response = await signed_in.post(event_url(signed_in.world, "kiosks"), {})
    path = re.search(r'/kiosk/([A-Za-z0-9_-]+)<', await response.text())
    async with signed_in.db.sessionmaker() as session:
        kiosk = await session.scalar(select(Kiosk))
    revoke = event_url(signed_in.world, "kiosks", str(kiosk.id), "revoke")
    status, html = await signed_in.page(revoke)
    assert status == 200 and f'action="{revoke}"' in html
    assert (await signed_in.post(revoke)).status == 303
    closed = await signed_in.client.get(f"/kiosk/{path.group(1)}")
    assert closed.status == 404


async def test_a_kiosk_of_another_event_is_not_found(signed_in):
    await signed_in.post(event_url(signed_in.world, "kiosks"), {})
    other = await other_issuers_event(signed_in.db, signed_in.clock.now)
    async with signed_in.db.sessionmaker() as session:
        kiosk = await session.scalar(select(Kiosk))
    status, _ = await signed_in.page(f"/organiser/events/{other.id}/kiosks/{kiosk.id}/revoke")
    assert status == 404
