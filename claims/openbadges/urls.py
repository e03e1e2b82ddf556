"""Every public URL of the Open Badges documents, built from PUBLIC_URL, and the way back from a URL to its target."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote, unquote, urlsplit

# Key ids travel in URL paths and DID fragments, so they are kept to URL-safe characters.
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class Kind(StrEnum):
    """What one of our public URLs names."""

    OB2_ISSUER = "ob2_issuer"
    OB2_ISSUER_IMAGE = "ob2_issuer_image"
    OB2_BADGE = "ob2_badge"
    OB2_BADGE_IMAGE = "ob2_badge_image"
    OB2_ASSERTION = "ob2_assertion"
    OB2_KEY = "ob2_key"
    OB2_REVOCATIONS = "ob2_revocations"
    OB3_CREDENTIAL = "ob3_credential"
    OB3_STATUS = "ob3_status"
    AWARD_PAGE = "award_page"
    AWARD_PNG = "award_png"
    DID_DOCUMENT = "did_document"


# Path templates below the public root; "{}" stands for one id segment.
_ROUTES: tuple[tuple[Kind, str], ...] = (
    (Kind.OB2_ISSUER, "ob2/issuers/{}"),
    (Kind.OB2_ISSUER_IMAGE, "ob2/issuers/{}/image"),
    (Kind.OB2_BADGE, "ob2/badges/{}"),
    (Kind.OB2_BADGE_IMAGE, "ob2/badges/{}/image"),
    (Kind.OB2_ASSERTION, "ob2/assertions/{}"),
    (Kind.OB2_KEY, "ob2/keys/{}"),
    (Kind.OB2_REVOCATIONS, "ob2/revocations/{}"),
    (Kind.OB3_CREDENTIAL, "ob3/credentials/{}"),
    (Kind.OB3_STATUS, "ob3/status/{}"),
    (Kind.AWARD_PAGE, "awards/{}"),
    (Kind.AWARD_PNG, "awards/{}/badge.png"),
)
_PATTERNS = tuple((kind, re.compile("^" + re.escape(t).replace(r"\{\}", "([^/]+)") + "$")) for kind, t in _ROUTES)


@dataclass(frozen=True)
class Target:
    """The document a URL names: its kind and its id (a UUID, or a key id for OB 2.0 keys, None for did.json)."""

    kind: Kind
    id: uuid.UUID | str | None

    @property
    def uuid(self) -> uuid.UUID:
        if not isinstance(self.id, uuid.UUID):
            raise TypeError(f"{self.kind} is not named by a UUID")
        return self.id

    @property
    def key_id(self) -> str:
        if not isinstance(self.id, str):
            raise TypeError(f"{self.kind} is not named by a key id")
        return self.id


class BadgeUrls:
    """Builds the URLs third parties dereference; ids in documents are these URLs, so they must never change."""

    def __init__(self, public_url: str) -> None:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"PUBLIC_URL must be an absolute http(s) URL, got {public_url!r}")
        if parts.query or parts.fragment or parts.username is not None:
            raise ValueError(f"PUBLIC_URL must not carry credentials, a query or a fragment, got {public_url!r}")
        self.root = public_url.rstrip("/")
        self._netloc = parts.netloc.lower()
        self._prefix = parts.path.rstrip("/")

    def _url(self, template: str, ident: object) -> str:
        return f"{self.root}/" + template.format(quote(str(ident), safe=""))

    def issuer(self, issuer_id: uuid.UUID) -> str:
        return self._url("ob2/issuers/{}", issuer_id)

    def issuer_image(self, issuer_id: uuid.UUID) -> str:
        return self._url("ob2/issuers/{}/image", issuer_id)

    def badge(self, badge_id: uuid.UUID) -> str:
        return self._url("ob2/badges/{}", badge_id)

    def badge_image(self, badge_id: uuid.UUID) -> str:
        return self._url("ob2/badges/{}/image", badge_id)

    def assertion(self, award_id: uuid.UUID) -> str:
        return self._url("ob2/assertions/{}", award_id)

    def ob2_key(self, key_id: str) -> str:
        return self._url("ob2/keys/{}", key_id)

    def ob2_revocations(self, issuer_id: uuid.UUID) -> str:
        return self._url("ob2/revocations/{}", issuer_id)

    def credential(self, award_id: uuid.UUID) -> str:
        return self._url("ob3/credentials/{}", award_id)

    def status_list(self, issuer_id: uuid.UUID) -> str:
        return self._url("ob3/status/{}", issuer_id)

    def award_page(self, award_id: uuid.UUID) -> str:
        return self._url("awards/{}", award_id)

    def award_png(self, award_id: uuid.UUID) -> str:
        return self._url("awards/{}/badge.png", award_id)

    @property
    def did(self) -> str:
        """did:web of PUBLIC_URL: the port's colon is percent-encoded, path segments become colons."""
        host = self._netloc.replace(":", "%3A")
        segments = [quote(unquote(s), safe="") for s in self._prefix.split("/") if s]
        return ":".join(["did", "web", host, *segments])

    @property
    def did_document(self) -> str:
        # did:web: a bare host publishes under /.well-known, a host with a path directly under the path.
        return f"{self.root}/did.json" if self._prefix else f"{self.root}/.well-known/did.json"

    def verification_method(self, key_id: str) -> str:
        return f"{self.did}#{key_id}"

    def parse(self, url_or_path: str) -> Target | None:
        """What one of our URLs names, or None when it is not ours.

        An absolute URL must be on our host and under our path; http and https are both accepted because
        did:web always resolves over https, even for a development PUBLIC_URL on http. A bare path may be
        given with or without the PUBLIC_URL path prefix.
        """
        parts = urlsplit(url_or_path)
        if parts.scheme or parts.netloc:
            if parts.scheme not in ("http", "https") or parts.netloc.lower() != self._netloc:
                return None
            if not _under(parts.path, self._prefix):
                return None
            path = parts.path[len(self._prefix) :]
        else:
            path = parts.path[len(self._prefix) :] if _under(parts.path, self._prefix) else parts.path
        if path == ("/did.json" if self._prefix else "/.well-known/did.json"):
            return Target(Kind.DID_DOCUMENT, None)
        return _match(path)


def _under(path: str, prefix: str) -> bool:
    return not prefix or path == prefix or path.startswith(prefix + "/")


def _match(path: str) -> Target | None:
    relative = path.lstrip("/")
    for kind, pattern in _PATTERNS:
        found = pattern.match(relative)
        if not found:
            continue
        raw = unquote(found.group(1))
        if kind is Kind.OB2_KEY:
            return Target(kind, raw) if _KEY_ID.match(raw) else None
        try:
            return Target(kind, uuid.UUID(raw))
        except ValueError:
            return None
    return None


def is_key_id(value: str) -> bool:
    return bool(_KEY_ID.match(value))


def did_web_document_url(did: str) -> str:
    """Where a did:web DID's document lives (did:web spec §3.2: https, %3A is the port colon)."""
    if not did.startswith("did:web:") or "#" in did or "?" in did:
        raise ValueError(f"not a did:web DID: {did!r}")
    host, *segments = did[len("did:web:") :].split(":")
    host = unquote(host)
    if not host or "/" in host or any(not s for s in segments):
        raise ValueError(f"not a did:web DID: {did!r}")
    path = "/".join(unquote(s) for s in segments)
    return f"https://{host}/{path}/did.json" if path else f"https://{host}/.well-known/did.json"


_ROOTED = tuple(re.compile("^(.*)/" + re.escape(t).replace(r"\{\}", "[^/]+") + "$") for _, t in _ROUTES)


def public_root_of(url: str) -> str | None:
    """The PUBLIC_URL a URL of ours was built on (scheme, host and path prefix), read off the URL itself,
    or None when its path is none of our routes. Lets a verifier recognise badges issued under an earlier
    or another PUBLIC_URL of the same installation."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    path = parts.path
    if path.endswith("/.well-known/did.json"):
        prefix: str | None = path[: -len("/.well-known/did.json")]
    elif path.endswith("/did.json") and len(path) > len("/did.json"):
        prefix = path[: -len("/did.json")]
    else:
        prefix = next((m.group(1) for m in (p.match(path) for p in _ROOTED) if m), None)
    if prefix is None:
        return None
    return f"{parts.scheme}://{parts.netloc}{prefix}"
