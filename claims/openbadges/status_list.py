"""The W3C Bitstring Status List bitstring: GZIP, base64url, multibase "u", most significant bit first."""

from __future__ import annotations

import base64
import gzip
import io
from collections.abc import Iterable

# The spec's minimum (§6.1): 16 KB of bits, so that one set bit hides among many and leaks nothing.
MIN_BITS = 131072
# Our lists are eight times that, and every award draws a random index in it: collisions stay rare for
# hundreds of thousands of awards, and a sparse list still gzips to a few hundred bytes.
LIST_BITS = 8 * MIN_BITS
# Bounds what a verifier inflates from a list it has fetched from anywhere.
MAX_BITS = 8 * 1024 * 1024 * 8


class StatusListError(ValueError):
    """An encodedList that is not a multibase base64url GZIP bitstring."""


def encode_status_list(set_indices: Iterable[int], *, min_bits: int = LIST_BITS) -> str:
    indices = sorted(set(set_indices))
    if indices and indices[0] < 0:
        raise ValueError("status list indices are non-negative")
    bits = max(min_bits, (indices[-1] + 1) if indices else 0)
    bits += -bits % 8
    data = bytearray(bits // 8)
    for index in indices:
        data[index // 8] |= 0x80 >> (index % 8)
    # mtime=0 keeps the encoding a function of the bits alone.
    packed = gzip.compress(bytes(data), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode_status_list(encoded: str) -> bytes:
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError("encodedList is not multibase base64url ('u…')")
    body = encoded[1:]
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        with gzip.GzipFile(fileobj=io.BytesIO(packed)) as stream:
            data = stream.read(MAX_BITS // 8 + 1)
    except (ValueError, OSError, EOFError) as exc:
        raise StatusListError(f"encodedList does not decode: {exc}") from None
    if len(data) * 8 > MAX_BITS:
        raise StatusListError("encodedList is too large")
    return data


def is_set(bitstring: bytes, index: int) -> bool:
    if index < 0 or index >= len(bitstring) * 8:
        raise StatusListError(f"status index {index} is outside the list")
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))

