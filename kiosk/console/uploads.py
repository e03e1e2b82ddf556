"""Images uploaded through console forms: read from the multipart form, checked by the core, and refused
whole when the SVG carried something active (a script, an event handler, an external link) rather than
silently served without it."""

from __future__ import annotations

from typing import Any

from aiohttp.web_request import FileField

from claims.errors import INVALID_INPUT, ClaimError
from claims.images import ValidatedImage, validate_image

# The body limit of the routes that take an image (UPLOAD_LIMITS): above the core's 2 MB image limit,
# so a file a little too large is answered beside its field rather than by a bare 413 page.
UPLOAD_BODY_BYTES = 5 * 1024 * 1024
SVG_ACTIVE = "svg_active"  # the ``reason`` of the refusal of an SVG that carried something active
_ACTIVE_ELEMENTS = frozenset({"script", "foreignObject", "iframe", "embed", "object", "xml-stylesheet",
                              "handler", "listener"})


def _is_active(removed: str) -> bool:
    local = removed.rpartition(":")[2] if not removed.startswith("href:") else removed
    return local in _ACTIVE_ELEMENTS or local.startswith(("on", "href"))


def uploaded(form: Any, name: str) -> bytes | None:
    """The bytes of the file field ``name``; None when no file was chosen."""
    field = form.get(name)
    if not isinstance(field, FileField):
        return None
    data = field.file.read()
    return data or None


def checked_image(data: bytes) -> ValidatedImage:
    """The core's validation, plus the console's refusal of an SVG that tried to run or fetch something:
    the organiser learns that their file was unsafe instead of finding a quietly changed image."""
    image = validate_image(data)
    active = [name for name in image.removed if _is_active(name)]
    if active:
        raise ClaimError(INVALID_INPUT, field="image", reason=SVG_ACTIVE, removed=", ".join(active))
    return image
