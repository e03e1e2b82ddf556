"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa §3.3): adding one, checking one."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from claims.openbadges.canonical import CanonicalizationError, canonical_nquads
from claims.openbadges.multibase import MultibaseError, from_multibase_b58, multibase_b58
from claims.openbadges.timestamps import iso_utc, parse_iso_utc

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
ASSERTION_METHOD = "assertionMethod"


class ProofError(ValueError):
    """A proof is missing, malformed, or does not verify."""


@dataclass(frozen=True)
class Proof:
    verification_method: str
    created: datetime
    proof_purpose: str


def hash_data(document: Mapping[str, Any], proof_config: Mapping[str, Any]) -> bytes:
    """SHA-256 of the canonical proof configuration, then of the canonical document (§3.3.4 Hashing)."""
    # The proof configuration is canonicalised under the document's contexts (§3.3.5 step 2).
    config = {"@context": document["@context"], **proof_config}
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return (
        hashlib.sha256(canonical_nquads(config).encode("utf-8")).digest()
        + hashlib.sha256(canonical_nquads(unsecured).encode("utf-8")).digest()
    )


def add_proof(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    *,
    verification_method: str,
    created: datetime,
    proof_purpose: str = ASSERTION_METHOD,
) -> dict[str, Any]:
    """A copy of ``document`` carrying an embedded eddsa-rdfc-2022 proof."""
    if "proof" in document:
        raise ProofError("document already carries a proof")
    config = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": iso_utc(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    signature = private_key.sign(hash_data(document, config))
    return {**document, "proof": {**config, "proofValue": multibase_b58(signature)}}


def read_proof(document: Mapping[str, Any]) -> Proof:
    """The proof's claims, checked for shape but not yet for signature."""
    proof = document.get("proof")
    if not isinstance(proof, dict):
        raise ProofError("no single embedded proof")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"unsupported proof {proof.get('type')!r}/{proof.get('cryptosuite')!r}")
    method, purpose = proof.get("verificationMethod"), proof.get("proofPurpose")
    if not isinstance(method, str) or not isinstance(purpose, str):
        raise ProofError("proof lacks verificationMethod or proofPurpose")
    if "@context" in proof:
        raise ProofError("a proof with its own @context is not supported")
    try:
        created = parse_iso_utc(proof.get("created"))
    except ValueError as exc:
        raise ProofError(f"proof created: {exc}") from None
    return Proof(verification_method=method, created=created, proof_purpose=purpose)


def verify_proof(document: Mapping[str, Any], public_key: Ed25519PublicKey) -> Proof:
    """Check the embedded proof over the whole document; raises ProofError on any mismatch."""
    claims = read_proof(document)
    proof = document["proof"]
    try:
        signature = from_multibase_b58(proof.get("proofValue"))
    except MultibaseError as exc:
        raise ProofError(f"proofValue: {exc}") from None
    if len(signature) != 64:
        raise ProofError("proofValue is not an Ed25519 signature")
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    try:
        digest = hash_data(document, config)
    except CanonicalizationError as exc:
        raise ProofError(f"cannot canonicalise: {exc}") from None
    try:
        public_key.verify(signature, digest)
    except InvalidSignature:
        raise ProofError("the proof does not match the document") from None
    return claims
