"""Console accounts: creating them, one-time set-password links, argon2 passwords, signing in, disabling.

A link's token is shown once (printed by the CLI, e-mailed, or shown to the owner who added the account);
only its sha256 is stored, so a copy of the database opens no account. Passwords are hashed with argon2id
(argon2-cffi's defaults), off the event loop since a hash costs tens of milliseconds of CPU on purpose.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from claims.audit import record
from claims.errors import INVALID_INPUT, LINK_INVALID, LOGIN_FAILED, NOT_FOUND, ClaimError
from claims.models import Account, OneTimeToken, WebSession
from claims.redemption import normalise_email

OWNER = "owner"
ORGANISER = "organiser"
ROLES = (OWNER, ORGANISER)
SET_PASSWORD = "set_password"
LINK_LIFETIME = timedelta(hours=48)
MIN_PASSWORD_LENGTH = 10
# Longer than any passphrase a person types; bounds the work one request can ask of the hasher.
MAX_PASSWORD_LENGTH = 1024
# 256 bits, URL-safe: nobody finds a live link by trying.
_TOKEN_BYTES = 32

# Why a password is refused: the ``reason`` of ClaimError(INVALID_INPUT, field="password").
TOO_SHORT = "too_short"
TOO_LONG = "too_long"
# Why an e-mail is refused when creating an account.
TAKEN = "taken"


@dataclass(frozen=True)
class PasswordLink:
    """A set-password link just made: ``token`` goes into the URL, never into the database."""

    account: Account
    token: str


def password_link_path(token: str) -> str:
    """The path of a set-password link, after PUBLIC_URL (the console route and the CLI agree on it)."""
    return f"/organiser/password/{token}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


@functools.cache
def default_hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's parameters (RFC 9106's low-memory choice); tests pass a cheaper one."""
    return PasswordHasher()


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    # Verified against when the account is unknown, so that answering takes as long as for a real one
    # and the timing does not tell which e-mail addresses have an account.
    return hasher.hash(secrets.token_urlsafe(16))


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ClaimError(INVALID_INPUT, field="password", reason=TOO_SHORT)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ClaimError(INVALID_INPUT, field="password", reason=TOO_LONG)


async def hash_password(password: str, hasher: PasswordHasher) -> str:
    check_password_rules(password)
    return await asyncio.to_thread(hasher.hash, password)


async def _verify(hasher: PasswordHasher, stored: str, password: str) -> bool:
    try:
        return await asyncio.to_thread(hasher.verify, stored, password)
    except (VerificationError, InvalidHashError):
        return False


async def issue_password_link(session: AsyncSession, account: Account, now: datetime) -> PasswordLink:
    """A new one-time link that sets the account's password (first time or reset), valid 48 hours."""
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    session.add(OneTimeToken(purpose=SET_PASSWORD, token_hash=token_hash(token), account_id=account.id,
                             created_at=now, expires_at=now + LINK_LIFETIME))
    await session.flush()
    return PasswordLink(account, token)


async def create_account(
    session: AsyncSession, issuer_id: uuid.UUID, email: str, role: str, now: datetime, actor: str
) -> PasswordLink:
    """A console account with no password yet, and the link that sets it."""
    address = normalise_email(email)
    if not address:
        raise ClaimError(INVALID_INPUT, field="email")
    if role not in ROLES:
        raise ClaimError(INVALID_INPUT, field="role", value=role)
    if await session.scalar(select(Account.id).where(Account.email == address)) is not None:
        raise ClaimError(INVALID_INPUT, field="email", reason=TAKEN)
    account = Account(id=uuid.uuid4(), issuer_id=issuer_id, email=address, role=role, created_at=now)
    session.add(account)
    await session.flush()
    link = await issue_password_link(session, account, now)
    # The account is named by its id: the audit log never holds an e-mail address.
    record(session, now, actor=actor, action="account.created", subject=str(account.id), issuer_id=issuer_id,
           role=role)
    return link


async def account_by_email(session: AsyncSession, email: str) -> Account | None:
    """The account of this address, None when there is none or it is not an address at all (sign-in and
    reset answer such a typo as they answer an unknown address)."""
    try:
        address = normalise_email(email[:320])
    except ClaimError:
        return None
    if not address:
        return None
    return await session.scalar(select(Account).where(Account.email == address))


async def request_password_reset(session: AsyncSession, email: str, now: datetime) -> PasswordLink | None:
    """A reset link for the active account with this e-mail; None when there is none (the caller answers
    the same either way, so the page does not tell who has an account)."""
    account = await account_by_email(session, email)
    if account is None or account.disabled_at is not None:
        return None
    link = await issue_password_link(session, account, now)
    record(session, now, actor="account:" + str(account.id), action="account.reset_requested",
           subject=str(account.id), issuer_id=account.issuer_id)
    return link


async def open_password_link(session: AsyncSession, token: str, now: datetime) -> Account:
    """The account a live link is for, without using the link up; ClaimError(link_invalid) otherwise."""
    row = await session.scalar(select(OneTimeToken).where(
        OneTimeToken.token_hash == token_hash(token), OneTimeToken.purpose == SET_PASSWORD))
    if row is None or row.used_at is not None or row.expires_at <= now or row.account_id is None:
        raise ClaimError(LINK_INVALID)
    account = await session.get(Account, row.account_id)
    if account is None or account.disabled_at is not None:
        raise ClaimError(LINK_INVALID)
    return account


async def set_password_with_link(
    session: AsyncSession, token: str, password: str, now: datetime, hasher: PasswordHasher | None = None
) -> Account:
    """Use the link up and set the password; every other session of the account ends (a reset after a
    theft must shut the thief out). A password that breaks the rules leaves the link usable."""
    account = await open_password_link(session, token, now)
    hashed = await hash_password(password, hasher or default_hasher())
    # Conditional: of two requests racing with the same link, exactly one finds it unused.
    used = await session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.token_hash == token_hash(token), OneTimeToken.used_at.is_(None),
               OneTimeToken.expires_at > now)
        .values(used_at=now).execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        raise ClaimError(LINK_INVALID)
    account.password_hash = hashed
    await end_sessions(session, account.id)
    record(session, now, actor="account:" + str(account.id), action="account.password_set",
           subject=str(account.id), issuer_id=account.issuer_id)
    return account


async def authenticate(
    session: AsyncSession, email: str, password: str, now: datetime, hasher: PasswordHasher | None = None
) -> Account:
    """The active account with this e-mail and password; ClaimError(login_failed) otherwise, told alike
    for an unknown address, a wrong password, a disabled account or one whose password was never set."""
    hasher = hasher or default_hasher()
    account = await account_by_email(session, email)
    password = password[:MAX_PASSWORD_LENGTH]
    if account is None or account.password_hash is None or account.disabled_at is not None:
        await _verify(hasher, _dummy_hash(hasher), password)
        raise ClaimError(LOGIN_FAILED)
    if not await _verify(hasher, account.password_hash, password):
        raise ClaimError(LOGIN_FAILED)
    if hasher.check_needs_rehash(account.password_hash):
        # The hasher's parameters changed since this hash was made: the password is at hand, upgrade it.
        account.password_hash = await asyncio.to_thread(hasher.hash, password)
    return account


async def end_sessions(session: AsyncSession, account_id: uuid.UUID) -> None:
    await session.execute(delete(WebSession).where(WebSession.account_id == account_id)
                          .execution_options(synchronize_session=False))


async def issuer_accounts(session: AsyncSession, issuer_id: uuid.UUID) -> list[Account]:
    return list((await session.scalars(
        select(Account).where(Account.issuer_id == issuer_id).order_by(Account.created_at, Account.email))).all())


async def disable_account(session: AsyncSession, account: Account, now: datetime, actor: str) -> None:
    """The account can no longer sign in, and its open sessions end at once in every process."""
    if account.disabled_at is None:
        account.disabled_at = now
    await end_sessions(session, account.id)
    record(session, now, actor=actor, action="account.disabled", subject=str(account.id),
           issuer_id=account.issuer_id)


async def get_account(session: AsyncSession, account_id: uuid.UUID) -> Account:
    account = await session.get(Account, account_id)
    if account is None:
        raise ClaimError(NOT_FOUND, what="account")
    return account
