"""HTTP claims per second through `badgeclaim serve`, beside a trivial aiohttp handler and the in-process issue rate.

    python bench/bench_claims.py [--postgres URL] [--n 1000] [--concurrency 50] [--backend sqlite|postgres|both]

For each backend: a prepared database (issuer with keys, badge, event, single-use codes); the in-process issue
rate (redeem + sign + bake, 50 concurrent tasks, as bench_redeem measures redemption); then `badgeclaim serve`
in its own process and a SEPARATE client process of 50 concurrent aiohttp clients, each POSTing
/api/v1/claims with its own single-use code; the same client against a trivial aiohttp handler (one static
JSON answer) in its own process. Loopback only; every loop is bounded by --n.
Last, the claim route again with claims arriving at half the rate it sustained (latency without queueing).
Targets: HTTP claims/s >= 80 % of the in-process issue rate; p99 <= 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from badgeclaim.database import create_engine, create_sessionmaker, migrate  # noqa: E402
from claims.awards import bake_award, material_for  # noqa: E402
from claims.context import IssuingContext  # noqa: E402
from claims.organising import create_badge_class, create_codes, create_event, set_up_issuer  # noqa: E402
from claims.redemption import Recipient, redeem_code  # noqa: E402
from conftest import png_bytes  # noqa: E402

SECRET = "bench-secret-key-of-this-run-0123456789"
WARM_UP = 50


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def percentiles(latencies: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


# --- the client process --------------------------------------------------------------------------------------

async def client_main(url: str, codes_file: Path, concurrency: int, pace: float) -> None:
    """POST one claim per code with ``concurrency`` clients; print {"rate", "latencies", "errors"} as JSON.

    ``pace`` 0: each client sends its next claim as soon as the last is answered (saturation). Otherwise
    claims start at ``pace`` per second (people arriving), still at most ``concurrency`` in flight.
    """
    import aiohttp

    codes = json.loads(codes_file.read_text())
    queue: asyncio.Queue[str] = asyncio.Queue()
    for code in codes:
        queue.put_nowait(code)
    latencies: list[float] = []
    errors: dict[str, int] = {}

    async def one(session: aiohttp.ClientSession, code: str, record: bool) -> None:
        start = time.perf_counter()
        async with session.post(f"{url}/api/v1/claims", json={"code": code, "name": "Bench"},
                                headers={"Accept-Language": "fr"}) as response:
            await response.read()
            status = response.status
        if status != 201:
            errors[str(status)] = errors.get(str(status), 0) + 1
        if record:
            latencies.append(time.perf_counter() - start)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        # Opens every client's connection and warms the server's caches and pools before timing.
        warm = [queue.get_nowait() for _ in range(min(WARM_UP, queue.qsize()))]
        await asyncio.gather(*(one(session, code, record=False) for code in warm))
        total = queue.qsize()
        start = time.perf_counter()
        issued = 0

        async def worker() -> None:
            nonlocal issued
            while not queue.empty():
                code = queue.get_nowait()
                if pace:
                    due = start + issued / pace
                    issued += 1
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                await one(session, code, record=True)

        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
        assert len(latencies) == total
    print(json.dumps({"rate": len(latencies) / elapsed, "latencies": latencies, "errors": errors}))


def run_client(url: str, codes: list[str], concurrency: int, tmp: Path, pace: float = 0.0) -> dict[str, Any]:
    codes_file = tmp / f"codes-{uuid.uuid4().hex[:6]}.json"
    codes_file.write_text(json.dumps(codes))
    done = subprocess.run([sys.executable, __file__, "--client", url, "--codes-file", str(codes_file),
                           "--concurrency", str(concurrency), "--pace", str(pace)],
                          capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"client failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


# --- the trivial server ----------------------------------------------------------------------------------------

def trivial_main(port: int) -> None:
    from aiohttp import web

    answer = {"award_id": str(uuid.uuid4()), "verify_url": "http://127.0.0.1/awards/x"}

    async def claim(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response(answer, status=201)

    async def healthz(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/api/v1/claims", claim)
    app.router.add_get("/healthz", healthz)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


# --- the orchestrator ------------------------------------------------------------------------------------------

async def prepare(url: str, data_dir: Path, count: int) -> list[str]:
    """Migrate, make the issuer with its keys, a badge, an event running now and ``count`` single-use codes."""
    engine = create_engine(url)
    try:
        await migrate(engine)
        now = datetime.now(timezone.utc)
        async with create_sessionmaker(engine).begin() as session:
            issuer, _ = await set_up_issuer(session, secret_key=SECRET, now=now, name="Bench",
                                            url="https://bench.example.org", email="bench@example.org", image=None)
            badge = await create_badge_class(session, issuer, name="Bench", description="d", criteria="c",
                                             image=png_bytes(256), now=now)
            event = await create_event(session, issuer, name="Bench day", starts_at=now - timedelta(hours=1),
                                       ends_at=now + timedelta(hours=5), now=now)
            return await create_codes(session, event, badge, count=count, now=now)
    finally:
        await engine.dispose()


async def in_process_issue(url: str, public_url: str, codes: list[str], concurrency: int) -> dict[str, Any]:
    """Redeem + sign + bake per claim in this process, ``concurrency`` at a time (one issuing context, warm)."""
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    issuing = IssuingContext(public_url, SECRET)
    latencies: list[float] = []

    async def one(code: str, record: bool) -> None:
        start = time.perf_counter()
        now = datetime.now(timezone.utc)
        async with sessions.begin() as session:
            award = (await redeem_code(session, code, Recipient(name="Bench"), now, channel="web",
                                       issuing=issuing)).award
            material = await material_for(session, issuing, award.badge_class_id)
        bake_award(award, material, issuing.urls)
        if record:
            latencies.append(time.perf_counter() - start)

    try:
        for code in codes[:WARM_UP]:
            await one(code, record=False)
        queue = list(codes[WARM_UP:])

        async def worker() -> None:
            while queue:
                await one(queue.pop(), record=True)

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    finally:
        await engine.dispose()
    return {"rate": len(latencies) / elapsed, "latencies": latencies, "errors": {}}


def wait_healthy(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer /healthz within {seconds} s")


def start(args: list[str], env: dict[str, str], url: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_healthy(url, process)
    except Exception:
        process.kill()
        print(process.communicate()[1].decode()[-2000:], file=sys.stderr)
        raise
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()  # SIGTERM: the clean shutdown `serve` promises
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_backend(name: str, url: str, n: int, concurrency: int, tmp: Path) -> list[tuple[str, dict[str, Any]]]:
    port = free_port()
    public_url = f"http://127.0.0.1:{port}"
    data_dir = tmp / name
    batch = n + WARM_UP
    codes = asyncio.run(prepare(url, data_dir, 3 * batch))
    results = [("in-process issue (redeem+sign+bake)",
                asyncio.run(in_process_issue(url, public_url, codes[:batch], concurrency)))]
    env = {k: v for k, v in os.environ.items() if not k.startswith("BADGECLAIM_")}
    env.update({"BADGECLAIM_DATA_DIR": str(data_dir), "BADGECLAIM_DATABASE_URL": url,
                "BADGECLAIM_PUBLIC_URL": public_url, "BADGECLAIM_SECRET_KEY": SECRET,
                "BADGECLAIM_PORT": str(port), "BADGECLAIM_HOST": "127.0.0.1"})
    trivial_port = free_port()
    trivial = start([sys.executable, __file__, "--trivial-server", str(trivial_port)], env,
                    f"http://127.0.0.1:{trivial_port}")
    try:
        results.append(("trivial aiohttp handler",
                        run_client(f"http://127.0.0.1:{trivial_port}", [f"T{i}" for i in range(batch)],
                                   concurrency, tmp)))
    finally:
        stop(trivial)
    server = start([sys.executable, "-c", "from badgeclaim.cli import main; main()", "serve"], env, public_url)
    try:
        saturated = run_client(public_url, codes[batch:2 * batch], concurrency, tmp)
        results.append(("HTTP POST /api/v1/claims", saturated))
        # The same route with people arriving at half the rate it can take: latency without a queue.
        half = saturated["rate"] / 2
        results.append((f"HTTP claims arriving at {half:.0f}/s", run_client(public_url, codes[2 * batch:],
                                                                           concurrency, tmp, pace=half)))
    finally:
        stop(server)
    return [(f"{name} {label}", result) for label, result in results]


def postgres_database(admin_url: str) -> tuple[str, str]:
    """A database of its own for this run (the server process cannot be told a schema through its URL)."""
    name = "bench_claims_" + uuid.uuid4().hex[:8]

    async def create() -> None:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                await conn.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            await engine.dispose()

    asyncio.run(create())
    return name, make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(admin_url: str, name: str) -> None:
    async def drop() -> None:
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        finally:
            await engine.dispose()

    asyncio.run(drop())


def report(rows: list[tuple[str, dict[str, Any]]]) -> None:
    print(f"{'backend / what':52} {'claims/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  errors")
    for label, result in rows:
        p50, p95, p99 = percentiles(result["latencies"])
        print(f"{label:52} {result['rate']:9.0f} {p50:8.1f} {p95:8.1f} {p99:8.1f}  {result['errors'] or '-'}")
    by_backend: dict[str, dict[str, dict[str, Any]]] = {}
    for label, result in rows:
        backend, _, what = label.partition(" ")
        by_backend.setdefault(backend, {})[what] = result
    for backend, found in by_backend.items():
        http = found["HTTP POST /api/v1/claims"]
        paced = next(result for what, result in found.items() if what.startswith("HTTP claims arriving"))
        issue = found["in-process issue (redeem+sign+bake)"]
        trivial = found["trivial aiohttp handler"]
        ratio = http["rate"] / issue["rate"]
        p99 = percentiles(http["latencies"])[2]
        print(f"{backend}: HTTP / in-process = {ratio:.0%} (target >= 80 %: {'ok' if ratio >= 0.8 else 'MISSED'}), "
              f"p99 {p99:.0f} ms (target <= 150 ms: {'ok' if p99 <= 150 else 'MISSED'}), "
              f"HTTP / trivial handler = {http['rate'] / trivial['rate']:.0%}; "
              f"p99 below saturation {percentiles(paced['latencies'])[2]:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default="postgresql+asyncpg://root@127.0.0.1:5432/test")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--n", type=int, default=1000, help="timed claims per measurement (after a warm-up of 50)")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--codes-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trivial-server", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--pace", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        asyncio.run(client_main(args.client, args.codes_file, args.concurrency, args.pace))
        return
    if args.trivial_server:
        trivial_main(args.trivial_server)
        return
    rows: list[tuple[str, dict[str, Any]]] = []
    with tempfile.TemporaryDirectory() as tmp:
        if args.backend in ("sqlite", "both"):
            rows += run_backend("SQLite", f"sqlite+aiosqlite:///{tmp}/bench.sqlite3", args.n, args.concurrency,
                                Path(tmp))
        if args.backend in ("postgres", "both"):
            name, url = postgres_database(args.postgres)
            try:
                rows += run_backend("PostgreSQL", url, args.n, args.concurrency, Path(tmp))
            finally:
                drop_postgres_database(args.postgres, name)
    report(rows)


if __name__ == "__main__":
    main()
