"""Badge and issuer images at upload: a PNG is checked without being decoded blind, an SVG is made safe."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from claims.errors import INVALID_INPUT, ClaimError
from claims.openbadges.baking_png import PNG_SIGNATURE
from claims.openbadges.baking_svg import looks_like_xml
from claims.svg_sanitising import (
    SVG_ENTITIES,
    SVG_INVALID,
    SVG_TOO_DEEP,
    SVG_UNSAFE,
    SvgRefused,
    sanitise_svg,
)

MAX_IMAGE_BYTES = 2 * 1024 * 1024
# A badge is printed a few centimetres wide and shown on a phone: 4096 pixels a side is plenty, and keeps a
# decoded image under 64 MB (RGBA) where a 40000 x 40000 "bomb" of 194 KB would ask for gigabytes.
MAX_IMAGE_SIDE = 4096
MAX_IMAGE_PIXELS = MAX_IMAGE_SIDE * MAX_IMAGE_SIDE

PNG_MIME = "image/png"
SVG_MIME = "image/svg+xml"

# Why an image is refused: the ``reason`` of ClaimError(INVALID_INPUT, field="image"), stable codes.
TOO_LARGE = "too_large"  # more than MAX_IMAGE_BYTES
FORMAT = "format"  # neither a PNG nor an SVG
CORRUPT = "corrupt"  # a PNG whose chunks or pixels do not read back (bad CRC, bad header, broken data)
TRUNCATED = "truncated"  # a PNG that ends before its IEND chunk
TRAILING_DATA = "trailing_data"  # bytes after a PNG's IEND chunk (a file glued to an image)
TOO_MANY_PIXELS = "too_many_pixels"  # wider or taller than MAX_IMAGE_SIDE
# ... and the SVG_* reasons of claims.svg_sanitising.
REASONS = (TOO_LARGE, FORMAT, CORRUPT, TRUNCATED, TRAILING_DATA, TOO_MANY_PIXELS, SVG_ENTITIES, SVG_INVALID,
           SVG_TOO_DEEP, SVG_UNSAFE)

_CHUNK_HEADER = struct.Struct(">I4s")
_CRC = struct.Struct(">I")
_IHDR = struct.Struct(">IIBBBBB")
# PNG spec: a chunk length is at most 2^31 - 1; IHDR's data is 13 bytes; these colour type / bit depths.
_MAX_CHUNK_LENGTH = 2**31 - 1
_BIT_DEPTHS = {0: (1, 2, 4, 8, 16), 2: (8, 16), 3: (1, 2, 4, 8), 4: (8, 16), 6: (8, 16)}


@dataclass(frozen=True)
class ValidatedImage:
    """An uploaded image fit to store: ``data`` is what to keep (the PNG as given, the SVG made safe);
    ``removed`` names what making it safe took out (``"script"``, ``"onload"``, ``"href:javascript"``…),
    for the caller to report."""

    mime: str
    data: bytes
    removed: tuple[str, ...] = ()


def _refuse(reason: str) -> ClaimError:
    """The refusal of an uploaded image, ``reason`` one of REASONS."""
    return ClaimError(INVALID_INPUT, field="image", reason=reason)


def validate_image(data: bytes) -> ValidatedImage:
    """Check an uploaded badge or issuer image and return what to store; ClaimError(invalid_input) if unfit.

    A PNG is kept byte for byte once its structure, size in pixels and data check out; an SVG is parsed
    without any DTD and rebuilt from an allow-list of SVG elements and attributes (see claims.svg_sanitising).
    """
    data = bytes(data)
    if len(data) > MAX_IMAGE_BYTES:
        raise _refuse(TOO_LARGE)
    if data[:8] == PNG_SIGNATURE:
        _check_png(data)
        return ValidatedImage(PNG_MIME, data)
    if data and PNG_SIGNATURE.startswith(data):
        raise _refuse(TRUNCATED)
    if data and looks_like_xml(data):
        try:
            clean, removed = sanitise_svg(data)
        except SvgRefused as exc:
            raise _refuse(exc.reason) from None
        return ValidatedImage(SVG_MIME, clean, removed)
    raise _refuse(FORMAT)


def _check_png(data: bytes) -> None:
    _check_png_chunks(data)
    # Only now that the pixel count is known to be bounded does Pillow see the file: verify() checks what
    # it can without decoding, load() decodes, which finds an image data stream that is cut or damaged.
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as picture:
            picture.verify()
        with Image.open(io.BytesIO(data), formats=["PNG"]) as picture:
            picture.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, zlib.error,
            Image.DecompressionBombError):
        raise _refuse(CORRUPT) from None


def _check_png_chunks(data: bytes) -> None:
    """Walk every chunk: IHDR first with a bounded size, each CRC right, IEND last and nothing after it."""
    view = memoryview(data)
    size, position = len(data), len(PNG_SIGNATURE)
    while True:
        if position + 12 > size:
            raise _refuse(TRUNCATED)
        length, kind = _CHUNK_HEADER.unpack_from(view, position)
        # PNG spec: chunk types are four ASCII letters; anything else means the framing is off.
        if length > _MAX_CHUNK_LENGTH or not kind.isalpha():
            raise _refuse(CORRUPT)
        end = position + 12 + length
        if end > size:
            raise _refuse(TRUNCATED)
        (crc,) = _CRC.unpack_from(view, end - 4)
        if zlib.crc32(view[position + 4 : end - 4]) != crc:
            raise _refuse(CORRUPT)
        if position == len(PNG_SIGNATURE):
            if kind != b"IHDR" or length != _IHDR.size:
                raise _refuse(CORRUPT)
            _check_header(view[position + 8 : end - 4])
        elif kind == b"IHDR":
            raise _refuse(CORRUPT)
        if kind == b"IEND":
            if end != size:
                raise _refuse(TRAILING_DATA)
            return
        position = end


def _check_header(body: memoryview) -> None:
    """Refuse by the dimensions IHDR declares, before any decoder allocates for them."""
    width, height, bit_depth, colour_type, compression, filtering, interlace = _IHDR.unpack(body)
    if width == 0 or height == 0 or width > _MAX_CHUNK_LENGTH or height > _MAX_CHUNK_LENGTH:
        raise _refuse(CORRUPT)
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
        raise _refuse(TOO_MANY_PIXELS)
    if bit_depth not in _BIT_DEPTHS.get(colour_type, ()) or compression or filtering or interlace > 1:
        raise _refuse(CORRUPT)
