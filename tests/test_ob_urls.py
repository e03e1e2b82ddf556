"""Public URLs: built from PUBLIC_URL, did:web derived from it, and every URL read back to what it names."""

from __future__ import annotations

import uuid

import pytest

from claims.openbadges.urls import BadgeUrls, Kind, Target, did_web_base_url, did_web_document_url

ID = uuid.UUID("6f1c2a9e-3b7d-4c1e-9a55-0d8e2f4b7c10")


@pytest.mark.parametrize(
    ("public_url", "did", "document"),
    [
        ("https://badges.example.org", "did:web:badges.example.org", "https://badges.example.org/.well-known/did.json"),
        ("https://ex.org/", "did:web:ex.org", "https://ex.org/.well-known/did.json"),
        ("http://127.0.0.1:8080", "did:web:127.0.0.1%3A8080", "http://127.0.0.1:8080/.well-known/did.json"),
        ("https://ex.org/canope/badges", "did:web:ex.org:canope:badges", "https://ex.org/canope/badges/did.json"),
    ],
)
def test_did_web_of_public_url_and_its_document_location(public_url, did, document):
    urls = BadgeUrls(public_url)
    assert urls.did == did
    assert urls.did_document == document
    assert urls.verification_method("ed25519-ab12") == f"{did}#ed25519-ab12"
    assert did_web_document_url(did).replace("http://", "https://") == document.replace("http://", "https://")


def test_every_url_names_its_kind_and_id():
    urls = BadgeUrls("https://ex.org/badges")
    built = {
        Kind.OB2_ISSUER: urls.issuer(ID),
        Kind.OB2_ISSUER_IMAGE: urls.issuer_image(ID),
        Kind.OB2_BADGE: urls.badge(ID),
        Kind.OB2_BADGE_IMAGE: urls.badge_image(ID),
        Kind.OB2_ASSERTION: urls.assertion(ID),
        Kind.OB2_REVOCATIONS: urls.ob2_revocations(ID),
        Kind.OB3_CREDENTIAL: urls.credential(ID),
        Kind.OB3_STATUS: urls.status_list(ID),
        Kind.AWARD_PAGE: urls.award_page(ID),
        Kind.AWARD_PNG: urls.award_image(ID, "image/png"),
        Kind.AWARD_SVG: urls.award_image(ID, "image/svg+xml"),
    }
    assert set(built) | {Kind.OB2_KEY, Kind.OB3_KEY, Kind.DID_DOCUMENT} == set(Kind)
    for kind, url in built.items():
        assert url.startswith("https://ex.org/badges/")
        assert urls.parse(url) == Target(kind, ID)
        assert urls.parse(url.removeprefix("https://ex.org")) == Target(kind, ID)
    assert urls.parse(urls.ob2_key("rs256-0a1b")) == Target(Kind.OB2_KEY, "rs256-0a1b")
    assert urls.parse(urls.public_jwk("rs256-0a1b")) == Target(Kind.OB3_KEY, "rs256-0a1b")
    assert urls.parse(urls.did_document) == Target(Kind.DID_DOCUMENT, None)


def test_documented_paths():
    urls = BadgeUrls("https://ex.org")
    assert urls.assertion(ID) == f"https://ex.org/ob2/assertions/{ID}"
    assert urls.credential(ID) == f"https://ex.org/ob3/credentials/{ID}"
    assert urls.award_image(ID, "image/png") == f"https://ex.org/awards/{ID}/badge.png"
    assert urls.award_image(ID, "image/svg+xml") == f"https://ex.org/awards/{ID}/badge.svg"
    assert urls.status_list(ID) == f"https://ex.org/ob3/status/{ID}"
    assert urls.ob2_key("rs256-0a1b") == "https://ex.org/ob2/keys/rs256-0a1b"
    assert urls.public_jwk("rs256-0a1b") == "https://ex.org/ob3/keys/rs256-0a1b"


def test_baked_image_url_of_another_image_type_is_refused():
    with pytest.raises(ValueError):
        BadgeUrls("https://ex.org").award_image(ID, "image/gif")


@pytest.mark.parametrize(
    ("did", "base"),
    [("did:web:ex.org", "https://ex.org/"), ("did:web:ex.org%3A8443:canope:badges", "https://ex.org:8443/canope/badges/")],
)
def test_did_web_base_url_is_the_host_and_path_the_did_stands_for(did, base):
    assert did_web_base_url(did) == base


def test_fragment_and_https_form_of_an_http_public_url_are_ours():
    urls = BadgeUrls("http://127.0.0.1:8080")
    assert urls.parse(f"http://127.0.0.1:8080/ob3/status/{ID}#42") == Target(Kind.OB3_STATUS, ID)
    assert urls.parse(did_web_document_url(urls.did)) == Target(Kind.DID_DOCUMENT, None)


@pytest.mark.parametrize(
    "url",
    [
        f"https://other.example/ob2/assertions/{ID}",
        f"https://ex.org/elsewhere/ob2/assertions/{ID}",
        "https://ex.org/badges/ob2/assertions/not-a-uuid",
        f"https://ex.org/badges/ob2/assertions/{ID}/more",
        "https://ex.org/badges/ob2/keys/bad%20id",
        "https://ex.org/badges/.well-known/did.json",
        f"ftp://ex.org/badges/ob2/assertions/{ID}",
    ],
)
def test_urls_that_are_not_ours_name_nothing(url):
    assert BadgeUrls("https://ex.org/badges").parse(url) is None


@pytest.mark.parametrize(
    "bad", ["ex.org", "ftp://ex.org", "https://ex.org/?q=1", "https:///path", "https://u:p@ex.org"]
)
def test_unusable_public_url_is_refused(bad):
    with pytest.raises(ValueError):
        BadgeUrls(bad)


@pytest.mark.parametrize("bad", ["did:key:z6Mk", "did:web:", "did:web:ex.org#k", "did:web:ex.org::x"])
def test_not_a_did_web(bad):
    with pytest.raises(ValueError):
        did_web_document_url(bad)
