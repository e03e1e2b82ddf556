"""The issuer's profile in the console: seen by every account, changed (details, image, signing keys) by
its owner alone."""

from __future__ import annotations

from aiohttp import web

from claims.errors import INVALID_INPUT, ClaimError
from claims.i18n import N_
from claims.keyring import issuer_keys, rotate_keys
from claims.audit import record
from claims.models import Issuer
from claims.organising import update_issuer
from claims.redemption import normalise_email
from kiosk.console.confirm import confirmation_page, confirmed
from kiosk.console.forms import FormErrors, text
from kiosk.console.guard import owner_only
from kiosk.console.identity import actor_of, current_account
from kiosk.console.layout import render_console
from kiosk.console.uploads import checked_image, uploaded
from kiosk.i18n import LANGUAGE, format_when, zone
from kiosk.state import state_of

routes = web.RouteTableDef()
# The core names the issuer's fields issuer_name, issuer_url…; the form calls them name, url…
_FORM_FIELD = {"issuer_name": "name", "issuer_url": "url", "issuer_email": "email", "image": "image"}


async def _issuer_page(request: web.Request, *, values: dict[str, str] | None = None,
                       errors_: FormErrors | None = None, saved: str = "", status: int = 200) -> web.Response:
    state = state_of(request)
    account = current_account(request)
    language = request[LANGUAGE]
    timezone = zone(None, state.config.timezone)
    async with state.sessionmaker() as db:
        issuer = await db.get(Issuer, account.issuer_id)
        assert issuer is not None  # an account's issuer cannot be deleted under it (foreign key)
        keys = [(key.algorithm, key.id, format_when(key.created_at, language, timezone),
                 format_when(key.retired_at, language, timezone) if key.retired_at else "")
                for key in await issuer_keys(db, issuer.id)]
        profile = {"name": issuer.name, "url": issuer.url, "email": issuer.email}
        image_url = f"/ob2/issuers/{issuer.id}/image?r={issuer.revision}" if issuer.image else ""
    return render_console(request, "organiser/issuer.html", {
        "section": "issuer", "profile": profile, "values": values or profile, "errors": errors_ or FormErrors(),
        "image_url": image_url, "keys": keys, "saved": saved,
    }, status=status)


@routes.get("/organiser/issuer", name="console_issuer")
async def issuer_page(request: web.Request) -> web.Response:
    return await _issuer_page(request, saved=request.query.get("saved", ""))


def _check(values: dict[str, str], data: bytes | None) -> tuple[bytes | None, list[ClaimError]]:
    """Each field on its own, so every faulty one is told at once (the core stops at the first)."""
    problems: list[ClaimError] = []
    # Empty fields are refused here: update_issuer would keep the old value for them.
    for name in ("name", "url", "email"):
        if not values[name].strip():
            problems.append(ClaimError(INVALID_INPUT, field="issuer_" + name))
    if values["url"].strip() and not values["url"].strip().startswith(("https://", "http://")):
        problems.append(ClaimError(INVALID_INPUT, field="issuer_url"))
    try:
        normalise_email(values["email"])
    except ClaimError:
        problems.append(ClaimError(INVALID_INPUT, field="issuer_email"))
    image = None
    try:
        image = checked_image(data).data if data is not None else None
    except ClaimError as refusal:
        problems.append(refusal)
    return image, problems


@routes.post("/organiser/issuer", name="console_issuer_submit")
@owner_only
async def issuer_submit(request: web.Request) -> web.Response:
    state = state_of(request)
    account = current_account(request)
    form = await request.post()
    values = {"name": text(form, "name", 200), "url": text(form, "url", 500), "email": text(form, "email", 320)}
    image, problems = _check(values, uploaded(form, "image"))
    try:
        if problems:
            raise problems[0]
        async with state.sessionmaker.begin() as db:
            issuer = await db.get(Issuer, account.issuer_id)
            assert issuer is not None
            update_issuer(db, issuer, now=state.clock(), name=values["name"], url=values["url"],
                          email=values["email"], image=image, actor=actor_of(account))
    except ClaimError as refusal:
        errors_ = FormErrors()
        for problem in problems or [refusal]:
            # The core names these fields issuer_name, issuer_url…; the form calls them name, url…
            field = str(problem.params.get("field", ""))
            errors_.add_refusal(request, problem, fields=(field,))
        return await _issuer_page(request, values=values, errors_=_renamed(errors_), status=422)
    raise web.HTTPSeeOther("/organiser/issuer?saved=profile")


def _renamed(problems: FormErrors) -> FormErrors:
    renamed = FormErrors()
    for field, words in problems.items():
        renamed[_FORM_FIELD.get(field, field)] = words
    return renamed


@routes.post("/organiser/issuer/keys/rotate", name="console_issuer_rotate")
@owner_only
async def rotate(request: web.Request) -> web.Response:
    state = state_of(request)
    account = current_account(request)
    form = await request.post()
    if not confirmed(form):
        return confirmation_page(
            request, question=N_("Replace the issuer's signing keys?"), action="/organiser/issuer/keys/rotate",
            cancel_url="/organiser/issuer", button=N_("Replace the keys"), section="issuer",
            details_msgid=N_("New badges will be signed with new keys. The old keys are retired but stay "
                             "published, so every badge already issued keeps verifying."),
        )
    now = state.clock()
    async with state.sessionmaker.begin() as db:
        fresh = await rotate_keys(db, account.issuer_id, state.config.secret_key, now)
        record(db, now, actor=actor_of(account), action="issuer.keys_rotated", subject=str(account.issuer_id),
               issuer_id=account.issuer_id, keys=[key.id for key in fresh])
    raise web.HTTPSeeOther("/organiser/issuer?saved=keys")
