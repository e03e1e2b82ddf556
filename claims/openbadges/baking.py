"""Baking Open Badges 2.0 and 3.0 payloads into PNG and SVG badge images, and reading them back."""

from __future__ import annotations

from claims.openbadges.baking_png import bake_png, is_png, unbake_png
from claims.openbadges.baking_svg import bake_svg, looks_like_xml, unbake_svg
from claims.openbadges.baking_types import (
    BAD_PAYLOAD,
    MAX_IMAGE_BYTES,
    MAX_PAYLOAD_BYTES,
    UNKNOWN_FORMAT,
    BakedPayloads,
    BakeError,
)

__all__ = [
    "MAX_IMAGE_BYTES",
    "MAX_PAYLOAD_BYTES",
    "BakeError",
    "BakedPayloads",
    "bake",
    "bake_png",
    "bake_svg",
    "unbake",
    "unbake_png",
    "unbake_svg",
]


def bake(
    image: bytes | bytearray | memoryview | str,
    *,
    ob2: str | None = None,
    ob2_verify: str | None = None,
    ob3: str | None = None,
    max_bytes: int = MAX_IMAGE_BYTES,
) -> bytes:
    """Bake into a PNG or an SVG, told apart by content; see :func:`bake_png` and :func:`bake_svg`."""
    if is_png(image):
        if ob2_verify is not None:
            raise BakeError(BAD_PAYLOAD, "a PNG has no place for an OB 2.0 verify attribute")
        return bake_png(image, ob2=ob2, ob3=ob3, max_bytes=max_bytes)
    if looks_like_xml(image):
        return bake_svg(image, ob2=ob2, ob2_verify=ob2_verify, ob3=ob3, max_bytes=max_bytes)
    raise BakeError(UNKNOWN_FORMAT, "the image is neither a PNG nor an SVG")


def unbake(data: bytes | bytearray | memoryview | str, *, max_bytes: int = MAX_IMAGE_BYTES) -> BakedPayloads:
    """Read the badge payloads of a PNG or an SVG, told apart by content."""
    if is_png(data):
        return unbake_png(data, max_bytes=max_bytes)
    if looks_like_xml(data):
        return unbake_svg(data, max_bytes=max_bytes)
    raise BakeError(UNKNOWN_FORMAT, "the image is neither a PNG nor an SVG")
