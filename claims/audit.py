"""The audit log: what was done to which object, by which channel or organiser, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from claims.models import AuditEntry


def record(session: AsyncSession, now: datetime, *, actor: str, action: str, subject: str, **details: Any) -> None:
    """Add an entry to the caller's transaction; ``details`` must never carry an e-mail address."""
    session.add(AuditEntry(at=now, actor=actor, action=action, subject=subject, details=details))
