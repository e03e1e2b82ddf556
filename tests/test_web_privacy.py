"""No recipient e-mail in any public response: every page and document is fetched and searched for them."""

from __future__ import annotations

import re
import uuid

from web_support import Site


async def public_responses(site: Site, award_ids: list[str], codes: list[str]) -> dict[str, bytes]:
    """Every public URL the app serves about these awards and codes, with its raw body."""
    world = site.world
    paths = ["/", "/c", "/privacy", "/.well-known/did.json", f"/ob2/badges/{world.badge.id}",
             f"/ob2/badges/{world.badge.id}/image", f"/ob2/issuers/{world.issuer.id}",
             f"/ob2/revocations/{world.issuer.id}", f"/ob3/status/{world.issuer.id}"]
    for award in award_ids:
        paths += [f"/awards/{award}", f"/awards/{award}/received", f"/awards/{award}/received?mail=1",
                  f"/awards/{award}/badge.png", f"/ob2/assertions/{award}", f"/ob3/credentials/{award}"]
    paths += [f"/c/{code}" for code in codes]
    bodies = {}
    for path in paths:
        for language in ("fr", "en"):
            response = await site.client.get(path, headers={"Accept-Language": language})
            assert response.status < 500, path
            bodies[f"{path} [{language}]"] = await response.read()
        ld = await site.client.get(path, headers={"Accept": "application/ld+json"})
        bodies[f"{path} [ld+json]"] = await ld.read()
    return bodies


async def test_no_public_page_or_document_shows_an_email_it_issued_to(site, issuing):
    [poster] = await site.codes(max_claims=10)
    cards = await site.codes(count=2)
    awards = []
    for email in ("zoe.martin@example.org", "yann.leroy@example.org"):
        response = await site.api_claim(poster, email=email, name="Zoé")
        awards.append((await response.json())["award_id"])
    response = await site.page_claim(cards[0], email="xavier.dupont@example.org", name="Xavier")
    awards.append(re.search(r"/awards/([0-9a-f-]{36})/", response.headers["Location"]).group(1))
    await issuing.revoke(uuid.UUID(awards[0]))  # a revoked assertion is public too
    bodies = await public_responses(site, awards, [poster, *cards])
    leaks = [
        f"{email} in {where}"
        for where, body in bodies.items()
        for email in site.issued_emails
        for form in (email, email.upper(), email.split("@")[0])
        if form.encode("utf-8") in body
    ]
    assert len(site.issued_emails) == 3 and len(bodies) > 60
    assert not leaks
