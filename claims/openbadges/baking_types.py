"""What the PNG and SVG bakers share: the refusal they raise, the payloads they return, their limits."""

from __future__ import annotations

from dataclasses import dataclass

# A badge image is a few hundred kilobytes; the cap keeps a hostile upload from costing memory and time.
MAX_IMAGE_BYTES = 10 * 1024 * 1024
# An OB 3.0 credential may embed its achievement image as a data: URI, hence room for more than JSON text;
# the cap also bounds what a compressed text chunk may inflate to (decompression bombs).
MAX_PAYLOAD_BYTES = 2 * 1024 * 1024

NOT_PNG = "not_png"
NOT_SVG = "not_svg"
UNKNOWN_FORMAT = "unknown_format"
TRUNCATED = "truncated"
TRAILING_DATA = "trailing_data"
BAD_CRC = "bad_crc"
BAD_CHUNK = "bad_chunk"
TOO_LARGE = "too_large"
UNSAFE_XML = "unsafe_xml"
UNSUPPORTED_ENCODING = "unsupported_encoding"
BAD_PAYLOAD = "bad_payload"


class BakeError(ValueError):
    """An image that cannot be baked or unbaked; ``reason`` is a stable machine code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class BakedPayloads:
    """The badge texts found in an image; ``None`` where the image carries none of that kind.

    ``ob2`` is the OB 2.0 assertion JSON or compact JWS, ``ob3`` the OB 3.0 credential JSON or compact JWT.
    ``ob2_verify`` is the ``verify`` attribute of an SVG's ``<openbadges:assertion>`` (PNG has none).
    """

    ob2: str | None
    ob3: str | None
    ob2_verify: str | None = None


def check_image_size(data: bytes | bytearray | memoryview | str, max_bytes: int) -> None:
    """Refuse an oversized input before any parsing, so a huge file fails fast instead of hanging.

    A string is measured in characters, each at least one byte once encoded.
    """
    size = len(data)
    if size > max_bytes:
        raise BakeError(TOO_LARGE, f"image is {size} bytes, more than the {max_bytes} allowed")
