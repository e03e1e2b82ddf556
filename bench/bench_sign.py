"""Benchmark of OB 3.0 eddsa-rdfc-2022 signing against plain pyld canonicalisation, and of one full issue.

Run: /work/venv/bin/python bench/bench_sign.py
Prints medians in milliseconds, the ratio to the baseline measured in the same run, and the target; never
asserts.
"""

from __future__ import annotations

import asyncio
import gc
import io
import json
import random
import secrets
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from pyld import jsonld

from badgeclaim.database import create_engine, create_sessionmaker, migrate
from claims.models import Award, BadgeClass, Event, Issuer
from claims.openbadges import ob3
from claims.openbadges.baking import bake_png
from claims.openbadges.dataintegrity import add_proof, verify_proof
from claims.openbadges.issuing import baked_award_png, sign_award
from claims.openbadges.keys import generate_issuer_keys
from claims.openbadges.urls import BadgeUrls

SIGN_TARGET_MS = 5.0
NOW = datetime(2026, 6, 12, 10, 0, tzinfo=timezone.utc)
PUBLIC_URL = "https://badges.example.org"
SECRET = "bench-secret"
_CONTEXT_FILES = {
    "https://www.w3.org/ns/credentials/v2": "credentials-v2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json": "ob-v3p0-context-3.0.3.json",
}


def median_ms(run: Callable[[], object], rounds: int) -> float:
    run()  # warm caches the way a long-running server has them
    gc.collect()
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def plain_loader(url: str, options: Any = None) -> dict[str, Any]:
    text = resources.files("openbadgeslib.ob3.contexts").joinpath(_CONTEXT_FILES[url]).read_text("utf-8")
    return {"contextUrl": None, "documentUrl": url, "document": json.loads(text)}


def sample_credential() -> dict[str, Any]:
    issuer = Issuer(id=uuid.uuid4(), name="Réseau Canopé — Atelier", url="https://canope.example.org",
                    email="badges@canope.example.org", image=None)
    badge = BadgeClass(id=uuid.uuid4(), issuer_id=issuer.id, name="Explorateur numérique",
                       description="A exploré les outils numériques de la classe.",
                       criteria="Participer à l'atelier et présenter un outil.")
    award = Award(id=uuid.uuid4(), badge_class_id=badge.id, recipient_email="camille@example.org",
                  recipient_salt=secrets.token_hex(16), status_index=4242, issued_at=NOW, expires_at=None)
    return ob3.credential(award, badge, issuer, BadgeUrls(PUBLIC_URL))


def noise_png(target_bytes: int) -> bytes:
    side = int((target_bytes / 3) ** 0.5)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), random.Random(1).randbytes(side * side * 3)).save(out, "PNG")
    return out.getvalue()


async def full_issue_ms(image: bytes, rounds: int) -> float:
    """sign_award (OB 2.0 JWS + OB 3.0 proof, keys decrypted) then the baked PNG, on a SQLite file."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}")
        await migrate(engine)
        sessions = create_sessionmaker(engine)
        async with sessions.begin() as session:
            issuer = Issuer(id=uuid.uuid4(), name="Atelier Canopé", url="https://canope.example.org",
                            email="badges@canope.example.org", created_at=NOW)
            session.add(issuer)
            await session.flush()
            badge = BadgeClass(id=uuid.uuid4(), issuer_id=issuer.id, name="Explorateur", description="Outils.",
                               criteria="Venir.", image=image, image_mime="image/png", created_at=NOW)
            event = Event(id=uuid.uuid4(), issuer_id=issuer.id, name="Journée", starts_at=NOW,
                          ends_at=NOW.replace(hour=18), created_at=NOW)
            session.add_all([badge, event, *generate_issuer_keys(issuer.id, SECRET, NOW)])
        times = []
        for i in range(rounds + 1):
            started = time.perf_counter()
            async with sessions.begin() as session:
                award = Award(id=uuid.uuid4(), badge_class_id=badge.id, event_id=event.id,
                              recipient_email=f"p{i}@example.org", recipient_salt=secrets.token_hex(16),
                              channel="web", status_index=i, issued_at=NOW)
                session.add(award)
                await session.flush()
                await sign_award(session, award, public_url=PUBLIC_URL, secret_key=SECRET, ob2_signed=True, now=NOW)
            async with sessions() as session:
                await baked_award_png(session, award.id, public_url=PUBLIC_URL)
            if i:  # the first round warms caches and the connection pool
                times.append(time.perf_counter() - started)
        await engine.dispose()
    return statistics.median(times) * 1000


def main() -> None:
    key = Ed25519PrivateKey.generate()
    document = sample_credential()
    method = BadgeUrls(PUBLIC_URL).verification_method("ed25519-bench")
    config = {"@context": document["@context"], "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
              "created": "2026-06-12T10:00:00Z", "verificationMethod": method, "proofPurpose": "assertionMethod"}
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": plain_loader}
    signed = add_proof(document, key, verification_method=method, created=NOW)

    baseline = median_ms(lambda: (jsonld.normalize(config, options), jsonld.normalize(document, options)), 300)
    sign = median_ms(lambda: add_proof(document, key, verification_method=method, created=NOW), 300)
    verify = median_ms(lambda: verify_proof(signed, key.public_key()), 300)
    image = noise_png(50_000)
    bake = median_ms(lambda: bake_png(image, ob2="x" * 3000, ob3=json.dumps(signed)), 300)
    issue = asyncio.run(full_issue_ms(image, 50))

    print(f"pyld canonicalisation alone (doc + proof config)  {baseline:7.2f} ms   (baseline)")
    print(f"OB 3.0 eddsa-rdfc-2022 sign (canonicalise + sign)  {sign:7.2f} ms   {sign / baseline:4.2f}x baseline"
          f"   target <= {SIGN_TARGET_MS} ms: {'PASS' if sign <= SIGN_TARGET_MS else 'FAIL'}")
    print(f"OB 3.0 eddsa-rdfc-2022 proof verification          {verify:7.2f} ms   {verify / baseline:4.2f}x baseline")
    print(f"bake of a {len(image) // 1000} KB PNG (OB 2.0 + OB 3.0 chunks)       {bake:7.2f} ms")
    print(f"full issue: DB + OB 2.0 JWS + OB 3.0 proof + bake   {issue:7.2f} ms   {issue / baseline:4.2f}x baseline")


if __name__ == "__main__":
    main()
