"""The Bitstring Status List encodedList: set bits read back, list sizes, and what a verifier refuses to inflate."""

from __future__ import annotations

import base64
import gzip

import pytest

from claims.openbadges.status_list import (
    LIST_BITS,
    MAX_BITS,
    StatusListError,
    decode_status_list,
    encode_status_list,
    is_set,
)


def multibase_b64url(data: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def test_set_bits_read_back_and_others_stay_clear():
    bits = decode_status_list(encode_status_list([0, 7, 4242, LIST_BITS - 1]))
    assert [i for i in (0, 1, 7, 8, 4242, LIST_BITS - 1) if is_set(bits, i)] == [0, 7, 4242, LIST_BITS - 1]


def test_first_index_is_the_most_significant_bit_of_the_first_byte():
    assert decode_status_list(encode_status_list([0], min_bits=8)) == b"\x80"


def test_list_grows_to_hold_an_index_past_its_minimum_size():
    bits = decode_status_list(encode_status_list([LIST_BITS + 3]))
    assert len(bits) * 8 == LIST_BITS + 8 and is_set(bits, LIST_BITS + 3)


def test_negative_index_is_refused():
    with pytest.raises(ValueError):
        encode_status_list([-1])


def test_bare_base64_without_the_multibase_prefix_is_refused():
    with pytest.raises(StatusListError, match="multibase"):
        decode_status_list(encode_status_list([1])[1:])


def test_list_inflating_past_the_limit_is_refused():
    bomb = gzip.compress(bytes(MAX_BITS // 8 + 1024), mtime=0)
    with pytest.raises(StatusListError):
        decode_status_list(multibase_b64url(bomb))


def test_index_outside_the_list_is_refused():
    with pytest.raises(StatusListError):
        is_set(b"\x00", 8)
