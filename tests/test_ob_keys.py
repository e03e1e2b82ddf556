"""Issuer keys: encrypted at rest under the secret key, Multikey encoding, rotation that keeps old awards valid."""

from __future__ import annotations

import json
import uuid

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from sqlalchemy import select

from claims.models import SigningKey
from claims.openbadges.keys import (
    ED25519,
    RS256,
    KeyUnlockError,
    NoActiveKeyError,
    encrypt_private_key,
    load_private_key,
    pick_active,
    public_multikey,
)
from claims.keyring import rotate_keys
from claims.openbadges.multibase import (
    MultibaseError,
    b58btc_decode,
    b58btc_encode,
    ed25519_from_multikey,
    ed25519_multikey,
)
from ob_support import SECRET, Issuing


def _rows(key_material) -> list[SigningKey]:  # type: ignore[no-untyped-def]
    return [SigningKey(issuer_id=uuid.uuid4(), created_at=None, retired_at=None, **m) for m in key_material]


def test_issuer_gets_one_ed25519_and_one_rsa_3072_key(key_material):
    ed, rsa = sorted(_rows(key_material), key=lambda k: k.algorithm)
    assert (ed.algorithm, rsa.algorithm) == (ED25519, RS256)
    assert isinstance(load_private_key(ed, SECRET), Ed25519PrivateKey)
    private = load_private_key(rsa, SECRET)
    assert isinstance(private, RSAPrivateKey) and private.key_size == 3072


def test_private_key_is_not_stored_in_clear(key_material):
    for key in _rows(key_material):
        assert b"PRIVATE KEY" not in key.private_encrypted
        assert len(key.private_encrypted) > 29  # version + salt + nonce + tag, then the key


def test_private_key_cannot_be_loaded_with_a_wrong_secret(key_material):
    for key in _rows(key_material):
        with pytest.raises(KeyUnlockError, match="secret key differs"):
            load_private_key(key, "another-secret")


def test_encrypted_key_moved_onto_another_key_row_does_not_decrypt(key_material):
    ed, rsa = sorted(_rows(key_material), key=lambda k: k.algorithm)
    rsa.private_encrypted = ed.private_encrypted
    with pytest.raises(KeyUnlockError):
        load_private_key(rsa, SECRET)


def test_each_encryption_uses_fresh_salt_and_nonce():
    der = b"0" * 48
    first = encrypt_private_key(der, key_id="k", algorithm=ED25519, secret_key=SECRET)
    second = encrypt_private_key(der, key_id="k", algorithm=ED25519, secret_key=SECRET)
    assert first[:29] != second[:29]


def test_empty_secret_is_refused():
    with pytest.raises(ValueError):
        encrypt_private_key(b"x", key_id="k", algorithm=ED25519, secret_key="")


def test_multikey_is_z_base58btc_of_the_ed25519_multicodec_and_the_raw_key(key_material):
    ed = next(k for k in _rows(key_material) if k.algorithm == ED25519)
    multikey = public_multikey(ed)
    assert multikey.startswith("z6Mk")  # what every Ed25519 Multikey starts with
    raw = load_private_key(ed, SECRET).public_key().public_bytes_raw()
    assert b58btc_decode(multikey[1:]) == b"\xed\x01" + raw
    assert ed25519_from_multikey(multikey) == raw
    Ed25519PublicKey.from_public_bytes(ed25519_from_multikey(ed25519_multikey(raw)))


@pytest.mark.parametrize(
    ("data", "text"),
    [(b"", ""), (b"\0\0\x01", "112"), (b"Hello World!", "2NEpo7TZRRrLZSi2U")],
)
def test_base58btc_matches_known_values(data, text):
    assert b58btc_encode(data) == text
    assert b58btc_decode(text) == data


def test_overlong_base58_value_is_refused_before_decoding():
    # Decoding is quadratic in the length; a hostile document must not buy seconds of CPU.
    with pytest.raises(MultibaseError, match="longer"):
        b58btc_decode("2" * 100_000)


def test_base58_value_with_a_trailing_blank_is_refused():
    with pytest.raises(MultibaseError):
        b58btc_decode("2NEpo7TZRRrLZSi2U ")


def test_base58_value_with_a_character_outside_the_alphabet_is_refused():
    with pytest.raises(MultibaseError):
        b58btc_decode("2NEpo7TZRRrLZSi20")


def test_active_key_is_the_newest_unretired_one(key_material, now):
    old, new = _rows(key_material)[0], _rows(key_material)[0]
    old.created_at, new.created_at = now, now.replace(year=now.year + 1)
    assert pick_active([old, new], old.algorithm) is new
    new.retired_at = now
    assert pick_active([old, new], old.algorithm) is old
    old.retired_at = now
    with pytest.raises(NoActiveKeyError):
        pick_active([old, new], old.algorithm)


async def test_rotation_retires_the_keys_and_adds_new_ones(issuing: Issuing, now):
    async with issuing.db.sessionmaker.begin() as session:
        fresh = await rotate_keys(session, issuing.world.issuer.id, SECRET, now)
    async with issuing.db.sessionmaker() as session:
        keys = (await session.scalars(select(SigningKey))).all()
    assert len(keys) == 4
    assert {k.id for k in keys if k.retired_at is None} == {k.id for k in fresh}
    assert sorted(k.algorithm for k in fresh) == [ED25519, RS256]


async def test_awards_signed_before_rotation_still_verify(issuing: Issuing, now):
    before = await issuing.award(ob2_signed=True)
    async with issuing.db.sessionmaker.begin() as session:
        await rotate_keys(session, issuing.world.issuer.id, SECRET, now)
    after = await issuing.award(ob2_signed=True)
    old, new = await issuing.load(before), await issuing.load(after)
    assert old.ob3_credential and new.ob3_credential
    assert _method(old.ob3_credential) != _method(new.ob3_credential)
    for award_id in (before, after):
        report = await issuing.verify(await issuing.png(award_id))
        assert report.ok, report.problems


def _method(credential: str) -> str:
    return json.loads(credential)["proof"][0]["verificationMethod"]
