"""The W3C Bitstring Status List bitstring: GZIP, base64url, multibase "u", most significant bit first."""

from __future__ import annotations

from collections.abc import Iterable

# openbadgeslib (already pinned for its contexts) does the encoding; this module keeps our bounds and errors.
from openbadgeslib.errors import LibOpenBadgesException
from openbadgeslib.ob3.status import MAX_STATUS_LIST_BYTES, decode_encoded_list
from openbadgeslib.ob3.status_list import encode_bitstring

# The spec's minimum (§6.1): 16 KB of bits, so that one set bit hides among many and leaks nothing.
MIN_BITS = 131072
# Our lists are eight times that, and every award draws a random index in it: collisions stay rare for
# hundreds of thousands of awards, and a sparse list still gzips to a few hundred bytes.
LIST_BITS = 8 * MIN_BITS
# What openbadgeslib inflates at most from a list fetched from anywhere (a gzip bomb stops there).
MAX_BITS = MAX_STATUS_LIST_BYTES * 8


class StatusListError(ValueError):
    """An encodedList that is not a multibase base64url GZIP bitstring."""


def encode_status_list(set_indices: Iterable[int], *, min_bits: int = LIST_BITS) -> str:
    indices = set(set_indices)
    if indices and min(indices) < 0:
        raise ValueError("status list indices are non-negative")
    bits = max(min_bits, max(indices) + 1 if indices else 0)
    return encode_bitstring(indices, bits + -bits % 8)


def decode_status_list(encoded: str) -> bytes:
    # openbadgeslib also reads StatusList2021's bare base64; a BitstringStatusList value is multibase.
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise StatusListError("encodedList is not multibase base64url ('u…')")
    try:
        return decode_encoded_list(encoded)
    except (ValueError, LibOpenBadgesException) as exc:
        raise StatusListError(f"encodedList does not decode: {exc}") from None


def is_set(bitstring: bytes, index: int) -> bool:
    if index < 0 or index >= len(bitstring) * 8:
        raise StatusListError(f"status index {index} is outside the list")
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))
