"""Signing reuses the expansion of a credential's shape: it must canonicalise exactly as a full expansion."""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings, strategies as st

from claims.context import BadgeCopy, IssuerCopy
from claims.models import Award
from claims.openbadges import ob3
from claims.openbadges.canonical import canonical_nquads
from claims.openbadges.urls import BadgeUrls

NOW = datetime(2026, 6, 12, tzinfo=timezone.utc)
TEXT = st.text(min_size=1, max_size=40)


def credential(name: str, description: str, criteria: str, email: str | None, issuer_name: str, *,
               image: bool, days: int | None, public_url: str = "https://badges.example.org") -> dict:
    issuer = IssuerCopy(uuid.uuid4(), issuer_name, "https://canope.example.org", "b@canope.example.org",
                        "image/png" if image else None)
    badge = BadgeCopy(uuid.uuid4(), issuer.id, name, description, criteria, b"", "image/png", None)
    award = Award(id=uuid.uuid4(), badge_class_id=badge.id, recipient_email=email, recipient_salt=secrets.token_hex(16),
                  status_index=7, issued_at=NOW, expires_at=NOW + timedelta(days=days) if days else None,
                  revoked_at=None, revocation_reason=None)
    return ob3.credential(award, badge, issuer, BadgeUrls(public_url))


@settings(max_examples=60, deadline=None)
@given(name=TEXT, description=TEXT, criteria=TEXT, issuer_name=TEXT, email=st.none() | st.emails(),
       image=st.booleans(), days=st.none() | st.integers(1, 3650))
def test_reused_expansion_canonicalises_like_a_full_one(name, description, criteria, issuer_name, email, image, days):
    document = credential(name, description, criteria, email, issuer_name, image=image, days=days)
    assert canonical_nquads(document, reuse_expansion=True) == canonical_nquads(document)


def test_strings_that_look_like_placeholders_or_terms_stay_literal():
    document = credential("bcslot0x", "Achievement", "bcslot1x", None, "@id", image=False, days=None)
    assert canonical_nquads(document, reuse_expansion=True) == canonical_nquads(document)


def test_a_public_url_with_a_port_and_a_path_is_kept_verbatim():
    document = credential("N", "D", "C", "a@example.org", "I", image=True, days=3,
                          public_url="http://127.0.0.1:8080/badges")
    assert canonical_nquads(document, reuse_expansion=True) == canonical_nquads(document)
