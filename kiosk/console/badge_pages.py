"""Badge classes in the console: the issuer's list, creating one with its image, editing one (which bumps
its revision, so every process reloads it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from sqlalchemy import select

from claims.errors import INVALID_INPUT, ClaimError
from claims.models import BadgeClass, Issuer
from claims.organising import create_badge_class, update_badge_class
from kiosk.console.forms import FormErrors, text
from kiosk.console.guard import get_own
from kiosk.console.identity import actor_of, current_account
from kiosk.console.layout import render_console
from kiosk.console.uploads import checked_image, uploaded
from kiosk.state import state_of

routes = web.RouteTableDef()
FIELDS = ("name", "description", "criteria", "validity_days", "image")
_EMPTY = {"name": "", "description": "", "criteria": "", "validity_days": ""}


def _values(form: Any) -> dict[str, str]:
    return {"name": text(form, "name", 200), "description": text(form, "description", 5000),
            "criteria": text(form, "criteria", 5000), "validity_days": text(form, "validity_days", 12).strip()}


def _validity(raw: str) -> int | None:
    if not raw:
        return None
    try:
        days = int(raw)
    except ValueError:
        raise ClaimError(INVALID_INPUT, field="validity_days") from None
    if not 1 <= days <= 36500:
        raise ClaimError(INVALID_INPUT, field="validity_days")
    return days


def image_url(badge: BadgeClass) -> str:
    # The revision in the URL: a new image is never hidden by a copy cached under the old one.
    return f"/ob2/badges/{badge.id}/image?r={badge.revision}"


@routes.get("/organiser/badges", name="console_badges")
async def badge_list(request: web.Request) -> web.Response:
    account = current_account(request)
    async with state_of(request).sessionmaker() as db:
        badges = (await db.scalars(select(BadgeClass).where(BadgeClass.issuer_id == account.issuer_id)
                                   .order_by(BadgeClass.created_at, BadgeClass.name))).all()
        rows = [{"id": b.id, "name": b.name, "validity_days": b.validity_days, "revision": b.revision,
                 "image_url": image_url(b)} for b in badges]
    return render_console(request, "organiser/badges.html", {"section": "badges", "badges": rows,
                                                             "saved": request.query.get("saved", "")})


def _form_page(request: web.Request, *, values: dict[str, str], errors_: FormErrors | None = None,
               badge: dict[str, Any] | None = None, status: int = 200) -> web.Response:
    return render_console(request, "organiser/badge_form.html", {
        "section": "badges", "values": values, "errors": errors_ or FormErrors(), "badge": badge,
        "action": f"/organiser/badges/{badge['id']}" if badge else "/organiser/badges/new",
    }, status=status)


@routes.get("/organiser/badges/new", name="console_badge_new")
async def badge_new(request: web.Request) -> web.Response:
    return _form_page(request, values=dict(_EMPTY))


@dataclass
class _Checked:
    """A badge form read and checked field by field, so every faulty field is told at once."""

    values: dict[str, str]
    validity_days: int | None = None
    image: bytes | None = None
    problems: list[ClaimError] = field(default_factory=list)


def _check(form: Any, *, image_required: bool) -> _Checked:
    checked = _Checked(_values(form))
    for name in ("name", "description", "criteria"):
        if not checked.values[name].strip():
            checked.problems.append(ClaimError(INVALID_INPUT, field=name))
    try:
        checked.validity_days = _validity(checked.values["validity_days"])
    except ClaimError as refusal:
        checked.problems.append(refusal)
    data = uploaded(form, "image")
    try:
        if data is None and image_required:
            raise ClaimError(INVALID_INPUT, field="image", reason="missing")
        checked.image = checked_image(data).data if data is not None else None
    except ClaimError as refusal:
        checked.problems.append(refusal)
    return checked


def _errors(request: web.Request, problems: list[ClaimError]) -> FormErrors:
    errors_ = FormErrors()
    for refusal in problems:
        errors_.add_refusal(request, refusal, fields=FIELDS)
    return errors_


@routes.post("/organiser/badges/new", name="console_badge_create")
async def badge_create(request: web.Request) -> web.Response:
    state = state_of(request)
    account = current_account(request)
    checked = _check(await request.post(), image_required=True)
    values = checked.values
    try:
        if checked.problems:
            raise checked.problems[0]
        assert checked.image is not None
        async with state.sessionmaker.begin() as db:
            issuer = await db.get(Issuer, account.issuer_id)
            assert issuer is not None
            badge = await create_badge_class(
                db, issuer, name=values["name"], description=values["description"], criteria=values["criteria"],
                validity_days=checked.validity_days, image=checked.image, now=state.clock(), actor=actor_of(account))
            badge_id = badge.id
    except ClaimError as refusal:
        return _form_page(request, values=values, errors_=_errors(request, checked.problems or [refusal]),
                          status=422)
    raise web.HTTPSeeOther(f"/organiser/badges/{badge_id}?saved=created")


def _badge_facts(badge: BadgeClass) -> dict[str, Any]:
    return {"id": badge.id, "name": badge.name, "revision": badge.revision, "image_url": image_url(badge)}


@routes.get("/organiser/badges/{badge_id}", name="console_badge")
async def badge_page(request: web.Request) -> web.Response:
    account = current_account(request)
    async with state_of(request).sessionmaker() as db:
        badge = await get_own(db, BadgeClass, request.match_info["badge_id"], account)
        values = {"name": badge.name, "description": badge.description, "criteria": badge.criteria,
                  "validity_days": str(badge.validity_days or "")}
        facts = _badge_facts(badge)
    facts["saved"] = request.query.get("saved", "")
    return _form_page(request, values=values, badge=facts)


@routes.post("/organiser/badges/{badge_id}", name="console_badge_update")
async def badge_update(request: web.Request) -> web.Response:
    state = state_of(request)
    account = current_account(request)
    checked = _check(await request.post(), image_required=False)
    values = checked.values
    async with state.sessionmaker() as db:
        facts = _badge_facts(await get_own(db, BadgeClass, request.match_info["badge_id"], account))
    try:
        if checked.problems:
            raise checked.problems[0]
        async with state.sessionmaker.begin() as db:
            badge = await get_own(db, BadgeClass, request.match_info["badge_id"], account)
            update_badge_class(db, badge, name=values["name"], description=values["description"],
                               criteria=values["criteria"], validity_days=checked.validity_days,
                               image=checked.image, now=state.clock(), actor=actor_of(account))
    except ClaimError as refusal:
        facts["saved"] = ""
        return _form_page(request, values=values, errors_=_errors(request, checked.problems or [refusal]),
                          badge=facts, status=422)
    raise web.HTTPSeeOther(f"/organiser/badges/{facts['id']}?saved=updated")
