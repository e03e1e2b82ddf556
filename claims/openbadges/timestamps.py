"""The one spelling of instants in badge documents: ISO 8601 UTC to the second, with a Z."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any


def iso_utc(moment: datetime) -> str:
    # Whole seconds: OB 2.0 validators and some wallets choke on fractions, and nobody needs them.
    if moment.tzinfo is None:
        raise ValueError("naive datetime; pass an aware one")
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso_utc(value: Any) -> datetime:
    """An aware UTC datetime from an ISO 8601 string that carries a zone; raises ValueError otherwise."""
    if not isinstance(value, str):
        raise ValueError("expected a date-time string")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 date-time: {value!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"date-time without a time zone: {value!r}")
    return moment.astimezone(timezone.utc)
