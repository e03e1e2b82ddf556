"""The owner's page of console accounts: add one (its link shown once, mailed), disable one; owner only."""

from __future__ import annotations

from html import unescape

from sqlalchemy import select

from claims.models import Account, AuditEntry
from console_support import ORGANISER_EMAIL, PASSWORD, make_account, make_other_issuer


async def account_id(console, email: str):
    async with console.db.sessionmaker() as session:
        return await session.scalar(select(Account.id).where(Account.email == email))


async def test_owner_sees_the_issuers_accounts(owner):
    status, html = await owner.page("/organiser/accounts")
    assert status == 200 and ORGANISER_EMAIL in html


async def test_organiser_is_refused_the_owner_pages(organiser):
    for path in ("/organiser/accounts",):
        status, html = await organiser.page(path)
        assert status == 403 and "Réservé au propriétaire" in html
    response = await organiser.post("/organiser/accounts", {"email": "x@example.org", "role": "owner"})
    assert response.status == 403
    assert await account_id(organiser, "x@example.org") is None
    response = await organiser.post("/organiser/issuer/keys/rotate", {"confirmed": "yes"})
    assert response.status == 403


async def test_organiser_does_not_see_the_owner_menu_entry(organiser):
    _, html = await organiser.page("/organiser/badges")
    assert "/organiser/accounts" not in html


async def test_adding_an_account_shows_its_link_once_and_mails_it(owner):
    response = await owner.post("/organiser/accounts", {"email": "New@Example.org", "role": "organiser"})
    html = await response.text()
    assert response.status == 200
    [mail] = owner.mails
    assert mail.to == "new@example.org" and mail.purpose == "welcome" and mail.url in html
    again = await owner.page("/organiser/accounts")
    assert mail.url not in again[1]


async def test_the_new_accounts_link_sets_its_password(owner, aiohttp_client):
    await owner.post("/organiser/accounts", {"email": "new@example.org", "role": "organiser"})
    path = owner.mails[0].url.removeprefix("http://badges.example.org")
    from console_support import open_console
    newcomer = await open_console(owner.db, owner.world, owner.clock, aiohttp_client)
    response = await newcomer.post(path, {"password": "my own password", "confirm": "my own password"})
    assert response.status == 303
    assert (await newcomer.page("/organiser/badges"))[0] == 200


async def test_an_email_already_used_is_said_beside_the_field(owner):
    response = await owner.post("/organiser/accounts", {"email": ORGANISER_EMAIL, "role": "organiser"})
    html = unescape(await response.text())
    assert response.status == 422 and 'id="f-email-error"' in html and "Un compte utilise déjà" in html
    assert f'value="{ORGANISER_EMAIL}"' in html


async def test_an_unknown_role_is_refused(owner):
    response = await owner.post("/organiser/accounts", {"email": "n@example.org", "role": "admin"})
    assert response.status == 422 and 'id="f-role-error"' in await response.text()


async def test_disabling_asks_first_then_disables_and_audits(owner):
    target = await account_id(owner, ORGANISER_EMAIL)
    path = f"/organiser/accounts/{target}/disable"
    first = await owner.post(path)
    assert first.status == 200 and 'name="confirmed" value="yes"' in await first.text()
    async with owner.db.sessionmaker() as session:
        assert (await session.get(Account, target)).disabled_at is None
    second = await owner.post(path, {"confirmed": "yes"})
    assert second.status == 303
    async with owner.db.sessionmaker() as session:
        assert (await session.get(Account, target)).disabled_at is not None
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.action == "account.disabled"))
    assert entry.subject == str(target) and "@" not in str(entry.details)
    assert (await owner.login(ORGANISER_EMAIL, PASSWORD)).status == 401


async def test_another_issuers_account_is_not_found(owner):
    other_issuer = await make_other_issuer(owner.db, owner.clock.now)
    stranger = await make_account(owner.db, other_issuer, "stranger@autre.example.org", "organiser", owner.clock.now,
                                  password=None)
    response = await owner.post(f"/organiser/accounts/{stranger}/disable", {"confirmed": "yes"})
    assert response.status == 404
    assert "stranger@" not in (await owner.page("/organiser/accounts"))[1]
