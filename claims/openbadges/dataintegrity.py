"""Data Integrity proofs with the eddsa-rdfc-2022 cryptosuite (W3C vc-di-eddsa §3.3): adding one, checking each."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
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
    """One embedded proof, checked for shape: its claims, the configuration it signed, its signature."""

    verification_method: str
    created: datetime
    proof_purpose: str
    config: Mapping[str, Any] = field(repr=False, compare=False)  # every member but proofValue
    value: Any = field(repr=False, compare=False)  # proofValue, decoded only when verifying


def hash_data(document: Mapping[str, Any], proof_config: Mapping[str, Any], *, signing: bool = False) -> bytes:
    """SHA-256 of the canonical proof configuration, then of the canonical document (§3.3.4 Hashing)."""
    # The proof configuration is canonicalised under the document's contexts (§3.3.5 step 2).
    config = {"@context": document["@context"], **proof_config}
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return (
        hashlib.sha256(canonical_nquads(config, reuse_expansion=signing).encode("utf-8")).digest()
        + hashlib.sha256(canonical_nquads(unsecured, reuse_expansion=signing).encode("utf-8")).digest()
    )


def add_proof(
    document: Mapping[str, Any],
    private_key: Ed25519PrivateKey,
    *,
    verification_method: str,
    created: datetime,
    proof_purpose: str = ASSERTION_METHOD,
) -> dict[str, Any]:
    """A copy of ``document`` carrying an embedded eddsa-rdfc-2022 proof, as an array of one.

    An array because the 1EdTech OB 3.0 JSON Schema types ``proof`` as one; Data Integrity reads an
    array as a proof set, and a set of one is the same proof.
    """
    if "proof" in document:
        raise ProofError("document already carries a proof")
    config = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": iso_utc(created),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    signature = private_key.sign(hash_data(document, config, signing=True))
    return {**document, "proof": [{**config, "proofValue": multibase_b58(signature)}]}


def _shape(proof: Any) -> Proof:
    if not isinstance(proof, dict):
        raise ProofError("a proof is not a JSON object")
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(f"unsupported proof {proof.get('type')!r}/{proof.get('cryptosuite')!r}")
    method, purpose = proof.get("verificationMethod"), proof.get("proofPurpose")
    if not isinstance(method, str) or not isinstance(purpose, str):
        raise ProofError("proof lacks verificationMethod or proofPurpose")
    if "@context" in proof:
        raise ProofError("a proof with its own @context is not supported")
    # A proof chain signs the document with the earlier proofs in it; we only check proof sets.
    if "previousProof" in proof:
        raise ProofError("proof chains (previousProof) are not supported")
    try:
        created = parse_iso_utc(proof.get("created"))
    except ValueError as exc:
        raise ProofError(f"proof created: {exc}") from None
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    return Proof(method, created, purpose, config, proof.get("proofValue"))


def read_proofs(document: Mapping[str, Any]) -> list[Proof]:
    """Every embedded proof (an object, or an array of them), checked for shape but not yet for signature.

    The document is only as trustworthy as its weakest proof, so each one must be a proof we can check:
    an empty array, a member that is not an eddsa-rdfc-2022 DataIntegrityProof, or a proof chain is
    refused, never skipped.
    """
    raw = document.get("proof")
    if isinstance(raw, list):
        if not raw:
            raise ProofError("the proof array is empty")
        return [_shape(proof) for proof in raw]
    if raw is None:
        raise ProofError("no embedded proof")
    return [_shape(raw)]


def read_proof(document: Mapping[str, Any]) -> Proof:
    """The document's one proof (an object, or an array of one); several are refused here."""
    proofs = read_proofs(document)
    if len(proofs) != 1:
        raise ProofError(f"expected one proof, found {len(proofs)}")
    return proofs[0]


def check_proof(document: Mapping[str, Any], proof: Proof, public_key: Ed25519PublicKey) -> None:
    """Check one of the document's proofs over the whole document; raises ProofError on any mismatch.

    Each proof of a set signs the document without any proof (vc-data-integrity, proof sets).
    """
    try:
        signature = from_multibase_b58(proof.value)
    except MultibaseError as exc:
        raise ProofError(f"proofValue: {exc}") from None
    if len(signature) != 64:
        raise ProofError("proofValue is not an Ed25519 signature")
    try:
        digest = hash_data(document, proof.config)
    except CanonicalizationError as exc:
        raise ProofError(f"cannot canonicalise: {exc}") from None
    try:
        public_key.verify(signature, digest)
    except InvalidSignature:
        raise ProofError("the proof does not match the document") from None


def verify_proof(document: Mapping[str, Any], public_key: Ed25519PublicKey) -> Proof:
    """Check the document's one embedded proof; raises ProofError on any mismatch."""
    proof = read_proof(document)
    check_proof(document, proof, public_key)
    return proof
