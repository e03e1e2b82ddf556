"""Time and size of a 1,000-card PDF sheet for each QR engine, next to reportlab drawing empty cards.

    python bench/bench_sheets.py [--cards 1000] [--runs 3]

Targets: <= 3 s and <= 30 MB for 1,000 cards. Figures are medians of --runs renders. The "matrices
only" column is the share spent building QR symbols, the part that differs between engines.
"""

from __future__ import annotations

import argparse
import io
import secrets
import statistics
import time
from collections.abc import Callable

from PIL import Image, ImageDraw
from reportlab.pdfgen.canvas import Canvas

from qr.layout import card_boxes
from qr.matrix import DEFAULT_ENGINE, ENGINES, qr_matrix
from qr.sheets import Card, render_sheet

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TARGET_SECONDS = 3.0
TARGET_MB = 30.0


def sample_cards(count: int) -> list[Card]:
    badge = Image.new("RGBA", (512, 512), (0, 0, 0, 0))
    ImageDraw.Draw(badge).regular_polygon((256, 256, 240), 6, fill=(20, 90, 180))
    buffer = io.BytesIO()
    badge.save(buffer, format="PNG")
    cards = []
    for _ in range(count):
        code = "".join(secrets.choice(CROCKFORD) for _ in range(15))
        cards.append(Card(f"https://badges.example.org/c/{code}", f"{code[:5]}-{code[5:10]}-{code[10:]}",
                          "Explorateur·rice du numérique", "Journée Open Badges — Atelier Canopé de Poitiers",
                          buffer.getvalue()))
    return cards


def empty_cards(count: int) -> bytes:
    """The floor: reportlab writing the same pages with only a rectangle per card."""
    out = io.BytesIO()
    canvas = Canvas(out, pageCompression=1, invariant=1)
    boxes = card_boxes("A4", 12)
    for index in range(count):
        if index and index % 12 == 0:
            canvas.showPage()
        box = boxes[index % 12]
        canvas.rect(box.x, box.y, box.width, box.height)
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def median_run(runs: int, work: Callable[[], bytes]) -> tuple[float, int]:
    times, size = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        size = len(work())
        times.append(time.perf_counter() - start)
    return statistics.median(times), size


def sheet(cards: list[Card], engine: str) -> bytes:
    out = io.BytesIO()
    render_sheet(cards, out, engine=engine)
    return out.getvalue()


def matrices(cards: list[Card], engine: str) -> bytes:
    for card in cards:
        qr_matrix(card.url, engine=engine)
    return b""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    cards = sample_cards(args.cards)

    baseline_s, baseline_bytes = median_run(args.runs, lambda: empty_cards(args.cards))
    print(f"{args.cards} cards, A4, 12 per page, median of {args.runs} runs, "
          f"default engine {DEFAULT_ENGINE}; target <= {TARGET_SECONDS:g} s and <= {TARGET_MB:g} MB")
    print(f"{'':22} {'seconds':>8} {'MB':>7} {'x baseline':>10} {'matrices only':>14}  verdict")
    print(f"{'baseline empty cards':22} {baseline_s:8.3f} {baseline_bytes / 1e6:7.2f} {1:10.1f} {'':>14}")
    for engine in sorted(ENGINES, key=lambda e: e != DEFAULT_ENGINE):
        seconds, size = median_run(args.runs, lambda: sheet(cards, engine))
        matrix_s, _ = median_run(args.runs, lambda: matrices(cards, engine))
        verdict = "PASS" if seconds <= TARGET_SECONDS and size / 1e6 <= TARGET_MB else "FAIL"
        print(f"{'engine ' + engine:22} {seconds:8.3f} {size / 1e6:7.2f} {seconds / baseline_s:10.1f} "
              f"{matrix_s:13.3f}s  {verdict}")


if __name__ == "__main__":
    main()
