"""Time to read one 640x480 camera-like JPEG frame, next to Pillow merely decoding that JPEG.

    python bench/bench_decode.py [--runs 50]

Target: <= 15 ms per frame (median). A frame with no QR is the worst case, since every retry
strategy runs before giving up; the "hard" frame is one only a retry reads.
"""

from __future__ import annotations

import argparse
import io
import random
import secrets
import statistics
import time
from collections.abc import Callable

from PIL import Image, ImageFilter

from qr.reader import decode
from qr.images import qr_png

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TARGET_MS = 15.0
WIDTH, HEIGHT = 640, 480


def background(seed: int) -> Image.Image:
    """A blurry, grainy room: smooth random blotches plus per-pixel sensor noise."""
    rng = random.Random(seed)
    blotches = Image.frombytes("L", (WIDTH // 16, HEIGHT // 16), rng.randbytes(WIDTH * HEIGHT // 256))
    room = blotches.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    grain = Image.frombytes("L", (WIDTH, HEIGHT), rng.randbytes(WIDTH * HEIGHT))
    return Image.blend(room, grain, 0.15)


def frame_with_card(url: str, seed: int) -> Image.Image:
    frame = background(seed)
    card = Image.open(io.BytesIO(qr_png(url, scale=5))).convert("L").rotate(12, expand=True, fillcolor=230)
    frame.paste(card, (170, 60))
    grain = Image.frombytes("L", (WIDTH, HEIGHT), random.Random(seed + 1).randbytes(WIDTH * HEIGHT))
    return Image.blend(frame, grain, 0.12).filter(ImageFilter.GaussianBlur(0.8))


def hard_frame(url: str, seed: int) -> Image.Image:
    frame = background(seed)
    card = Image.open(io.BytesIO(qr_png(url, scale=6))).convert("L").filter(ImageFilter.GaussianBlur(2))
    frame.paste(card, (150, 20))
    grain = Image.frombytes("L", (WIDTH, HEIGHT), random.Random(seed + 1).randbytes(WIDTH * HEIGHT))
    return Image.blend(frame, grain, 0.45)


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def median_ms(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def pillow_only(data: bytes) -> None:
    Image.open(io.BytesIO(data)).convert("L")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    url = "https://badges.example.org/c/" + "".join(secrets.choice(CROCKFORD) for _ in range(15))
    frames = {
        "QR in a noisy frame": (jpeg(frame_with_card(url, 1)), [url]),
        "no QR": (jpeg(background(2)), []),
        "hard: noisy + blurred QR": (jpeg(hard_frame(url, 3)), [url]),
    }
    print(f"{WIDTH}x{HEIGHT} JPEG frames, median of {args.runs} runs, target <= {TARGET_MS:g} ms per frame")
    print(f"{'frame':26} {'Pillow only ms':>14} {'decode ms':>10} {'x Pillow':>9} {'read':>5}  verdict")
    for name, (data, expected) in frames.items():
        baseline = median_ms(args.runs, lambda: pillow_only(data))
        decoding = median_ms(args.runs, lambda: decode(data))
        read = "ok" if decode(data) == expected else "MISS"
        verdict = "PASS" if decoding <= TARGET_MS else "FAIL"
        print(f"{name:26} {baseline:14.2f} {decoding:10.2f} {decoding / baseline:9.1f} {read:>5}  {verdict}")


if __name__ == "__main__":
    main()
