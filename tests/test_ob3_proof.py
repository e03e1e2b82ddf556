"""OB 3.0 eddsa-rdfc-2022 proofs: the value matches an independent computation; any tampering breaks it."""

from __future__ import annotations

import copy
import hashlib
import json
import time
import uuid
from datetime import datetime, timedelta, timezone
from importlib import resources
from typing import Any, Callable

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld import jsonld

from claims.models import Award, BadgeClass, Issuer
from claims.openbadges import ob3
from claims.openbadges.canonical import CanonicalizationError, canonical_nquads, require_plain_terms
from claims.openbadges.dataintegrity import ProofError, add_proof, read_proofs, verify_proof
from claims.openbadges.urls import BadgeUrls

CREATED = datetime(2026, 6, 12, 10, 0, 7, tzinfo=timezone.utc)
SEED = bytes(range(32))
PUBLIC_URL = "https://badges.example.org"

# The test's own map of context URLs to the files openbadgeslib ships; our code is not used to load them.
_BUNDLED = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
}


def independent_loader(url: str, options: Any = None) -> dict[str, Any]:
    text = resources.files("openbadgeslib.ob3.contexts").joinpath(_BUNDLED[url]).read_text("utf-8")
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(text)}


def b58(data: bytes) -> str:
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    digits = [0]
    for byte in data:
        carry = byte
        for i in range(len(digits)):
            carry += digits[i] << 8
            digits[i], carry = carry % 58, carry // 58
        while carry:
            digits.append(carry % 58)
            carry //= 58
    leading = len(data) - len(data.lstrip(b"\0"))
    return "1" * leading + "".join(alphabet[d] for d in reversed(digits)).lstrip("1")


def independent_proof_value(document: dict[str, Any], proof_config: dict[str, Any], key: Ed25519PrivateKey) -> str:
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": independent_loader}
    config = dict(proof_config, **{"@context": document["@context"]})
    digest = (
        hashlib.sha256(jsonld.normalize(config, options).encode()).digest()
        + hashlib.sha256(jsonld.normalize(document, options).encode()).digest()
    )
    return "z" + b58(key.sign(digest))


def sample_credential(*, email: str | None = "camille@example.org", expires: bool = True) -> dict[str, Any]:
    issuer = Issuer(id=uuid.UUID(int=1), name="Atelier Canopé", url="https://canope.example.org",
                    email="badges@canope.example.org", image=None)
    badge = BadgeClass(id=uuid.UUID(int=2), issuer_id=issuer.id, name="Explorateur numérique",
                       description="A exploré les outils.", criteria="Participer à l'atelier.")
    award = Award(id=uuid.UUID(int=3), badge_class_id=badge.id, recipient_email=email, recipient_salt="sel-fixe",
                  status_index=4242, issued_at=CREATED,
                  expires_at=CREATED + timedelta(days=365) if expires else None)
    return ob3.credential(award, badge, issuer, BadgeUrls(PUBLIC_URL))


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(SEED)


@pytest.fixture
def signed(key: Ed25519PrivateKey) -> dict[str, Any]:
    urls = BadgeUrls(PUBLIC_URL)
    method = urls.verification_method("ed25519-k1")
    return add_proof(sample_credential(), key, verification_method=method, created=CREATED)


def test_proof_value_equals_an_independent_pyld_computation(key, signed):
    [proof] = signed["proof"]
    config = {k: v for k, v in proof.items() if k != "proofValue"}
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    assert proof["proofValue"] == independent_proof_value(unsigned, config, key)


def test_proof_value_is_deterministic_for_a_fixed_key_document_and_time(key, signed):
    urls = BadgeUrls(PUBLIC_URL)
    method = urls.verification_method("ed25519-k1")
    again = add_proof(sample_credential(), key, verification_method=method, created=CREATED)
    assert again == signed


def test_proof_is_an_array_of_one_as_the_ob3_schema_types_it(signed):
    assert isinstance(signed["proof"], list) and len(signed["proof"]) == 1


def test_proof_carries_the_data_integrity_fields(signed):
    [proof] = signed["proof"]
    assert proof["type"] == "DataIntegrityProof"
    assert proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["created"] == "2026-06-12T10:00:07Z"
    assert proof["verificationMethod"] == "did:web:badges.example.org#ed25519-k1"
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["proofValue"].startswith("z")


def test_untouched_credential_verifies(key, signed):
    verify_proof(signed, key.public_key())


def test_proof_given_as_a_single_object_verifies(key, signed):
    # Data Integrity allows a bare object too, and other issuers write one.
    verify_proof({**signed, "proof": signed["proof"][0]}, key.public_key())


def test_empty_proof_array_is_refused(key, signed):
    with pytest.raises(ProofError, match="empty"):
        read_proofs({**signed, "proof": []})


def test_proof_set_with_a_member_of_another_kind_is_refused(signed):
    # Every proof must be checkable: one we cannot check is not skipped.
    foreign = {"type": "Ed25519Signature2020", "created": "2026-06-12T10:00:07Z",
               "verificationMethod": "did:web:badges.example.org#k", "proofPurpose": "assertionMethod",
               "proofValue": "z111"}
    with pytest.raises(ProofError, match="unsupported proof"):
        read_proofs({**signed, "proof": [*signed["proof"], foreign]})


def test_proof_set_of_two_is_read_as_two_proofs(key, signed):
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    later = add_proof(unsigned, key, verification_method="did:web:badges.example.org#ed25519-k1",
                      created=CREATED + timedelta(seconds=1))
    proofs = read_proofs({**signed, "proof": [*signed["proof"], *later["proof"]]})
    assert [p.created for p in proofs] == [CREATED, CREATED + timedelta(seconds=1)]


def test_a_proof_chain_is_refused(signed):
    chained = {**signed["proof"][0], "previousProof": "urn:uuid:1"}
    with pytest.raises(ProofError, match="chain"):
        read_proofs({**signed, "proof": [chained]})


def test_another_key_does_not_verify(signed):
    with pytest.raises(ProofError):
        verify_proof(signed, Ed25519PrivateKey.generate().public_key())


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(document: dict[str, Any]) -> None:
        target = document
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return mutate


def _drop(path: tuple[Any, ...]) -> Callable[[dict[str, Any]], None]:
    def mutate(document: dict[str, Any]) -> None:
        target = document
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return mutate


TAMPERINGS = {
    "name": _set(("name",), "Badge contrefait"),
    "credential id": _set(("id",), "https://badges.example.org/ob3/credentials/00000000-0000-0000-0000-000000000009"),
    "issuer id": _set(("issuer", "id"), "did:web:evil.example"),
    "issuer name": _set(("issuer", "name"), "Autre émetteur"),
    "issuer email": _set(("issuer", "email"), "evil@example.org"),
    "validFrom": _set(("validFrom",), "2020-01-01T00:00:00Z"),
    "validUntil": _set(("validUntil",), "2099-01-01T00:00:00Z"),
    "validUntil removed": _drop(("validUntil",)),
    "subject identity": _set(("credentialSubject", "identifier", 0, "identityHash"), "sha256$" + "0" * 64),
    "subject salt": _set(("credentialSubject", "identifier", 0, "salt"), "autre-sel"),
    "achievement name": _set(("credentialSubject", "achievement", "name"), "Expert"),
    "achievement criteria": _set(("credentialSubject", "achievement", "criteria", "narrative"), "Rien."),
    "achievement image": _set(("credentialSubject", "achievement", "image", "id"), "https://evil.example/i.png"),
    "status index": _set(("credentialStatus", "statusListIndex"), "7"),
    "status list": _set(("credentialStatus", "statusListCredential"), "https://evil.example/status"),
    "status removed": _drop(("credentialStatus",)),
    "type": _set(("type",), ["VerifiableCredential"]),
    "extra member": _set(("description",), "ajouté"),
    "proof created": _set(("proof", 0, "created"), "2026-06-12T10:00:08Z"),
    "proof purpose": _set(("proof", 0, "proofPurpose"), "authentication"),
    "proof method": _set(("proof", 0, "verificationMethod"), "did:web:badges.example.org#other"),
    "proof value": _set(("proof", 0, "proofValue"), "z" + "1" * 88),
}


@pytest.mark.parametrize("tampering", list(TAMPERINGS), ids=list(TAMPERINGS))
def test_tampering_with_any_field_breaks_the_proof(key, signed, tampering):
    document = copy.deepcopy(signed)
    TAMPERINGS[tampering](document)
    with pytest.raises(ProofError):
        verify_proof(document, key.public_key())


def test_credential_has_the_exact_ob3_context_and_types():
    document = sample_credential()
    assert document["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["id"] == f"{PUBLIC_URL}/ob3/credentials/{uuid.UUID(int=3)}"
    assert document["issuer"]["id"] == "did:web:badges.example.org"
    assert document["issuer"]["type"] == ["Profile"]
    assert document["validFrom"] == "2026-06-12T10:00:07Z"
    assert document["validUntil"] == "2027-06-12T10:00:07Z"


def test_credential_subject_carries_a_salted_email_hash_and_the_achievement():
    subject = sample_credential()["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    [identity] = subject["identifier"]
    expected = "sha256$" + hashlib.sha256(b"camille@example.orgsel-fixe").hexdigest()
    assert identity == {"type": "IdentityObject", "identityHash": expected, "identityType": "emailAddress",
                        "hashed": True, "salt": "sel-fixe"}
    achievement = subject["achievement"]
    assert achievement["id"] == f"{PUBLIC_URL}/ob2/badges/{uuid.UUID(int=2)}"
    assert achievement["type"] == ["Achievement"]
    assert achievement["criteria"] == {"narrative": "Participer à l'atelier."}
    assert achievement["image"] == {"id": f"{PUBLIC_URL}/ob2/badges/{uuid.UUID(int=2)}/image", "type": "Image"}


def test_credential_without_email_hashes_the_award_page_and_names_no_person():
    [identity] = sample_credential(email=None)["credentialSubject"]["identifier"]
    page = f"{PUBLIC_URL}/awards/{uuid.UUID(int=3)}"
    assert identity["identityHash"] == "sha256$" + hashlib.sha256((page + "sel-fixe").encode()).hexdigest()
    assert identity["identityType"] == "identifier"


def test_credential_without_expiry_has_no_valid_until():
    assert "validUntil" not in sample_credential(expires=False)


def test_credential_status_is_a_bitstring_status_list_entry():
    status = sample_credential()["credentialStatus"]
    list_url = f"{PUBLIC_URL}/ob3/status/{uuid.UUID(int=1)}"
    assert status == {"id": f"{list_url}#4242", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
                      "statusListIndex": "4242", "statusListCredential": list_url}


def test_unpinned_context_is_refused_without_any_network_access():
    document = {"@context": ["https://example.org/my-context"], "name": "x"}
    with pytest.raises(CanonicalizationError, match="not pinned"):
        canonical_nquads(document)


def test_indistinguishable_blank_nodes_are_refused_quickly():
    # A clique of identical blank nodes: factorial work for RDFC-1.0, refused before it starts.
    nodes = [f"_:b{i}" for i in range(12)]
    graph = [{"@id": n, "https://ex.org/knows": [{"@id": m} for m in nodes if m != n]} for n in nodes]
    started = time.perf_counter()
    with pytest.raises(CanonicalizationError, match="indistinguishable"):
        canonical_nquads({"@context": ["https://www.w3.org/ns/credentials/v2"], "@graph": graph})
    assert time.perf_counter() - started < 5


def test_oversized_document_is_refused_before_canonicalisation():
    with pytest.raises(CanonicalizationError, match="limit"):
        canonical_nquads({"@context": ["https://www.w3.org/ns/credentials/v2"], "name": "x" * 70_000})


@pytest.mark.parametrize(
    "member",
    [
        {"validUntil": {"@value": "2099-01-01T00:00:00Z"}},
        {"https://www.w3.org/2018/credentials#validUntil": "2099-01-01T00:00:00Z"},
        {"cred:validUntil": "2099-01-01T00:00:00Z"},
    ],
    ids=["keyword", "full IRI", "compact IRI"],
)
def test_json_spelled_other_than_by_plain_terms_is_refused(member):
    # The same RDF can be spelled so that a JSON reader misses it; such documents are refused.
    document = {**sample_credential(), **member}
    with pytest.raises(CanonicalizationError):
        require_plain_terms(document)


def test_our_credentials_use_plain_terms_only(signed):
    require_plain_terms(signed)


def _leaves(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() if key != "@context" for leaf in _leaves(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _leaves(item)]
    return [str(value).lower() if isinstance(value, bool) else str(value)]


@pytest.mark.parametrize("email", ["camille@example.org", None])
def test_every_value_of_the_credential_is_covered_by_the_signature(email):
    # JSON-LD silently drops a member whose term no context defines, and a dropped member is not signed:
    # every value must reach the canonical N-Quads (computed here without our code).
    credential = sample_credential(email=email)
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": independent_loader}
    nquads = jsonld.normalize(credential, options)
    missing = [leaf for leaf in _leaves(credential) if leaf not in nquads and f'"{leaf}"' not in nquads]
    # Types appear expanded to IRIs; check them by their last segment.
    missing = [leaf for leaf in missing if not any(line.endswith(f"#{leaf}> .") or f"#{leaf}>" in line or
                                                   f"/{leaf}>" in line for line in nquads.splitlines())]
    assert not missing
