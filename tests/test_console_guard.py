"""Every console route, whoever wrote it, is behind the guard: anonymous -> login, no CSRF token -> 403."""

from __future__ import annotations

import re

import pytest

from kiosk.console.guard import PUBLIC_ROUTES, is_console_path

ZERO = "00000000-0000-0000-0000-000000000000"


def console_routes(app, methods: tuple[str, ...]) -> list[tuple[str, str]]:
    """(method, path with a dummy id in each variable part) of every guarded console route."""
    found = []
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        template = info.get("path") or info.get("formatter")
        if route.method in methods and template and is_console_path(template) and route.name not in PUBLIC_ROUTES:
            found.append((route.method, re.sub(r"\{[^}]+\}", ZERO, template)))
    assert found
    return found


async def test_every_console_page_sends_anonymous_visitors_to_login(console):
    for method, path in console_routes(console.client.app, ("GET", "POST")):
        data = {"csrf": await console.csrf()} if method == "POST" else None
        response = await console.client.request(method, path, data=data, allow_redirects=False)
        assert response.status == 303, (method, path)
        assert response.headers["Location"].startswith("/organiser/login"), (method, path)


async def test_every_console_form_refuses_a_post_without_its_csrf_token(owner):
    for _, path in console_routes(owner.client.app, ("POST",)):
        response = await owner.client.post(path, data={"confirmed": "yes"}, allow_redirects=False)
        assert response.status == 403, path
    assert (await owner.page("/organiser/issuer"))[0] == 200  # still signed in: nothing was done


@pytest.mark.parametrize("path", ["/organiser/badges", "/organiser/issuer", "/organiser/accounts"])
async def test_console_pages_are_never_cached(owner, path):
    response = await owner.client.get(path)
    assert response.headers["Cache-Control"] == "no-store"
