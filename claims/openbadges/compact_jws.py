"""Compact JWS with RS256, as OB 2.0 signed assertions and OB 3.0 VC-JWT use it."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

ALGORITHM = "RS256"


class JwsError(ValueError):
    """Not a compact JWS we accept, or its signature does not verify."""


def sign_rs256(payload: Mapping[str, Any], private_key: RSAPrivateKey, **header: str) -> str:
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return jws.serialize_compact({**header, "alg": ALGORITHM}, body, RSAKey.import_key(private_key), [ALGORITHM])


def _b64url_json(part: str) -> Any:
    try:
        return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    except (ValueError, UnicodeDecodeError):
        raise JwsError("a JWS part is not base64url JSON") from None


def read_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and payload, unchecked: only to learn which key to fetch. Never trust them before ``verify_rs256``."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts):
        raise JwsError("not a compact JWS")
    header, payload = _b64url_json(parts[0]), _b64url_json(parts[1])
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise JwsError("JWS header and payload must be JSON objects")
    return header, payload


def verify_rs256(token: str, public_key: RSAPublicKey) -> dict[str, Any]:
    """The payload of a JWS whose RS256 signature verifies with ``public_key``; raises JwsError otherwise."""
    header, _ = read_unverified(token)
    # Pinning the algorithm keeps a token from choosing a weaker one (or "none") for itself.
    if header.get("alg") != ALGORITHM:
        raise JwsError(f"JWS algorithm {header.get('alg')!r} is not {ALGORITHM}")
    try:
        verified = jws.deserialize_compact(token.strip(), RSAKey.import_key(public_key), [ALGORITHM])
    except JoseError as exc:
        raise JwsError(f"JWS signature does not verify ({exc.error})") from None
    payload = json.loads(verified.payload)
    if not isinstance(payload, dict):
        raise JwsError("JWS payload is not a JSON object")
    return payload
