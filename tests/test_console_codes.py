"""Console claim codes: making cards and posters, the PDF and CSV of a batch, deactivating a batch."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from claims.models import AuditEntry, ClaimCode
from console_event_support import anonymous, signed_in  # noqa: F401  (fixtures)
from console_event_support import batch_of, event_url, other_issuers_event
from web_support import make_codes


def _cards(signed_in, **fields):  # type: ignore[no-untyped-def]
    return {"badge": str(signed_in.world.badge.id), "kind": "single", "count": "24", **fields}


async def _count(db, **where):  # type: ignore[no-untyped-def]
    async with db.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(ClaimCode).filter_by(**where))


async def test_twenty_four_cards_are_made_as_one_batch(signed_in):
    response = await signed_in.post(event_url(signed_in.world, "codes"), _cards(signed_in))
    assert response.status == 303 and "?made=" in response.headers["Location"]
    async with signed_in.db.sessionmaker() as session:
        batches = set(await session.scalars(select(ClaimCode.batch_id)))
    assert await _count(signed_in.db, multi_use=False) == 24 and len(batches) == 1


async def test_a_display_only_poster_code_is_made(signed_in):
    response = await signed_in.post(event_url(signed_in.world, "codes"), _cards(
        signed_in, kind="multi", max_claims="200", display_only="1"))
    assert response.status == 303
    assert await _count(signed_in.db, multi_use=True, display_only=True, max_claims=200) == 1


async def test_display_only_cards_are_refused_beside_the_checkbox(signed_in):
    response = await signed_in.post(event_url(signed_in.world, "codes"), _cards(signed_in, display_only="1"),
                                headers={"Accept-Language": "en"})
    html = await response.text()
    assert response.status == 422 and 'id="f-display_only-error">Only a poster code can be display only.' in html
    assert await _count(signed_in.db) == 0


async def test_a_count_that_is_not_a_number_is_said_beside_it_with_the_values_kept(signed_in):
    response = await signed_in.post(event_url(signed_in.world, "codes"), _cards(signed_in, count="vingt", valid_from="2026-06-12T08:00"))
    html = await response.text()
    assert response.status == 422 and 'id="f-count-error"' in html
    assert 'value="vingt"' in html and 'value="2026-06-12T08:00"' in html


async def test_another_issuers_badge_is_refused(signed_in):
    other = await other_issuers_event(signed_in.db, signed_in.clock.now)
    response = await signed_in.post(event_url(signed_in.world, "codes"), _cards(signed_in, badge=str(other.id)))
    assert response.status == 422 and 'id="f-badge-error"' in await response.text()


async def test_the_batch_csv_lists_each_code_with_its_claim_link(signed_in):
    codes = await make_codes(signed_in.db, signed_in.world, signed_in.clock.now, count=3)
    batch = await batch_of(signed_in.db, codes[0])
    response = await signed_in.client.get(event_url(signed_in.world, "codes", str(batch), "codes.csv"))
    rows = list(csv.DictReader(io.StringIO(await response.text())))
    assert response.status == 200 and "attachment" in response.headers["Content-Disposition"]
    assert [row["code"] for row in rows] == codes
    assert rows[0]["url"] == f"http://badges.example.org/c/{codes[0]}"


async def test_the_batch_pdf_is_a_pdf(signed_in):
    codes = await make_codes(signed_in.db, signed_in.world, signed_in.clock.now, count=2)
    response = await signed_in.client.get(event_url(signed_in.world, "codes", str(await batch_of(signed_in.db, codes[0])),
                                                "codes.pdf"))
    assert response.status == 200 and response.content_type == "application/pdf"
    assert (await response.read()).startswith(b"%PDF")


async def test_a_batch_of_another_event_is_not_found(signed_in):
    other = await other_issuers_event(signed_in.db, signed_in.clock.now)
    codes = await make_codes(signed_in.db, signed_in.world, signed_in.clock.now, count=1)
    batch = await batch_of(signed_in.db, codes[0])
    status, _ = await signed_in.page(f"/organiser/events/{other.id}/codes/{batch}/codes.csv")
    assert status == 404


async def test_deactivating_asks_first_then_stops_every_code_and_audits(signed_in):
    codes = await make_codes(signed_in.db, signed_in.world, signed_in.clock.now, count=3)
    path = event_url(signed_in.world, "codes", str(await batch_of(signed_in.db, codes[0])), "deactivate")
    status, html = await signed_in.page(path)
    assert status == 200 and f'action="{path}"' in html and await _count(signed_in.db, active=True) == 3
    response = await signed_in.post(path)
    assert response.status == 303 and await _count(signed_in.db, active=True) == 0
    async with signed_in.db.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEntry)
                                    .where(AuditEntry.action.like("%deactivat%"))) == 1


async def test_the_codes_page_lists_batches_with_their_downloads(signed_in):
    codes = await make_codes(signed_in.db, signed_in.world, signed_in.clock.now, count=2)
    batch = await batch_of(signed_in.db, codes[0])
    status, html = await signed_in.page(event_url(signed_in.world, "codes"))
    assert status == 200 and f"/codes/{batch}/codes.pdf" in html and signed_in.world.badge.name in html
