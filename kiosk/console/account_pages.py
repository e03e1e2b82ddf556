"""The issuer's console accounts, for its owner: the list, adding one (its one-time link shown once, and
e-mailed when SMTP is set), and disabling one after a confirmation."""

from __future__ import annotations

from aiohttp import web

from claims.accounts import ORGANISER, ROLES, create_account, disable_account, issuer_accounts, password_link_path
from claims.errors import ClaimError
from claims.i18n import N_
from claims.models import Account, Issuer
from kiosk.console.auth_pages import deliver_link
from kiosk.console.confirm import confirmation_page, confirmed
from kiosk.console.forms import FormErrors, text
from kiosk.console.guard import get_own, owner_only
from kiosk.console.identity import actor_of, current_account
from kiosk.console.layout import render_console
from kiosk.console.state import WELCOME, LinkMail
from kiosk.i18n import LANGUAGE
from kiosk.state import state_of

routes = web.RouteTableDef()


async def _accounts_page(request: web.Request, *, values: dict[str, str] | None = None,
                         errors_: FormErrors | None = None, link: str = "", link_email: str = "",
                         mailed: bool = False, status: int = 200) -> web.Response:
    account = current_account(request)
    async with state_of(request).sessionmaker() as db:
        rows = [{"id": a.id, "email": a.email, "role": a.role, "disabled": a.disabled_at is not None,
                 "waiting": a.password_hash is None, "me": a.id == account.id}
                for a in await issuer_accounts(db, account.issuer_id)]
    return render_console(request, "organiser/accounts.html", {
        "section": "accounts", "accounts": rows, "values": values or {"email": "", "role": ORGANISER},
        "errors": errors_ or FormErrors(), "roles": ROLES, "link": link, "link_email": link_email,
        "mailed": mailed, "done": request.query.get("done", ""),
    }, status=status)


@routes.get("/organiser/accounts", name="console_accounts")
@owner_only
async def accounts_page(request: web.Request) -> web.Response:
    return await _accounts_page(request)


@routes.post("/organiser/accounts", name="console_account_create")
@owner_only
async def account_create(request: web.Request) -> web.Response:
    state = state_of(request)
    account = current_account(request)
    form = await request.post()
    values = {"email": text(form, "email", 320), "role": text(form, "role", 20)}
    problems = FormErrors()
    try:
        async with state.sessionmaker.begin() as db:
            made = await create_account(db, account.issuer_id, values["email"], values["role"], state.clock(),
                                        actor=actor_of(account))
            issuer = await db.get(Issuer, account.issuer_id)
            email = made.account.email
    except ClaimError as refusal:
        problems.add_refusal(request, refusal, fields=("email", "role"))
        return await _accounts_page(request, values=values, errors_=problems, status=422)
    url = state.config.public_url + password_link_path(made.token)
    mailed = await deliver_link(request, LinkMail(to=email, url=url, purpose=WELCOME, language=request[LANGUAGE],
                                                  issuer_name=issuer.name if issuer else ""))
    # Shown once, on this answer to the POST: the link is not stored anywhere it could be shown again.
    return await _accounts_page(request, link=url, link_email=email, mailed=mailed)


@routes.post("/organiser/accounts/{account_id}/disable", name="console_account_disable")
@owner_only
async def account_disable(request: web.Request) -> web.Response:
    state = state_of(request)
    me = current_account(request)
    form = await request.post()
    path = f"/organiser/accounts/{request.match_info['account_id']}/disable"
    async with state.sessionmaker.begin() as db:
        target = await get_own(db, Account, request.match_info["account_id"], me)
        if target.id == me.id:
            # The owner cannot lock themselves out: nobody would be left to manage the issuer.
            raise web.HTTPSeeOther("/organiser/accounts")
        if not confirmed(form):
            return confirmation_page(
                request, question=N_("Disable this account?"), action=path, cancel_url="/organiser/accounts",
                button=N_("Disable the account"), details=target.email, section="accounts",
            )
        await disable_account(db, target, state.clock(), actor=actor_of(me))
    raise web.HTTPSeeOther("/organiser/accounts?done=disabled")
