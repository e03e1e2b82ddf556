"""Rendering pages: the Jinja2 environment (i18n extension, static URLs) and what every template receives."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

import aiohttp_jinja2
import jinja2
from aiohttp import web

from kiosk.csrf import set_csrf_cookie
from kiosk.i18n import LANGUAGE, install_gettext

STATIC_DIR = Path(str(resources.files("kiosk") / "static"))
TEMPLATES_DIR = Path(str(resources.files("kiosk") / "templates"))
STATIC_URLS = web.AppKey("badgeclaim_static_urls", dict)
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def static_urls() -> dict[str, str]:
    """Each static file's URL with a digest of its content, so it can be cached for a year."""
    urls = {}
    for path in sorted(STATIC_DIR.iterdir()):
        if path.is_file():
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            urls[path.name] = f"/static/{path.name}?v={digest}"
    return urls


def setup_templates(app: web.Application) -> None:
    env = aiohttp_jinja2.setup(
        app,
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    install_gettext(env)
    app[STATIC_URLS] = static_urls()


def render(
    request: web.Request, template: str, context: Mapping[str, Any] | None = None, *, status: int = 200,
    cache: str = "no-store",
) -> web.Response:
    """``template`` in the request's language, with the language toggle and static URLs every page uses."""
    language = request[LANGUAGE]
    other = "en" if language == "fr" else "fr"
    urls = request.app[STATIC_URLS]
    values: dict[str, Any] = {
        "language": language,
        "other_language": other,
        "other_language_name": LANGUAGE_NAMES[other],
        "toggle_url": str(request.rel_url.update_query({"lang": other})) if request.method == "GET"
        else f"{request.path}?lang={other}",
        "static": lambda name: urls[name],
    }
    values.update(context or {})
    response = aiohttp_jinja2.render_template(template, request, values, status=status)
    response.headers["Cache-Control"] = cache
    if cache != "no-store":
        response.headers["Vary"] = "Accept-Language, Cookie"
    set_csrf_cookie(request, response)
    return response
