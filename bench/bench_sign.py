"""Benchmark of OB 3.0 eddsa-rdfc-2022 signing and verifying against pyld canonicalisation, and of one full issue.

Run: .venv/bin/python bench/bench_sign.py [--rounds 300] [--issues 50]

The baseline is pyld's own ``jsonld.normalize`` of the document and of the proof configuration, with the
same pinned, cached context loader our canonicaliser uses (so both sides skip re-processing the contexts):
what is left between them is our bounds checks, hashing and the Ed25519 signature. Baseline, sign and
verify run interleaved, round by round, so that the machine's state weighs on all three alike. Prints
medians in milliseconds and ratios to the baseline; never asserts.
"""

from __future__ import annotations

import argparse
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
from pathlib import Path
from typing import Any

from cachetools import LRUCache
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from PIL import Image
from pyld import jsonld
from pyld.context_resolver import ContextResolver

from badgeclaim.database import create_engine, create_sessionmaker, migrate
from claims.awards import baked_award_image, sign_award
from claims.context import IssuingContext
from claims.keyring import generate_issuer_keys
from claims.models import Award, BadgeClass, Issuer
from claims.openbadges import ob3
from claims.openbadges.baking import bake_png
from claims.openbadges.canonical import _pinned_loader  # the very loader the signer uses, for a fair baseline
from claims.openbadges.dataintegrity import add_proof, verify_proof
from claims.openbadges.urls import BadgeUrls
from claims.organising import create_badge_class, create_event, create_issuer

SIGN_TARGET_MS = 5.0
NOW = datetime(2026, 6, 12, 10, 0, tzinfo=timezone.utc)
PUBLIC_URL = "https://badges.example.org"
SECRET = "bench-secret"

# The baseline's own cache of resolved contexts, shared by its calls as ours is shared by our calls.
_BASELINE_CONTEXTS: LRUCache[str, Any] = LRUCache(maxsize=64)


def pyld_normalize(document: dict[str, Any]) -> str:
    options = {
        "algorithm": "URDNA2015",
        "format": "application/n-quads",
        "documentLoader": _pinned_loader,
        "contextResolver": ContextResolver(_BASELINE_CONTEXTS, _pinned_loader),
    }
    return jsonld.normalize(document, options)


def interleaved_medians_ms(operations: dict[str, Callable[[], object]], rounds: int) -> dict[str, float]:
    """Median milliseconds per call of each operation, all of them run once per round in turn."""
    for run in operations.values():
        run()  # warm caches the way a long-running server has them
    gc.collect()
    times: dict[str, list[float]] = {name: [] for name in operations}
    for _ in range(rounds):
        for name, run in operations.items():
            started = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - started)
    return {name: statistics.median(values) * 1000 for name, values in times.items()}


def sample_credential() -> dict[str, Any]:
    issuer = Issuer(id=uuid.uuid4(), name="Réseau Canopé — Atelier", url="https://canope.example.org",
                    email="badges@canope.example.org", image=None, image_mime=None)
    badge = BadgeClass(id=uuid.uuid4(), issuer_id=issuer.id, name="Explorateur numérique",
                       description="A exploré les outils numériques de la classe.",
                       criteria="Participer à l'atelier et présenter un outil.", image_mime="image/png")
    award = Award(id=uuid.uuid4(), badge_class_id=badge.id, recipient_email="camille@example.org",
                  recipient_salt=secrets.token_hex(16), status_index=4242, issued_at=NOW, expires_at=None)
    return ob3.credential(award, badge, issuer, BadgeUrls(PUBLIC_URL))


def noise_png(target_bytes: int) -> bytes:
    side = int((target_bytes / 3) ** 0.5)
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), random.Random(1).randbytes(side * side * 3)).save(out, "PNG")
    return out.getvalue()


async def full_issue_ms(image: bytes, rounds: int) -> float:
    """sign_award (OB 2.0 JWS + OB 3.0 proof, cached keys) then the baked PNG, on a SQLite file."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'bench.sqlite3'}")
        await migrate(engine)
        sessions = create_sessionmaker(engine)
        async with sessions.begin() as session:
            issuer = await create_issuer(session, name="Atelier Canopé", url="https://canope.example.org",
                                         email="badges@canope.example.org", now=NOW)
            session.add_all(generate_issuer_keys(issuer.id, SECRET, NOW))
            badge = await create_badge_class(session, issuer, name="Explorateur", description="Outils.",
                                             criteria="Venir.", image=image, now=NOW)
            event = await create_event(session, issuer, name="Journée", starts_at=NOW,
                                       ends_at=NOW.replace(hour=18), now=NOW)
        issuing = IssuingContext(PUBLIC_URL, SECRET, ob2_signed=True)
        times = []
        for i in range(rounds + 1):
            started = time.perf_counter()
            async with sessions.begin() as session:
                award = Award(id=uuid.uuid4(), badge_class_id=badge.id, event_id=event.id,
                              recipient_email=f"p{i}@example.org", recipient_salt=secrets.token_hex(16),
                              channel="web", status_index=i, issued_at=NOW)
                session.add(award)
                await session.flush()
                await sign_award(session, award, issuing, NOW)
            async with sessions() as session:
                await baked_award_image(session, award.id, issuing)
            if i:  # the first round warms the key cache and the connection pool
                times.append(time.perf_counter() - started)
        await engine.dispose()
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--issues", type=int, default=50)
    args = parser.parse_args()

    key = Ed25519PrivateKey.generate()
    document = sample_credential()
    method = BadgeUrls(PUBLIC_URL).verification_method("ed25519-bench")
    signed = add_proof(document, key, verification_method=method, created=NOW)
    config = {"@context": document["@context"], **{k: v for k, v in signed["proof"][0].items() if k != "proofValue"}}

    medians = interleaved_medians_ms(
        {
            "baseline": lambda: (pyld_normalize(config), pyld_normalize(document)),
            "sign": lambda: add_proof(document, key, verification_method=method, created=NOW),
            "verify": lambda: verify_proof(signed, key.public_key()),
        },
        args.rounds,
    )
    baseline, sign, verify = medians["baseline"], medians["sign"], medians["verify"]
    image = noise_png(50_000)
    bake = interleaved_medians_ms({"bake": lambda: bake_png(image, ob2="x" * 3000, ob3=json.dumps(signed))},
                                  args.rounds)["bake"]
    issue = asyncio.run(full_issue_ms(image, args.issues))

    print(f"pyld normalize, same pinned cached loader (doc + proof config)  {baseline:7.2f} ms   (baseline)")
    print(f"OB 3.0 eddsa-rdfc-2022 sign (canonicalise + hash + sign)        {sign:7.2f} ms   "
          f"{sign / baseline:4.2f}x baseline   target <= {SIGN_TARGET_MS} ms: "
          f"{'PASS' if sign <= SIGN_TARGET_MS else 'FAIL'}")
    print(f"OB 3.0 eddsa-rdfc-2022 proof verification                      {verify:7.2f} ms   "
          f"{verify / baseline:4.2f}x baseline")
    print(f"bake of a {len(image) // 1000} KB PNG (OB 2.0 + OB 3.0 chunks)                   {bake:7.2f} ms")
    # Not paired with a baseline: it is the sum above plus the RS256 JWS and two SQLite transactions.
    print(f"full issue on SQLite: sign_award (JWS + proof) + baked PNG      {issue:7.2f} ms")


if __name__ == "__main__":
    main()
