"""What the core needs to know of the deployment to issue awards, built once from settings at the edge."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IssuingContext:
    public_url: str  # no trailing slash; every OB id is built on it
    secret_key: str  # decrypts the issuer's private keys
    ob2_signed: bool = False  # OB 2.0 signed (JWS) verification instead of hosted
