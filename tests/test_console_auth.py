"""The console's accounts and sessions: sign-in, sign-out, one-time links, throttling, CSRF and the guard."""

from __future__ import annotations

from urllib.parse import unquote

import pytest
from aiohttp import CookieJar
from sqlalchemy import func, select

from claims.accounts import LINK_LIFETIME, create_account, request_password_reset
from claims.models import AuditEntry, WebSession
from argon2 import PasswordHasher

from claims.accounts import account_by_email, authenticate, set_password_with_link
from console_support import CHEAP_HASHER, OWNER_EMAIL, PASSWORD, csrf_of, open_console


async def test_anonymous_console_page_redirects_to_login(console):
    response = await console.client.get("/organiser/badges", allow_redirects=False)
    assert response.status == 303
    assert unquote(response.headers["Location"]) == "/organiser/login?next=/organiser/badges"


async def test_anonymous_post_is_redirected_not_performed(console):
    response = await console.post("/organiser/logout")
    assert response.status == 303 and response.headers["Location"].startswith("/organiser/login")


async def test_login_with_right_password_opens_the_console(console):
    response = await console.login()
    assert response.status == 303 and response.headers["Location"] == "/organiser/"
    status, html = await console.page("/organiser/issuer")
    assert status == 200 and OWNER_EMAIL in html


async def test_wrong_password_is_refused_with_the_message_on_the_form(console):
    response = await console.login(password="not the password")
    html = await response.text()
    assert response.status == 401
    assert "Adresse e-mail ou mot de passe incorrect" in html
    assert f'value="{OWNER_EMAIL}"' in html  # the e-mail typed is kept


async def test_unknown_account_gets_the_same_answer_as_a_wrong_password(console):
    unknown = await (await console.login("nobody@example.org", "whatever password")).text()
    wrong = await (await console.login(OWNER_EMAIL, "whatever password")).text()
    assert "Adresse e-mail ou mot de passe incorrect" in unknown and "Adresse e-mail ou mot de passe incorrect" in wrong


async def test_login_without_csrf_token_is_refused(console):
    await console.client.get("/organiser/login")
    response = await console.post("/organiser/login", {"email": OWNER_EMAIL, "password": PASSWORD}, csrf=False)
    assert response.status == 403
    status, _ = await console.page("/organiser/issuer")
    assert status == 303


async def test_console_form_with_a_forged_csrf_token_is_refused(owner):
    response = await owner.client.post("/organiser/logout", data={"csrf": "forged"}, allow_redirects=False)
    assert response.status == 403
    assert (await owner.page("/organiser/issuer"))[0] == 200


async def test_session_cookie_is_httponly_lax_and_scoped_to_the_console(console):
    response = await console.login()
    cookie = response.cookies["badgeclaim_console"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/organiser"
    assert not cookie["secure"]  # the test installation's PUBLIC_URL is http


async def test_only_a_hash_of_the_session_key_is_stored(console):
    response = await console.login()
    key = response.cookies["badgeclaim_console"].value
    async with console.db.sessionmaker() as session:
        stored = (await session.scalars(select(WebSession.key_hash))).all()
    assert len(stored) == 1 and key not in stored[0]


async def test_login_throttled_after_five_failures_for_the_account(console):
    for _ in range(5):
        assert (await console.login(password="wrong password!")).status == 401
    response = await console.login()  # even the right password waits
    assert response.status == 429 and "Retry-After" in response.headers
    assert "Trop de tentatives" in await response.text()


async def test_throttle_ends_after_its_window(console):
    for _ in range(5):
        await console.login(password="wrong password!")
    console.clock.advance(minutes=16)
    assert (await console.login()).status == 303


async def test_login_throttled_per_address_across_accounts(console):
    for number in range(20):
        await console.login(f"guess{number}@example.org", "wrong password!")
    response = await console.login()
    assert response.status == 429


async def test_logout_ends_the_session_for_another_client_with_the_same_cookie(owner, aiohttp_client):
    key = owner.client.session.cookie_jar.filter_cookies(owner.client.make_url("/organiser/"))["badgeclaim_console"].value
    thief = await open_console(owner.db, owner.world, owner.clock, aiohttp_client,
                               cookie_jar=CookieJar(unsafe=True))
    thief.client.session.cookie_jar.update_cookies({"badgeclaim_console": key},
                                                    thief.client.make_url("/organiser/"))
    assert (await thief.page("/organiser/issuer"))[0] == 200
    response = await owner.post("/organiser/logout")
    assert response.status == 303
    assert (await thief.page("/organiser/issuer"))[0] == 303


async def test_session_expires_after_twelve_idle_hours(owner):
    owner.clock.advance(hours=11)
    assert (await owner.page("/organiser/issuer"))[0] == 200
    owner.clock.advance(hours=11)  # slid: still within 12 h of the last page
    assert (await owner.page("/organiser/issuer"))[0] == 200
    owner.clock.advance(hours=13)
    assert (await owner.page("/organiser/issuer"))[0] == 303


async def test_login_replaces_a_session_key_planted_before(console):
    await console.login()
    before = console.client.session.cookie_jar.filter_cookies(console.client.make_url("/organiser/"))["badgeclaim_console"].value
    await console.login()
    after = console.client.session.cookie_jar.filter_cookies(console.client.make_url("/organiser/"))["badgeclaim_console"].value
    assert before != after
    async with console.db.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(WebSession)) == 1


async def test_next_never_leads_off_site(console):
    fields = {"email": OWNER_EMAIL, "password": PASSWORD, "next": "//evil.example.org/x"}
    response = await console.post("/organiser/login", fields)
    assert response.headers["Location"] == "/organiser/"


async def test_set_password_link_signs_in_and_works_once(console):
    async with console.db.sessionmaker.begin() as session:
        link = await create_account(session, console.world.issuer.id, "new@example.org", "organiser",
                                    console.clock.now, actor="test")
    path = f"/organiser/password/{link.token}"
    status, html = await console.page(path)
    assert status == 200 and "new@example.org" in html
    response = await console.post(path, {"password": "a brand new password", "confirm": "a brand new password"})
    assert response.status == 303
    assert (await console.page("/organiser/issuer"))[0] == 200
    again = await console.post(path, {"password": "another new password", "confirm": "another new password"})
    assert again.status == 410 and "plus valable" in await again.text()


async def test_reset_link_used_twice_is_refused(console):
    async with console.db.sessionmaker.begin() as session:
        link = await request_password_reset(session, OWNER_EMAIL, console.clock.now)
    assert link is not None
    path = f"/organiser/password/{link.token}"
    assert (await console.post(path, {"password": "new password one", "confirm": "new password one"})).status == 303
    second = await console.post(path, {"password": "new password two", "confirm": "new password two"})
    assert second.status == 410
    assert (await console.login(password="new password two")).status == 401


async def test_expired_link_is_refused(console):
    async with console.db.sessionmaker.begin() as session:
        link = await request_password_reset(session, OWNER_EMAIL, console.clock.now)
    console.clock.advance(seconds=LINK_LIFETIME.total_seconds() + 1)
    assert (await console.page(f"/organiser/password/{link.token}"))[0] == 410


async def test_short_password_is_refused_beside_the_field_and_keeps_the_link(console):
    async with console.db.sessionmaker.begin() as session:
        link = await request_password_reset(session, OWNER_EMAIL, console.clock.now)
    path = f"/organiser/password/{link.token}"
    response = await console.post(path, {"password": "short", "confirm": "short"}, headers={"Accept-Language": "en"})
    html = await response.text()
    assert response.status == 422 and 'id="f-password-error"' in html and "at least 10 characters" in html
    assert (await console.post(path, {"password": "long enough now", "confirm": "long enough now"})).status == 303


async def test_mismatched_confirmation_is_said_beside_it(console):
    async with console.db.sessionmaker.begin() as session:
        link = await request_password_reset(session, OWNER_EMAIL, console.clock.now)
    response = await console.post(f"/organiser/password/{link.token}",
                                  {"password": "long enough now", "confirm": "long enough not"})
    assert response.status == 422 and 'id="f-confirm-error"' in await response.text()


async def test_password_reset_ends_the_other_sessions(owner):
    async with owner.db.sessionmaker.begin() as session:
        await request_password_reset(session, OWNER_EMAIL, owner.clock.now)
        link = await request_password_reset(session, OWNER_EMAIL, owner.clock.now)
    async with owner.db.sessionmaker.begin() as session:
        await set_password_with_link(session, link.token, "a new password here", owner.clock.now, CHEAP_HASHER)
    assert (await owner.page("/organiser/issuer"))[0] == 303


@pytest.mark.parametrize("email", [OWNER_EMAIL, "nobody@example.org", "not an address"])
async def test_forgot_password_answers_the_same_whoever_asks(console, email):
    response = await console.post("/organiser/forgot-password", {"email": email})
    assert response.status == 200
    assert "Si un compte utilise cette adresse" in await response.text()
    assert len(console.mails) == (1 if email == OWNER_EMAIL else 0)


async def test_forgot_password_mails_a_working_link(console):
    await console.post("/organiser/forgot-password", {"email": OWNER_EMAIL}, headers={"Accept-Language": "en"})
    [mail] = console.mails
    assert mail.to == OWNER_EMAIL and mail.language == "en" and mail.purpose == "reset"
    path = mail.url.removeprefix("http://badges.example.org")
    assert (await console.page(path))[0] == 200


async def test_disabled_account_is_signed_out_and_cannot_sign_in(owner):
    from claims.accounts import account_by_email, disable_account
    async with owner.db.sessionmaker.begin() as session:
        account = await account_by_email(session, OWNER_EMAIL)
        await disable_account(session, account, owner.clock.now, actor="test")
    assert (await owner.page("/organiser/issuer"))[0] == 303
    assert (await owner.login()).status == 401


async def test_account_creation_is_audited_without_the_email(console):
    async with console.db.sessionmaker() as session:
        entries = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "account.created"))).all()
    assert len(entries) == 2 and all(e.issuer_id == console.world.issuer.id for e in entries)
    assert all("@" not in str(e.details) + e.subject for e in entries)


async def test_a_hash_made_with_older_parameters_is_upgraded_at_sign_in(console):
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    async with console.db.sessionmaker.begin() as session:
        await authenticate(session, OWNER_EMAIL, PASSWORD, console.clock.now, stronger)
    async with console.db.sessionmaker() as session:
        account = await account_by_email(session, OWNER_EMAIL)
    assert not stronger.check_needs_rehash(account.password_hash)


async def test_session_cookie_is_secure_when_the_public_url_is_https(db, world, clock, aiohttp_client):
    from console_support import CHEAP_HASHER, make_account
    from kiosk import create_app
    from web_support import CONFIG, issuing_context
    await make_account(db, world.issuer.id, "secure@example.org", "owner", clock.now)
    client = await aiohttp_client(create_app(CONFIG, db.sessionmaker, issuing_context(), clock=clock,
                                             password_hasher=CHEAP_HASHER))
    token = csrf_of(await (await client.get("/organiser/login")).text())
    response = await client.post("/organiser/login", data={"csrf": token, "email": "secure@example.org",
                                                           "password": PASSWORD}, allow_redirects=False)
    assert response.status == 303
    assert "Secure" in response.headers["Set-Cookie"] and "badgeclaim_console" in response.headers["Set-Cookie"]


async def test_without_smtp_the_reset_link_goes_to_the_log(db, world, clock, aiohttp_client, caplog):
    from console_support import CHEAP_HASHER, CONSOLE_CONFIG, make_account
    from kiosk import create_app
    from web_support import issuing_context
    await make_account(db, world.issuer.id, OWNER_EMAIL, "owner", clock.now)
    client = await aiohttp_client(create_app(CONSOLE_CONFIG, db.sessionmaker, issuing_context(), clock=clock,
                                             password_hasher=CHEAP_HASHER))
    token = csrf_of(await (await client.get("/organiser/login")).text())
    with caplog.at_level("WARNING"):
        response = await client.post("/organiser/forgot-password", data={"csrf": token, "email": OWNER_EMAIL})
    assert response.status == 200
    assert "http://badges.example.org/organiser/password/" in caplog.text
