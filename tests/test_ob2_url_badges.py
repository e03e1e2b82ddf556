"""Badges whose OB 2.0 payload is only the hosted assertion's URL, as openbadges-bakery and other tools bake them."""

from __future__ import annotations

import io
import uuid
from typing import Any

import openbadges_bakery
import pytest

from claims.openbadges.urls import BadgeUrls
from claims.openbadges.verify import verify_badge
from claims.openbadges.verify_report import DOCUMENT_UNAVAILABLE, MISMATCH, REVOKED
from conftest import png_bytes
from ob_support import PUBLIC_URL, SVG, Issuing, codes

URLS = BadgeUrls(PUBLIC_URL)


def baked_by_bakery(image: bytes, payload: str) -> bytes:
    """``image`` baked by openbadges-bakery, as other issuing tools bake hosted badges."""
    return openbadges_bakery.bake(io.BytesIO(image), payload, io.BytesIO()).read()


async def test_png_baked_elsewhere_with_our_assertion_url_verifies_hosted(issuing: Issuing):
    award_id = await issuing.award()
    report = await issuing.verify(baked_by_bakery(png_bytes(), URLS.assertion(award_id)))
    assert report.ok, report.problems
    assert report.ob2 is not None and report.ob2.method == "hosted" and report.ob2.id == URLS.assertion(award_id)


@pytest.mark.filterwarnings("ignore:Please use rfc3986.validators.Validator:DeprecationWarning")
async def test_svg_baked_elsewhere_with_our_assertion_url_verifies_hosted(issuing: Issuing):
    award_id = await issuing.award()
    report = await issuing.verify(baked_by_bakery(SVG, URLS.assertion(award_id)))
    assert report.ok, report.problems
    assert report.ob2 is not None and report.ob2.method == "hosted"


async def test_url_baked_badge_of_a_revoked_award_is_revoked(issuing: Issuing):
    award_id = await issuing.award()
    await issuing.revoke(award_id)
    report = await issuing.verify(baked_by_bakery(png_bytes(), URLS.assertion(award_id)))
    assert report.ob2 is not None and report.ob2.revoked and REVOKED in codes(report)


async def test_url_baked_badge_of_an_unknown_assertion_is_not_found(issuing: Issuing):
    report = await issuing.verify(baked_by_bakery(png_bytes(), URLS.assertion(uuid.uuid4())))
    assert not report.ok and DOCUMENT_UNAVAILABLE in codes(report)


async def test_url_baked_badge_whose_assertion_has_another_id_fails(issuing: Issuing):
    award_id = await issuing.award()
    copy_url = "https://mirror.example/assertion/1"
    async with issuing.db.sessionmaker() as session:
        honest = issuing.resolver(session)

        async def mirroring(url: str) -> dict[str, Any] | None:
            return await honest(URLS.assertion(award_id) if url == copy_url else url)

        image = baked_by_bakery(png_bytes(), copy_url)
        report = await verify_badge(image, resolve=mirroring, now=issuing.now)
    assert report.ob2 is not None and MISMATCH in {p.code for p in report.ob2.problems}
