"""The data model: issuers and their keys, badge classes, events, claim codes, awards, the delivery outbox, audit."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.sql.expression import false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone, so it stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware one")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def new_id() -> uuid.UUID:
    return uuid.uuid4()


class Issuer(Base):
    __tablename__ = "issuers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(500))
    email: Mapped[str] = mapped_column(String(320))
    image: Mapped[bytes | None] = mapped_column(LargeBinary)
    image_mime: Mapped[str | None] = mapped_column(String(40))
    # Bumped by every change of the issuer or its keys: processes cache issuing material per revision.
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    keys: Mapped[list[SigningKey]] = relationship(back_populates="issuer", lazy="raise", order_by="SigningKey.created_at")


class SigningKey(Base):
    """A key pair of an issuer. Retired keys stay so that old awards keep verifying."""

    __tablename__ = "signing_keys"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"), index=True)
    algorithm: Mapped[str] = mapped_column(String(20))  # "Ed25519" (OB 3.0) or "RS256" (OB 2.0 signed, VC-JWT)
    public_pem: Mapped[str] = mapped_column(Text)
    private_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    issuer: Mapped[Issuer] = relationship(back_populates="keys", lazy="raise")


class BadgeClass(Base):
    __tablename__ = "badge_classes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    criteria: Mapped[str] = mapped_column(Text)  # narrative (Markdown allowed by OB 2.0 / 3.0)
    image: Mapped[bytes] = mapped_column(LargeBinary)
    image_mime: Mapped[str] = mapped_column(String(40))
    validity_days: Mapped[int | None] = mapped_column(Integer)
    # Bumped by every change: processes cache the class (image included) per revision.
    revision: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    issuer: Mapped[Issuer] = relationship(lazy="raise")


class Event(Base):
    __tablename__ = "events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))
    # IANA name: dates typed without an offset are read in it, and every time shown to people is in it.
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris", server_default="Europe/Paris")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)


class ClaimCode(Base):
    """A card (single-use, ``max_claims`` 1) or a poster (multi-use). ``claims_count`` is only ever moved by
    a conditional UPDATE, so concurrent redemptions can never push it past ``max_claims``."""

    __tablename__ = "claim_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id"), index=True)
    badge_class_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("badge_classes.id"))
    multi_use: Mapped[bool] = mapped_column(Boolean, default=False)
    max_claims: Mapped[int] = mapped_column(Integer, default=1)
    claims_count: Mapped[int] = mapped_column(Integer, default=0)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    target: Mapped[str] = mapped_column(String(16), default="web")
    # Shown only as the kiosk's rotating QR: redeemable through a valid display token, never typed bare.
    display_only: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The codes made by one `codes create` (or one console form): deactivated, exported and printed together.
    batch_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(lazy="raise")
    badge_class: Mapped[BadgeClass] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint("claims_count >= 0 AND claims_count <= max_claims", name="claims_within_max"),
        CheckConstraint("max_claims >= 1", name="max_claims_positive"),
    )


class Award(Base):
    """One badge given to one person. The unique constraints are what make a repeat claim return the
    existing award: NULLs are distinct, so they bind only when the e-mail or Telegram id is known."""

    __tablename__ = "awards"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    badge_class_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("badge_classes.id"))
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id"), index=True)
    claim_code_id: Mapped[int | None] = mapped_column(ForeignKey("claim_codes.id"), index=True)
    recipient_email: Mapped[str | None] = mapped_column(String(320))
    recipient_salt: Mapped[str] = mapped_column(String(64))
    recipient_name: Mapped[str | None] = mapped_column(String(200))
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger)
    channel: Mapped[str] = mapped_column(String(16))
    # The client's idempotency key (HTTP Idempotency-Key, a form's nonce, the kiosk's per-attendee key):
    # what makes a retried anonymous claim return the same award.
    client_nonce: Mapped[str | None] = mapped_column(String(64))
    status_index: Mapped[int] = mapped_column(Integer, unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_reason: Mapped[str | None] = mapped_column(String(500))
    ob2_signed: Mapped[str | None] = mapped_column(Text)  # compact JWS when OB 2.0 signed verification is on
    ob3_credential: Mapped[str | None] = mapped_column(Text)  # the signed OpenBadgeCredential JSON
    # Kept when the person asks to be forgotten: the published documents carry this hash of the e-mail
    # (with recipient_salt), so the badge stays verifiable after the address itself is erased.
    recipient_email_hash: Mapped[str | None] = mapped_column(String(80))
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    badge_class: Mapped[BadgeClass] = relationship(lazy="raise")
    event: Mapped[Event] = relationship(lazy="raise")

    __table_args__ = (
        UniqueConstraint("event_id", "badge_class_id", "recipient_email"),
        UniqueConstraint("event_id", "badge_class_id", "telegram_user_id"),
        UniqueConstraint("claim_code_id", "client_nonce"),
    )


class Delivery(Base):
    """The outbox: a delivery is written in the claim's transaction and retried until it is sent."""

    __tablename__ = "deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    award_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("awards.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))  # "email" | "telegram"
    target: Mapped[str] = mapped_column(String(320))
    language: Mapped[str] = mapped_column(String(8), default="fr")
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | sent | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    # A worker that takes a delivery leases it; a crashed worker's lease runs out and the delivery comes back.
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    leased_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_deliveries_due", "status", "next_attempt_at"),)


class RateEvent(Base):
    """One counted attempt (a wrong code from a client address, a kiosk claim): rate limits are computed
    from these rows, so they hold across every process sharing the database."""

    __tablename__ = "rate_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scope: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(128))  # a keyed hash of the address or kiosk, never the address
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (Index("ix_rate_events_scope_key_at", "scope", "key", "at"),)


class AuditEntry(Base):
    """Who did what, when. Never holds an e-mail address: recipients are named by award id."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The issuer whose data was touched, so the console shows each issuer its own log only.
    issuer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Kiosk(Base):
    """A kiosk page bound to one event. Only a hash of its URL token is stored; revoking ends it at once."""

    __tablename__ = "kiosks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Display mode: the display-only multi-use code whose rotating token the kiosk shows as a QR.
    display_code_id: Mapped[int | None] = mapped_column(ForeignKey("claim_codes.id"))
    label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship(lazy="raise")


class Account(Base):
    """A person who runs events from the organiser console: an issuer's owner or one of its organisers."""

    __tablename__ = "accounts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    issuer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("issuers.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)  # stored lower-cased
    role: Mapped[str] = mapped_column(String(16))  # "owner" | "organiser"
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2; None until the link is used
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    issuer: Mapped[Issuer] = relationship(lazy="raise")


class OneTimeToken(Base):
    """A link that works once: set or reset a console password, or link a Telegram account as organiser."""

    __tablename__ = "one_time_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    purpose: Mapped[str] = mapped_column(String(32))  # "set_password" | "telegram_organiser"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    event_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class WebSession(Base):
    """A console login, kept server-side so every process sees it and logging out ends it everywhere."""

    __tablename__ = "web_sessions"

    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EventOrganiser(Base):
    """A Telegram account allowed to see an event's /stats and print its /codes from the bot."""

    __tablename__ = "event_organisers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)

    __table_args__ = (UniqueConstraint("event_id", "telegram_user_id"),)


class TelegramChat(Base):
    """One Telegram user's conversation with the bot: kept in the database, since any process may receive
    their next update."""

    __tablename__ = "telegram_chats"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    language: Mapped[str | None] = mapped_column(String(8))  # chosen with /language; None: from Telegram
    state: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class TelegramUpdate(Base):
    """Update ids already taken: Telegram redelivers a webhook update it thinks was lost."""

    __tablename__ = "telegram_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
