"""Issuer signing keys: generation, encryption at rest under the secret key, and picking the active one."""

from __future__ import annotations

import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from claims.openbadges.records import KeyFacts
from claims.openbadges.multibase import ed25519_multikey

ED25519 = "Ed25519"  # OB 3.0 Data Integrity proofs (eddsa-rdfc-2022)
RS256 = "RS256"  # OB 2.0 signed assertions and VC-JWT
ALGORITHMS = (ED25519, RS256)
RSA_BITS = 3072  # NIST SP 800-57: 3072 bits keeps 128-bit security past 2030, 2048 does not

PrivateKey = ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey
PublicKey = ed25519.Ed25519PublicKey | rsa.RSAPublicKey

# Stored form: version byte, HKDF salt, AES-GCM nonce, ciphertext with its tag.
_FORMAT = b"\x01"
_SALT_BYTES = 16
_NONCE_BYTES = 12
_HKDF_INFO = b"badgeclaim signing key v1"


class KeyUnlockError(Exception):
    """A private key could not be decrypted: the secret key is not the one it was encrypted under."""


class NoActiveKeyError(LookupError):
    """An issuer has no active key of the wanted algorithm (never initialised, or every key retired)."""


def _wrapping_key(secret_key: str, salt: bytes) -> bytes:
    if not secret_key:
        raise ValueError("the secret key must not be empty")
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_HKDF_INFO)
    return hkdf.derive(secret_key.encode("utf-8"))


def _aad(key_id: str, algorithm: str) -> bytes:
    # Binding the ciphertext to its row means a blob copied onto another key's row will not decrypt.
    return f"{key_id}\0{algorithm}".encode()


def encrypt_private_key(private_der: bytes, *, key_id: str, algorithm: str, secret_key: str) -> bytes:
    salt = os.urandom(_SALT_BYTES)
    nonce = os.urandom(_NONCE_BYTES)
    sealed = AESGCM(_wrapping_key(secret_key, salt)).encrypt(nonce, private_der, _aad(key_id, algorithm))
    return _FORMAT + salt + nonce + sealed


def _decrypt(key: KeyFacts, secret_key: str) -> bytes:
    blob = key.private_encrypted
    if not blob or blob[:1] != _FORMAT:
        raise KeyUnlockError(f"signing key {key.id}: unknown storage format")
    salt = blob[1 : 1 + _SALT_BYTES]
    nonce = blob[1 + _SALT_BYTES : 1 + _SALT_BYTES + _NONCE_BYTES]
    sealed = blob[1 + _SALT_BYTES + _NONCE_BYTES :]
    try:
        return AESGCM(_wrapping_key(secret_key, salt)).decrypt(nonce, sealed, _aad(key.id, key.algorithm))
    except InvalidTag:
        raise KeyUnlockError(
            f"cannot decrypt signing key {key.id}: the secret key differs from the one it was created with"
        ) from None


def load_private_key(key: KeyFacts, secret_key: str) -> PrivateKey:
    """Decrypt and load a key's private half; raises KeyUnlockError when ``secret_key`` is wrong."""
    der = _decrypt(key, secret_key)
    # AES-GCM has authenticated the bytes as ours, so the slow RSA consistency check (tens of ms per
    # load, on every signature) would only re-prove what the tag already proves.
    private = serialization.load_der_private_key(der, password=None, unsafe_skip_rsa_key_validation=True)
    expected = ed25519.Ed25519PrivateKey if key.algorithm == ED25519 else rsa.RSAPrivateKey
    if not isinstance(private, expected):
        raise KeyUnlockError(f"signing key {key.id} does not hold an {key.algorithm} key")
    return private


def load_ed25519_private_key(key: KeyFacts, secret_key: str) -> ed25519.Ed25519PrivateKey:
    private = load_private_key(key, secret_key)
    if not isinstance(private, ed25519.Ed25519PrivateKey):
        raise ValueError(f"signing key {key.id} is not Ed25519")
    return private


def load_rsa_private_key(key: KeyFacts, secret_key: str) -> rsa.RSAPrivateKey:
    private = load_private_key(key, secret_key)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ValueError(f"signing key {key.id} is not RSA")
    return private


def load_public_key(key: KeyFacts) -> PublicKey:
    public = serialization.load_pem_public_key(key.public_pem.encode("ascii"))
    if not isinstance(public, (ed25519.Ed25519PublicKey, rsa.RSAPublicKey)):
        raise ValueError(f"signing key {key.id}: unsupported public key type")
    return public


def public_multikey(key: KeyFacts) -> str:
    """The Ed25519 public key as a Multikey ``publicKeyMultibase``."""
    public = load_public_key(key)
    if not isinstance(public, ed25519.Ed25519PublicKey):
        raise ValueError(f"signing key {key.id} is not Ed25519")
    return ed25519_multikey(public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


@dataclass(frozen=True)
class NewKey:
    """A freshly generated key pair, its private half already sealed under the secret key."""

    id: str
    algorithm: str
    public_pem: str
    private_encrypted: bytes


def new_key(algorithm: str, secret_key: str) -> NewKey:
    private: PrivateKey
    if algorithm == ED25519:
        private = ed25519.Ed25519PrivateKey.generate()
    elif algorithm == RS256:
        private = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    else:
        raise ValueError(f"unknown algorithm {algorithm!r}")
    key_id = f"{algorithm.lower()}-{secrets.token_hex(8)}"
    der = private.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return NewKey(
        id=key_id,
        algorithm=algorithm,
        public_pem=public_pem.decode("ascii"),
        private_encrypted=encrypt_private_key(der, key_id=key_id, algorithm=algorithm, secret_key=secret_key),
    )


def pick_active(keys: Sequence[KeyFacts], algorithm: str) -> KeyFacts:
    """The newest unretired key of ``algorithm``; raises NoActiveKeyError when there is none."""
    active = [k for k in keys if k.algorithm == algorithm and k.retired_at is None]
    if not active:
        raise NoActiveKeyError(f"no active {algorithm} key")
    return max(active, key=lambda k: (k.created_at, k.id))
