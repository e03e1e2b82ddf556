"""Multibase base58btc ("z…") and the Ed25519 Multikey encoding that Data Integrity proofs and DID documents use."""

from __future__ import annotations

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {ch: i for i, ch in enumerate(_ALPHABET)}
# multicodec ed25519-pub (0xed) as an unsigned varint: 0xed 0x01.
_ED25519_PUB_PREFIX = b"\xed\x01"


class MultibaseError(ValueError):
    """A value is not the multibase encoding it claims to be."""


def b58btc_encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(_ALPHABET[rest])
    # Leading zero bytes carry no magnitude, so base58 spells each of them as a leading "1".
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58btc_decode(text: str) -> bytes:
    number = 0
    for ch in text:
        try:
            number = number * 58 + _INDEX[ch]
        except KeyError:
            raise MultibaseError(f"not base58btc: {ch!r}") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    return b"\0" * zeros + body


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
