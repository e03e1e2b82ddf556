"""OB 2.0 documents: every field the specification requires, with the right types; the JWS of signed badges."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from joserfc import jws
from joserfc.jwk import RSAKey

from claims.models import Award, BadgeClass, Issuer, SigningKey
from claims.openbadges import ob2
from claims.openbadges.keys import RS256, load_rsa_private_key
from claims.openbadges.urls import BadgeUrls
from ob_support import PUBLIC_URL, SECRET

ISSUED = datetime(2026, 6, 12, 10, 0, 0, 123456, tzinfo=timezone.utc)
URLS = BadgeUrls(PUBLIC_URL)
ISSUER = Issuer(id=uuid.UUID(int=1), name="Atelier Canopé", url="https://canope.example.org",
                email="badges@canope.example.org", image=b"\x89PNG...", image_mime="image/png")
BADGE = BadgeClass(id=uuid.UUID(int=2), issuer_id=ISSUER.id, name="Explorateur numérique",
                   description="A exploré les outils.", criteria="Participer à l'atelier.")


def award(**overrides: Any) -> Award:
    values = dict(id=uuid.UUID(int=3), badge_class_id=BADGE.id, recipient_email="camille@example.org",
                  recipient_salt="5f0c1e", status_index=17, issued_at=ISSUED, expires_at=None)
    return Award(**(values | overrides))


def is_iri(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://"))


def is_datetime_with_zone(value: Any) -> bool:
    return isinstance(value, str) and value.endswith("Z") and datetime.fromisoformat(value.replace("Z", "+00:00"))


# Required properties and their types, as the OB 2.0 specification lists them.
def check_assertion(doc: dict[str, Any]) -> None:
    assert doc["@context"] == "https://w3id.org/openbadges/v2"
    assert is_iri(doc["id"])
    assert doc["type"] == "Assertion"
    recipient = doc["recipient"]
    assert recipient["type"] in ("email", "url", "telephone", "id")
    assert isinstance(recipient["identity"], str) and recipient["hashed"] is True
    assert isinstance(recipient["salt"], str)
    assert is_iri(doc["badge"])
    assert doc["verification"]["type"] in ("hosted", "signed")
    assert is_datetime_with_zone(doc["issuedOn"])


def check_badge_class(doc: dict[str, Any]) -> None:
    assert is_iri(doc["id"]) and doc["type"] == "BadgeClass"
    assert isinstance(doc["name"], str) and isinstance(doc["description"], str)
    assert is_iri(doc["image"])
    assert isinstance(doc["criteria"], dict) and isinstance(doc["criteria"]["narrative"], str)
    assert is_iri(doc["issuer"])


def check_profile(doc: dict[str, Any]) -> None:
    assert is_iri(doc["id"]) and doc["type"] == "Issuer"
    assert isinstance(doc["name"], str) and is_iri(doc["url"])
    assert isinstance(doc["email"], str) and "@" in doc["email"]


def test_hosted_assertion_has_every_required_field():
    doc = ob2.assertion(award(), URLS)
    check_assertion(doc)
    assert doc["id"] == f"{PUBLIC_URL}/ob2/assertions/{uuid.UUID(int=3)}"
    assert doc["badge"] == f"{PUBLIC_URL}/ob2/badges/{uuid.UUID(int=2)}"
    assert doc["verification"] == {"type": "hosted"}
    assert doc["issuedOn"] == "2026-06-12T10:00:00Z"
    assert "expires" not in doc


def test_recipient_identity_is_the_salted_sha256_of_the_email():
    recipient = ob2.assertion(award(), URLS)["recipient"]
    assert recipient == {
        "type": "email",
        "hashed": True,
        "salt": "5f0c1e",
        "identity": "sha256$" + hashlib.sha256(b"camille@example.org5f0c1e").hexdigest(),
    }


def test_recipient_without_email_is_the_hashed_award_page_and_no_personal_data():
    recipient = ob2.assertion(award(recipient_email=None, telegram_user_id=123456789), URLS)["recipient"]
    page = f"{PUBLIC_URL}/awards/{uuid.UUID(int=3)}"
    assert recipient["type"] == "url" and recipient["hashed"] is True
    assert recipient["identity"] == "sha256$" + hashlib.sha256((page + "5f0c1e").encode()).hexdigest()
    assert "123456789" not in json.dumps(recipient)


def test_expiring_award_carries_expires():
    doc = ob2.assertion(award(expires_at=ISSUED + timedelta(days=30)), URLS)
    assert doc["expires"] == "2026-07-12T10:00:00Z"


def test_badge_class_has_every_required_field_and_criteria_as_an_object():
    doc = ob2.badge_class(BADGE, URLS)
    check_badge_class(doc)
    assert doc["criteria"] == {"narrative": "Participer à l'atelier."}
    assert doc["image"] == f"{PUBLIC_URL}/ob2/badges/{uuid.UUID(int=2)}/image"
    assert doc["issuer"] == f"{PUBLIC_URL}/ob2/issuers/{uuid.UUID(int=1)}"


def test_issuer_profile_has_every_required_field():
    doc = ob2.issuer_profile(ISSUER, URLS)
    check_profile(doc)
    assert doc["image"] == f"{PUBLIC_URL}/ob2/issuers/{uuid.UUID(int=1)}/image"
    assert "publicKey" not in doc and "revocationList" not in doc


def test_issuer_profile_names_its_keys_and_revocation_list_when_signing(key_material):
    rsa = SigningKey(issuer_id=ISSUER.id, **next(m for m in key_material if m["algorithm"] == RS256))
    doc = ob2.issuer_profile(ISSUER, URLS, signing_keys=[rsa])
    assert doc["publicKey"] == f"{PUBLIC_URL}/ob2/keys/{rsa.id}"
    assert doc["revocationList"] == f"{PUBLIC_URL}/ob2/revocations/{uuid.UUID(int=1)}"


def test_cryptographic_key_document(key_material):
    rsa = SigningKey(issuer_id=ISSUER.id, **next(m for m in key_material if m["algorithm"] == RS256))
    doc = ob2.cryptographic_key(rsa, URLS)
    assert doc["type"] == "CryptographicKey"
    assert doc["id"] == f"{PUBLIC_URL}/ob2/keys/{rsa.id}"
    assert doc["owner"] == f"{PUBLIC_URL}/ob2/issuers/{uuid.UUID(int=1)}"
    assert doc["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")


def test_revocation_list_and_revoked_body():
    revoked = award(revoked_at=ISSUED, revocation_reason="Erreur de saisie")
    listing = ob2.revocation_list(ISSUER, [revoked], URLS)
    assert listing["type"] == "RevocationList"
    assert listing["revokedAssertions"] == [
        {"id": f"{PUBLIC_URL}/ob2/assertions/{uuid.UUID(int=3)}", "revocationReason": "Erreur de saisie"}
    ]
    body = ob2.revoked_assertion(revoked, URLS)
    assert body["id"] == listing["revokedAssertions"][0]["id"]
    assert body["revoked"] is True and body["revocationReason"] == "Erreur de saisie"


@pytest.fixture
def signed_jws(key_material) -> tuple[str, RSAPublicKey, dict[str, Any]]:  # type: ignore[no-untyped-def]
    rsa = SigningKey(issuer_id=ISSUER.id, **next(m for m in key_material if m["algorithm"] == RS256))
    doc = ob2.assertion(award(), URLS, signing_key_id=rsa.id)
    token = ob2.sign_assertion(doc, load_rsa_private_key(rsa, SECRET))
    public = load_pem_public_key(ob2.cryptographic_key(rsa, URLS)["publicKeyPem"].encode())
    assert isinstance(public, RSAPublicKey)
    return token, public, doc


def _b64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_signed_assertion_names_its_key_as_creator(signed_jws):
    _, _, doc = signed_jws
    check_assertion(doc)
    assert doc["verification"]["type"] == "signed"
    assert doc["verification"]["creator"].startswith(f"{PUBLIC_URL}/ob2/keys/rs256-")


def test_jws_verifies_with_cryptography_against_the_published_pem(signed_jws):
    token, public, doc = signed_jws
    header, payload, signature = token.split(".")
    assert json.loads(_b64(header)) == {"alg": "RS256"}
    assert json.loads(_b64(payload)) == doc
    public.verify(_b64(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(), SHA256())


def test_jws_verifies_with_joserfc(signed_jws):
    token, public, doc = signed_jws
    verified = jws.deserialize_compact(token, RSAKey.import_key(public), algorithms=["RS256"])
    assert json.loads(verified.payload) == doc


def test_hosted_assertion_cannot_be_signed():
    with pytest.raises(ValueError):
        ob2.sign_assertion(ob2.assertion(award(), URLS), None)  # type: ignore[arg-type]
