"""Baking Open Badges into PNG text chunks and reading them back, without decoding the image."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator

from claims.openbadges.baking_types import (
    BAD_CHUNK,
    BAD_CRC,
    BAD_PAYLOAD,
    MAX_IMAGE_BYTES,
    MAX_PAYLOAD_BYTES,
    NOT_PNG,
    TOO_LARGE,
    TRAILING_DATA,
    TRUNCATED,
    BakedPayloads,
    BakeError,
    check_image_size,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# OB 2.0 and OB 3.0 baking specifications: the iTXt keywords of the two payloads.
OB2_KEYWORD = b"openbadges"
OB3_KEYWORD = b"openbadgecredential"

_HEADER = struct.Struct(">I4s")
_CRC = struct.Struct(">I")
_TEXT_CHUNK_TYPES = frozenset((b"tEXt", b"zTXt", b"iTXt"))
# PNG spec: a chunk length is at most 2^31 - 1, and IHDR's data is exactly 13 bytes.
_MAX_CHUNK_LENGTH = 2**31 - 1
_IHDR_LENGTH = 13
# After the keyword's NUL: compression flag 0, compression method 0, then an empty language tag and an
# empty translated keyword, each NUL-terminated -- what both baking specifications prescribe.
_ITXT_UNCOMPRESSED_PREFIX = b"\x00\x00\x00\x00"
_KIND_PREFIX_LENGTH = len(OB3_KEYWORD) + 1
# PNG spec: IEND has no data, so every PNG ends with these 12 bytes (length 0, type, CRC of "IEND").
_IEND_CHUNK = b"\x00\x00\x00\x00IEND\xaeB`\x82"

Chunk = tuple[bytes, int, int]  # (chunk type, offset of its length field, offset just past its CRC)


def bake_png(
    image: bytes | bytearray | memoryview,
    *,
    ob2: str | None = None,
    ob3: str | None = None,
    max_bytes: int = MAX_IMAGE_BYTES,
) -> bytes:
    """Return ``image`` with the OB 2.0 and/or OB 3.0 payload baked in as uncompressed iTXt chunks.

    A payload given replaces every existing text chunk of its keyword (iTXt, tEXt or zTXt), so the result
    holds exactly one; a payload left ``None`` keeps whatever the image already carries for that keyword.
    New chunks go right after IHDR, where a reader finds them without walking the image data. All other
    chunks are copied byte for byte; bytes after IEND are not part of the PNG and are dropped.
    """
    new_chunks = []
    replaced = set()
    if ob2 is not None:
        new_chunks.append(_itxt_chunk(OB2_KEYWORD, ob2))
        replaced.add(OB2_KEYWORD)
    if ob3 is not None:
        new_chunks.append(_itxt_chunk(OB3_KEYWORD, ob3))
        replaced.add(OB3_KEYWORD)

    view = _open_png(image, max_bytes)
    chunks = _walk_chunks(view)
    _, _, ihdr_end = next(chunks)
    pieces: list[bytes | memoryview] = [view[:ihdr_end], *new_chunks]
    # Kept chunks are copied as long runs of the input, so the join below does one copy of the image.
    run_start = end = ihdr_end
    for chunk_type, start, end in chunks:
        if replaced and chunk_type in _TEXT_CHUNK_TYPES and _badge_keyword(view, start, end) in replaced:
            pieces.append(view[run_start:start])
            run_start = end
    if view[end - 12 : end] != _IEND_CHUNK:
        # What bake writes, unbake must read back, and unbake wants the exact IEND chunk last.
        raise _missing_iend(view[:end])
    pieces.append(view[run_start:end])
    return b"".join(pieces)


def unbake_png(data: bytes | bytearray | memoryview, *, max_bytes: int = MAX_IMAGE_BYTES) -> BakedPayloads:
    """Return the badge payloads of a PNG, reading chunk headers only until both are found.

    The first chunk of each keyword wins: the specifications allow one, our baker writes one, and reading
    on to look for a second would give up the early stop that keeps this fast on large images. The chunks
    read are CRC-checked; the image data is never read. The file must end with IEND: a badge cut short
    in transfer is not a badge, and the last 12 bytes tell so without walking the chunks in between.
    """
    view = _open_png(data, max_bytes)
    if view[-12:] != _IEND_CHUNK:
        raise _missing_iend(view)
    found: dict[bytes, str] = {}
    for chunk_type, start, end in _walk_chunks(view):
        if chunk_type not in _TEXT_CHUNK_TYPES:
            continue
        keyword = _badge_keyword(view, start, end)
        if keyword is None or keyword in found:
            continue
        found[keyword] = _read_text_chunk(view, chunk_type, start, end)
        if len(found) == 2:
            break
    return BakedPayloads(ob2=found.get(OB2_KEYWORD), ob3=found.get(OB3_KEYWORD))


def is_png(data: bytes | bytearray | memoryview | str) -> bool:
    """Whether ``data`` starts with the PNG signature."""
    return not isinstance(data, str) and bytes(data[:8]) == PNG_SIGNATURE


def _itxt_chunk(keyword: bytes, text: str) -> bytes:
    body = keyword + b"\x00" + _ITXT_UNCOMPRESSED_PREFIX + _encode_payload(text)
    crc = zlib.crc32(body, zlib.crc32(b"iTXt"))
    return b"".join((_CRC.pack(len(body)), b"iTXt", body, _CRC.pack(crc)))


def _encode_payload(text: str) -> bytes:
    if not isinstance(text, str) or not text:
        raise BakeError(BAD_PAYLOAD, "a badge payload must be a non-empty string")
    # PNG text chunks may not contain NUL, and readers that split the chunk on NUL would cut the payload.
    if "\x00" in text:
        raise BakeError(BAD_PAYLOAD, "a badge payload may not contain NUL characters")
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise BakeError(BAD_PAYLOAD, "a badge payload must be valid Unicode (no lone surrogates)") from exc
    if len(encoded) > MAX_PAYLOAD_BYTES:
        raise BakeError(TOO_LARGE, f"a badge payload may not exceed {MAX_PAYLOAD_BYTES} bytes")
    return encoded


def _open_png(data: bytes | bytearray | memoryview, max_bytes: int) -> memoryview:
    """Check size, signature and a well-formed IHDR first chunk; return a view on the bytes."""
    check_image_size(data, max_bytes)
    view = memoryview(data).cast("B")
    head = bytes(view[:8])
    if head != PNG_SIGNATURE:
        if head and PNG_SIGNATURE.startswith(head):
            raise BakeError(TRUNCATED, "the PNG ends inside its signature")
        raise BakeError(NOT_PNG, "the data does not start with the PNG signature")
    if len(view) < 8 + 12 + _IHDR_LENGTH:
        raise BakeError(TRUNCATED, "the PNG ends before the end of its IHDR chunk")
    length, chunk_type = _HEADER.unpack_from(view, 8)
    if chunk_type != b"IHDR" or length != _IHDR_LENGTH:
        raise BakeError(BAD_CHUNK, "a PNG must start with a 13-byte IHDR chunk")
    _check_crc(view, 8, 8 + 12 + _IHDR_LENGTH)
    return view


def _missing_iend(view: memoryview) -> BakeError:
    """Why a PNG does not end with the IEND chunk: a damaged IEND, bytes after it, or a cut file."""
    if view[-12:-4] == _IEND_CHUNK[:8]:
        return BakeError(BAD_CRC, "CRC mismatch in the IEND chunk")
    # Only on refusal, so the search costs nothing to a valid badge.
    if bytes(view).rfind(_IEND_CHUNK) >= 0:
        return BakeError(TRAILING_DATA, "bytes follow the PNG's IEND chunk")
    return BakeError(TRUNCATED, "the PNG does not end with its IEND chunk")


def _walk_chunks(view: memoryview) -> Iterator[Chunk]:
    """Yield every chunk from IHDR to IEND, jumping over chunk data by its length field."""
    size = len(view)
    position = 8
    while True:
        if position + 8 > size:
            raise BakeError(TRUNCATED, f"the PNG ends at byte {size} before its IEND chunk")
        length, chunk_type = _HEADER.unpack_from(view, position)
        # PNG spec: chunk types are four ASCII letters; anything else means the framing is off.
        if length > _MAX_CHUNK_LENGTH or not chunk_type.isalpha():
            raise BakeError(BAD_CHUNK, f"malformed chunk header at byte {position}")
        end = position + 12 + length
        if end > size:
            raise BakeError(TRUNCATED, f"the {chunk_type!r} chunk at byte {position} runs past the end")
        yield chunk_type, position, end
        if chunk_type == b"IEND":
            return
        position = end


def _badge_keyword(view: memoryview, start: int, end: int) -> bytes | None:
    head = bytes(view[start + 8 : min(end - 4, start + 8 + _KIND_PREFIX_LENGTH)])
    if head.startswith(OB2_KEYWORD + b"\x00"):
        return OB2_KEYWORD
    if head.startswith(OB3_KEYWORD + b"\x00"):
        return OB3_KEYWORD
    return None


def _check_crc(view: memoryview, start: int, end: int) -> None:
    (expected,) = _CRC.unpack_from(view, end - 4)
    if zlib.crc32(view[start + 4 : end - 4]) != expected:
        raise BakeError(BAD_CRC, f"CRC mismatch in the chunk at byte {start}")


def _read_text_chunk(view: memoryview, chunk_type: bytes, start: int, end: int) -> str:
    """Decode a tEXt, zTXt or iTXt chunk (already known to carry a badge keyword) to its text."""
    _check_crc(view, start, end)
    body = bytes(view[start + 8 : end - 4])
    try:
        raw = _text_bytes(chunk_type, body)
        text = raw.decode("utf-8") if chunk_type == b"iTXt" else _decode_legacy_text(raw)
    except BakeError:
        raise
    except ValueError as exc:  # a missing NUL separator, or iTXt text that is not UTF-8
        raise BakeError(BAD_CHUNK, f"malformed {chunk_type.decode()} chunk at byte {start}") from exc
    if not text:
        raise BakeError(BAD_PAYLOAD, f"empty badge payload in the chunk at byte {start}")
    return text


def _text_bytes(chunk_type: bytes, body: bytes) -> bytes:
    """The text of a chunk's body, inflated if compressed; ValueError when a NUL separator is missing."""
    position = body.index(b"\x00") + 1  # past the keyword
    if chunk_type == b"tEXt":
        raw = body[position:]
    elif chunk_type == b"zTXt":
        if body[position : position + 1] != b"\x00":
            raise BakeError(BAD_CHUNK, "unknown zTXt compression method")
        raw = _inflate(body[position + 1 :])
    else:
        flag, method = body[position : position + 1], body[position + 1 : position + 2]
        language_end = body.index(b"\x00", position + 2)
        position = body.index(b"\x00", language_end + 1) + 1  # past the translated keyword
        if flag == b"\x00":
            raw = body[position:]
        elif flag == b"\x01" and method == b"\x00":
            raw = _inflate(body[position:])
        else:
            raise BakeError(BAD_CHUNK, "unknown iTXt compression flag or method")
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise BakeError(TOO_LARGE, f"the badge payload exceeds {MAX_PAYLOAD_BYTES} bytes")
    return raw


def _decode_legacy_text(raw: bytes) -> str:
    # tEXt/zTXt are Latin-1 by the PNG spec, but older badge bakers stored UTF-8 there; ASCII (URLs,
    # JWS) reads the same either way.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _inflate(compressed: bytes) -> bytes:
    # A few kilobytes of zlib data can inflate to gigabytes: stop one byte past the cap.
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(compressed, MAX_PAYLOAD_BYTES + 1)
    except zlib.error as exc:
        raise BakeError(BAD_CHUNK, "corrupt compressed text chunk") from exc
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise BakeError(TOO_LARGE, f"a compressed text chunk inflates past {MAX_PAYLOAD_BYTES} bytes")
    if not inflater.eof:
        raise BakeError(BAD_CHUNK, "truncated compressed text chunk")
    return raw
