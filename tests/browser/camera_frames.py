"""A webcam's view of a printed claim card, as a Y4M file Chromium's fake camera plays in a loop."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from qr import qr_png


def card_photo(qr_text: str, *, size: tuple[int, int] = (640, 480), angle: float = 4.0) -> Image.Image:
    """What a camera sees: grey paper with some grain, a white card held a little askew, its QR, slightly soft."""
    width, height = size
    background = _paper(size)

    symbol = Image.open(io.BytesIO(qr_png(qr_text, scale=4))).convert("RGB")
    side = int(height * 0.55)
    symbol = symbol.resize((side, side), Image.Resampling.NEAREST)
    card = Image.new("RGB", (int(side * 1.5), int(side * 1.25)), (250, 250, 246))
    draw = ImageDraw.Draw(card)
    draw.rectangle((0, 0, card.width - 1, card.height - 1), outline=(120, 120, 120), width=2)
    card.paste(symbol, ((card.width - side) // 2, (card.height - side) // 3))
    draw.rectangle((card.width // 5, card.height - 26, card.width * 4 // 5, card.height - 16), fill=(60, 60, 60))

    mask = Image.new("L", card.size, 255).rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
    card = card.rotate(angle, expand=True, resample=Image.Resampling.BICUBIC)
    background.paste(card, ((width - card.width) // 2, (height - card.height) // 2), mask)
    return background.filter(ImageFilter.GaussianBlur(0.8))


def empty_desk(size: tuple[int, int] = (640, 480)) -> Image.Image:
    """The camera's view while nobody shows a card."""
    return _paper(size)


def _paper(size: tuple[int, int]) -> Image.Image:
    width, height = size
    noise = np.random.default_rng(7).normal(0, 6, (height, width))
    shade = np.linspace(-12, 12, width)[None, :]  # light falls unevenly across a desk
    return Image.fromarray(np.clip(150 + noise + shade, 0, 255).astype(np.uint8), "L").convert("RGB")


def write_y4m(path: Path, scenes: list[tuple[Image.Image, int]], *, fps: int = 10) -> Path:
    """Each (picture, how many frames) in turn as YUV4MPEG2 4:2:0 (BT.601 studio range): header, then FRAME +
    Y, U, V planes per frame. Chromium plays it at ``fps`` and starts again at the end."""
    width, height = scenes[0][0].size
    if width % 2 or height % 2:
        raise ValueError("4:2:0 needs even dimensions")
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420\n".encode("ascii"))
        for picture, count in scenes:
            planes = _yuv420(picture)
            for _ in range(count):
                out.write(b"FRAME\n")
                out.write(planes)
    return path


def _yuv420(picture: Image.Image) -> bytes:
    rgb = np.asarray(picture.convert("RGB"), dtype=np.float32)
    height, width = rgb.shape[:2]
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    y = 16 + 0.257 * r + 0.504 * g + 0.098 * b
    u = 128 - 0.148 * r - 0.291 * g + 0.439 * b
    v = 128 + 0.439 * r - 0.368 * g - 0.071 * b

    def subsample(plane: np.ndarray) -> np.ndarray:
        return plane.reshape(height // 2, 2, width // 2, 2).mean(axis=(1, 3))

    return b"".join(np.clip(p, 0, 255).round().astype(np.uint8).tobytes() for p in (y, subsample(u), subsample(v)))
