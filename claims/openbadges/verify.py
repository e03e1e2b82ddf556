"""Verifying a badge file (baked PNG or SVG, credential JSON, JWS): find its payloads and check each of them."""

from __future__ import annotations

import json
from datetime import datetime

from claims.openbadges.baking import BakeError, unbake
from claims.openbadges.baking_types import UNKNOWN_FORMAT
from claims.openbadges.compact_jws import JwsError, read_unverified
from claims.openbadges.resolvers import Resolve
from claims.openbadges.verify_ob2 import verify_hosted, verify_hosted_url, verify_signed
from claims.openbadges.verify_ob3 import verify_credential
from claims.openbadges.verify_report import NO_BADGE, UNREADABLE, FormatResult, Problem, VerificationReport


def _is_ob3(document: object) -> bool:
    if not isinstance(document, dict):
        return False
    kind = document.get("type")
    return "VerifiableCredential" in (kind if isinstance(kind, list) else [kind])


def _classify_text(text: str) -> tuple[str | None, str | None]:
    """(OB 2.0 payload, OB 3.0 payload) of a bare JSON document or compact JWS."""
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            document = json.loads(stripped)
        except ValueError:
            return None, None
        return (None, stripped) if _is_ob3(document) else (stripped, None)
    try:
        _, payload = read_unverified(stripped)
    except JwsError:
        return None, None
    return (None, stripped) if _is_ob3(payload) else (stripped, None)


def _is_web_url(text: str) -> bool:
    return text.startswith(("https://", "http://")) and not any(c.isspace() for c in text)


def _payloads(data: bytes, report: VerificationReport) -> tuple[str | None, str | None]:
    try:
        baked = unbake(data)
    except BakeError as exc:
        if exc.reason != UNKNOWN_FORMAT:
            report.file_problems.append(Problem(None, UNREADABLE, exc.message))
            return None, None
    else:
        ob2 = baked.ob2
        verify_attr = (baked.ob2_verify or "").strip()
        if verify_attr and not _is_web_url(verify_attr):
            ob2 = verify_attr  # a signed SVG badge: the JWS is the verify attribute
        elif ob2 is None and verify_attr:
            ob2 = verify_attr  # an SVG carrying only the hosted assertion's URL
        return ob2, baked.ob3
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.file_problems.append(Problem(None, UNREADABLE, "neither an image nor UTF-8 text"))
        return None, None
    return _classify_text(text)


async def _verify_ob2(payload: str, resolve: Resolve, now: datetime) -> FormatResult:
    """An OB 2.0 payload is the assertion's JSON, its URL (hosted badges baked by other tools), or a JWS."""
    if payload.startswith("{"):
        return await verify_hosted(payload, resolve, now)
    if _is_web_url(payload):
        return await verify_hosted_url(payload, resolve, now)
    return await verify_signed(payload, resolve, now)


async def verify_badge(data: bytes, *, resolve: Resolve, now: datetime) -> VerificationReport:
    """Check every badge payload in ``data``; ``report.ok`` only when all are valid, unrevoked, unexpired.

    ``resolve(url)`` returns the JSON object served at a URL (a 410 body included) or None; see
    ``claims.publishing.database_resolver`` and ``resolvers.http_resolver``.
    """
    report = VerificationReport()
    ob2, ob3 = _payloads(data, report)
    if ob2 is not None:
        report.ob2 = await _verify_ob2(ob2.strip(), resolve, now)
    if ob3 is not None:
        report.ob3 = await verify_credential(ob3, resolve, now)
    if report.ob2 is None and report.ob3 is None and not report.file_problems:
        report.file_problems.append(Problem(None, NO_BADGE))
    return report
