"""Kiosk camera frames through `badgeclaim serve`: time from a frame arriving to its code decoded, and throughput.

    python bench/bench_kiosk.py [--n 60] [--seconds 10] [--kiosks 10] [--fps 4]

A prepared SQLite database (issuer with keys, badge, event, codes, kiosks), then `badgeclaim serve` in its
own process on a real socket. Frames are photo-like JPEGs (tests/kiosk_support.camera_frame): a card's QR in
a grainy room, and the same room with no QR (the worst case: every decoding strategy runs before giving up).

1. Latency, one frame at a time: POST /kiosk/<token>/frames until the answer, at 640x480 and 1280x720, beside
   the baseline of qr.decode called directly on the same bytes in this process (the ratio and the extra ms
   are what HTTP, the token check, the per-kiosk rate count and the thread hop cost).
2. Throughput: ``--kiosks`` simulated kiosks each ticking ``--fps`` times a second for ``--seconds``, sending
   a frame on a tick when the last one was answered (as kiosk.js does); achieved frames/s, p50/p95, and
   whether it keeps up (every frame answered 200, at most 5 % of ticks skipped for a frame still in flight,
   p95 below one tick).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from bench_claims import SECRET, free_port, percentiles, prepare, start, stop  # noqa: E402
from badgeclaim.database import create_engine, create_sessionmaker  # noqa: E402
from claims.kiosks import create_kiosk  # noqa: E402
from claims.models import Event  # noqa: E402
from kiosk_support import camera_frame  # noqa: E402
from qr.reader import decode  # noqa: E402
from sqlalchemy import select  # noqa: E402

SIZES = [(640, 480), (1280, 720)]


async def make_kiosks(url: str, count: int) -> list[str]:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine).begin() as session:
            event_id = await session.scalar(select(Event.id).limit(1))
            now = datetime.now(timezone.utc)
            return [(await create_kiosk(session, event_id, now, display_code=None, actor="bench"))[1]
                    for _ in range(count)]
    finally:
        await engine.dispose()


def baseline_ms(frame: bytes, runs: int) -> list[float]:
    decode(frame)  # warm
    times = []
    for _ in range(runs):
        start_at = time.perf_counter()
        decode(frame)
        times.append((time.perf_counter() - start_at) * 1000)
    return times


async def one_by_one(base: str, tokens: list[str], frame: bytes, runs: int, expected: str | None) -> dict[str, Any]:
    """Sequential POSTs, round-robin over the kiosks (so no kiosk nears its frame limit)."""
    import aiohttp

    times, wrong = [], 0
    async with aiohttp.ClientSession() as session:
        for i in range(runs + 5):
            start_at = time.perf_counter()
            async with session.post(f"{base}/kiosk/{tokens[i % len(tokens)]}/frames", data=frame,
                                    headers={"Content-Type": "image/jpeg"}) as response:
                answer = await response.json()
            if i >= 5:  # the first few open connections and warm the server
                times.append((time.perf_counter() - start_at) * 1000)
                wrong += response.status != 200 or answer.get("code") != expected
    return {"times": times, "wrong": wrong}


async def like_the_page(base: str, tokens: list[str], frame: bytes, fps: float, seconds: float) -> dict[str, Any]:
    """Each kiosk ticks ``fps`` times a second for ``seconds`` and, as kiosk.js does, sends a frame on a tick
    only when its previous frame has been answered (a tick it must skip is a frame the kiosk never sees)."""
    import aiohttp

    latencies: list[float] = []
    statuses: dict[int, int] = {}
    skipped = 0
    interval = 1 / fps

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        async def send(token: str) -> None:
            start_at = time.perf_counter()
            async with session.post(f"{base}/kiosk/{token}/frames", data=frame,
                                    headers={"Content-Type": "image/jpeg"}) as response:
                await response.read()
            latencies.append((time.perf_counter() - start_at) * 1000)
            statuses[response.status] = statuses.get(response.status, 0) + 1

        async def kiosk(token: str, offset: float) -> None:
            nonlocal skipped
            began = time.perf_counter() + offset
            busy: asyncio.Task[None] | None = None
            ticks = int(seconds * fps)
            for n in range(ticks):
                await asyncio.sleep(max(0.0, began + n * interval - time.perf_counter()))
                if busy is not None and not busy.done():
                    skipped += 1
                    continue
                busy = asyncio.create_task(send(token))
            if busy is not None:
                await busy

        began = time.perf_counter()
        # Kiosks start spread over one interval, as real ones would not tick in step.
        await asyncio.gather(*(kiosk(t, i * interval / len(tokens)) for i, t in enumerate(tokens)))
        elapsed = time.perf_counter() - began
    return {"latencies": latencies, "statuses": statuses, "rate": len(latencies) / elapsed,
            "offered": len(tokens) * fps, "skipped": skipped, "ticks": len(tokens) * int(seconds * fps)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=60, help="timed frames per latency measurement")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--kiosks", type=int, default=10)
    parser.add_argument("--fps", type=float, default=4.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.sqlite3"
        port = free_port()
        public_url = f"http://127.0.0.1:{port}"
        codes = asyncio.run(prepare(url, Path(tmp), 1))
        tokens = asyncio.run(make_kiosks(url, args.kiosks))
        env = {k: v for k, v in os.environ.items() if not k.startswith("BADGECLAIM_")}
        env.update({"BADGECLAIM_DATA_DIR": tmp, "BADGECLAIM_DATABASE_URL": url, "BADGECLAIM_PUBLIC_URL": public_url,
                    "BADGECLAIM_SECRET_KEY": SECRET, "BADGECLAIM_PORT": str(port), "BADGECLAIM_HOST": "127.0.0.1"})
        card_url = f"{public_url}/c/{codes[0]}"
        expected = "-".join(codes[0][i:i + 5] for i in range(0, 15, 5))
        server = start([sys.executable, "-c", "from badgeclaim.cli import main; main()", "serve"], env, public_url)
        try:
            print(f"{'frame':28} {'bytes':>8} {'decode() ms':>12} {'HTTP ms':>9} {'HTTP/decode':>12} "
                  f"{'extra ms':>9} {'HTTP p95':>9}  wrong")
            for size in SIZES:
                for label, text in (("card", card_url), ("no QR", None)):
                    frame = camera_frame(text, size)
                    base = statistics.median(baseline_ms(frame, args.n))
                    http = asyncio.run(one_by_one(public_url, tokens, frame, args.n,
                                                  expected if text else None))
                    median = statistics.median(http["times"])
                    p95 = percentiles([t / 1000 for t in http["times"]])[1]
                    print(f"{f'{size[0]}x{size[1]} {label}':28} {len(frame):8} {base:12.1f} {median:9.1f} "
                          f"{median / base:11.1f}x {median - base:9.1f} {p95:9.1f}  {http['wrong']}")
            print()
            interval_ms = 1000 / args.fps
            print(f"throughput: {args.kiosks} kiosks x {args.fps:g} frames/s for {args.seconds:g} s, one frame in "
                  "flight per kiosk")
            print(f"{'frame':28} {'offered/s':>10} {'achieved/s':>11} {'skipped':>8} {'p50 ms':>8} {'p95 ms':>8}"
                  "  statuses  keeps up")
            for size in SIZES:
                for label, text in (("card", card_url), ("no QR", None)):
                    result = asyncio.run(like_the_page(public_url, tokens, camera_frame(text, size), args.fps,
                                                       args.seconds))
                    p50, p95, _ = percentiles([t / 1000 for t in result["latencies"]])
                    ok = (set(result["statuses"]) == {200} and result["skipped"] <= 0.05 * result["ticks"]
                          and p95 < interval_ms)
                    skipped = f"{result['skipped'] / result['ticks']:.0%}"
                    print(f"{f'{size[0]}x{size[1]} {label}':28} {result['offered']:10.0f} {result['rate']:11.1f} "
                          f"{skipped:>8} {p50:8.1f} {p95:8.1f}  {result['statuses']}  {'yes' if ok else 'NO'}")
        finally:
            stop(server)


if __name__ == "__main__":
    main()
