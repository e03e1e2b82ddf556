"""Multibase base58btc ("z…") and the Ed25519 Multikey encoding that Data Integrity proofs and DID documents use."""

from __future__ import annotations

import base58

# multicodec ed25519-pub (0xed) as an unsigned varint: 0xed 0x01.
_ED25519_PUB_PREFIX = b"\xed\x01"
# Base58 decoding is quadratic in the length, and values come from documents anyone can send; ours are
# 48 (Multikey) and 88 (Ed25519 signature) characters.
MAX_B58_CHARS = 128


class MultibaseError(ValueError):
    """A value is not the multibase encoding it claims to be."""


def b58btc_encode(data: bytes) -> str:
    return base58.b58encode(data).decode("ascii")


def b58btc_decode(text: str) -> bytes:
    if len(text) > MAX_B58_CHARS:
        raise MultibaseError(f"base58btc value longer than {MAX_B58_CHARS} characters")
    # The library forgives trailing blanks; a value we check signatures against has one spelling only.
    if text != text.rstrip():
        raise MultibaseError("not base58btc: trailing blank")
    try:
        return base58.b58decode(text)
    except ValueError as exc:  # an invalid or non-ASCII character
        raise MultibaseError(f"not base58btc: {exc}") from None


def multibase_b58(data: bytes) -> str:
    return "z" + b58btc_encode(data)


def from_multibase_b58(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z") or len(value) < 2:
        raise MultibaseError("expected a multibase base58btc value starting with 'z'")
    return b58btc_decode(value[1:])


def ed25519_multikey(raw_public_key: bytes) -> str:
    """``publicKeyMultibase`` of a Multikey (Controlled Identifiers §2.2.2): z + base58btc(0xed01 + key)."""
    if len(raw_public_key) != 32:
        raise MultibaseError("an Ed25519 public key is 32 bytes")
    return multibase_b58(_ED25519_PUB_PREFIX + raw_public_key)


def ed25519_from_multikey(value: str) -> bytes:
    data = from_multibase_b58(value)
    if len(data) != 34 or not data.startswith(_ED25519_PUB_PREFIX):
        raise MultibaseError("not an Ed25519 Multikey")
    return data[2:]
