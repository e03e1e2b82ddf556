"""The audit log: what was done to which object, by which channel or organiser, and when."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from claims.models import AuditEntry


def record(
    session: AsyncSession, now: datetime, *, actor: str, action: str, subject: str,
    issuer_id: uuid.UUID | None = None, **details: Any,
) -> None:
    """Add an entry to the caller's transaction; ``details`` must never carry an e-mail address.

    ``issuer_id`` names the issuer whose data was touched, so the console shows each issuer its own log.
    """
    session.add(AuditEntry(at=now, actor=actor, action=action, subject=subject, issuer_id=issuer_id,
                           details=details))
