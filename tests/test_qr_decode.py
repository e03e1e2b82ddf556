"""Reading QR codes from generated photos and frames, and refusing input that is not a usable image."""

from __future__ import annotations

import io
import random
import secrets
import struct
import zlib

import pytest
from PIL import Image, ImageFilter, ImageOps

from qr.reader import (
    CORRUPT,
    MAX_IMAGE_BYTES,
    NOT_AN_IMAGE,
    TOO_LARGE,
    TRUNCATED,
    QRDecodeError,
    decode,
)
from qr.images import qr_png

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_code() -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(15))


@pytest.fixture
def claim_url() -> str:
    return f"https://badges.example.org/c/{new_code()}"


def symbol(url: str, scale: int = 8) -> Image.Image:
    return Image.open(io.BytesIO(qr_png(url, scale=scale))).convert("L")


def on_paper(image: Image.Image, margin: int = 60) -> Image.Image:
    paper = Image.new("L", (image.width + 2 * margin, image.height + 2 * margin), 235)
    paper.paste(image, (margin, margin))
    return paper


def encoded(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def with_noise(image: Image.Image, amount: float, seed: int = 7) -> Image.Image:
    """Blend in uniform per-pixel noise, like a cheap camera sensor in poor light."""
    grain = Image.frombytes("L", image.size, random.Random(seed).randbytes(image.width * image.height))
    return Image.blend(image, grain, amount)


Corners = list[tuple[float, float]]


def perspective_coefficients(source: Corners, target: Corners) -> list[float]:
    """The 8 coefficients Pillow's PERSPECTIVE transform needs to map each target corner to its source."""
    rows = []
    for (x, y), (u, v) in zip(target, source):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y, u])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y, v])
    for i in range(8):  # Gauss-Jordan elimination with partial pivoting
        pivot = max(range(i, 8), key=lambda r: abs(rows[r][i]))
        rows[i], rows[pivot] = rows[pivot], rows[i]
        for r in range(8):
            if r != i:
                factor = rows[r][i] / rows[i][i]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[i])]
    return [rows[i][8] / rows[i][i] for i in range(8)]


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares its dimensions and holds no pixel data at all."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IEND", b"")


def refusal(data: object) -> str:
    with pytest.raises(QRDecodeError) as caught:
        decode(data)  # type: ignore[arg-type]
    return caught.value.reason


def test_clean_png_is_read(claim_url: str) -> None:
    assert decode(qr_png(claim_url)) == [claim_url]


@pytest.mark.parametrize("degrees", [15, 45])
def test_rotated_photo_is_read(claim_url: str, degrees: int) -> None:
    photo = on_paper(symbol(claim_url)).rotate(
        degrees, expand=True, fillcolor=235, resample=Image.Resampling.BICUBIC
    )
    assert decode(encoded(photo, "JPEG", quality=85)) == [claim_url]


def test_perspective_warped_photo_is_read(claim_url: str) -> None:
    paper = on_paper(symbol(claim_url))
    w, h = paper.size
    corners = [(0, 0), (w, 0), (w, h), (0, h)]
    # The card seen from below and to the left: a trapezoid, not a square.
    seen = [(0.12 * w, 0.06 * h), (0.86 * w, 0.16 * h), (0.97 * w, 0.92 * h), (0.03 * w, 0.97 * h)]
    photo = paper.transform(paper.size, Image.Transform.PERSPECTIVE, perspective_coefficients(corners, seen),
                            Image.Resampling.BICUBIC, fillcolor=90)
    assert decode(encoded(photo, "JPEG", quality=85)) == [claim_url]


def test_blurred_photo_is_read(claim_url: str) -> None:
    photo = on_paper(symbol(claim_url)).filter(ImageFilter.GaussianBlur(3))
    assert decode(encoded(photo)) == [claim_url]


def test_jpeg_at_quality_20_is_read(claim_url: str) -> None:
    photo = with_noise(on_paper(symbol(claim_url, scale=5)), 0.15)
    assert decode(encoded(photo, "JPEG", quality=20)) == [claim_url]


def test_inverted_light_on_dark_code_is_read(claim_url: str) -> None:
    assert decode(encoded(ImageOps.invert(on_paper(symbol(claim_url))))) == [claim_url]


def test_small_code_in_a_large_noisy_frame_is_read(claim_url: str) -> None:
    frame = Image.frombytes("L", (1920, 1080), random.Random(3).randbytes(1920 * 1080))
    frame = frame.filter(ImageFilter.GaussianBlur(1.5))
    frame.paste(symbol(claim_url).resize((120, 120), Image.Resampling.BILINEAR), (1311, 707))
    assert decode(encoded(frame, "JPEG", quality=80)) == [claim_url]


def test_noisy_blurred_webcam_frame_is_read(claim_url: str) -> None:
    # Tuned so that a single plain zxing pass finds nothing: only the smoothing retry reads it.
    frame = with_noise(symbol(claim_url, scale=6).filter(ImageFilter.GaussianBlur(2)), 0.45)
    assert decode(encoded(frame)) == [claim_url]


def test_code_on_a_transparent_background_is_read(claim_url: str) -> None:
    grey = symbol(claim_url)
    transparent = Image.new("RGBA", grey.size, (0, 0, 0, 0))
    transparent.putalpha(ImageOps.invert(grey))  # black modules stay opaque, white becomes see-through
    assert decode(encoded(transparent)) == [claim_url]


def test_two_codes_in_one_photo_are_both_read() -> None:
    urls = [f"https://badges.example.org/c/{new_code()}", f"https://t.me/SomeBot?start={new_code()}"]
    left, right = symbol(urls[0]), symbol(urls[1])
    photo = Image.new("L", (left.width + right.width + 40, max(left.height, right.height)), 255)
    photo.paste(left, (0, 0))
    photo.paste(right, (left.width + 40, 0))
    assert sorted(decode(encoded(photo))) == sorted(urls)


def test_the_same_code_twice_is_reported_once(claim_url: str) -> None:
    one = symbol(claim_url)
    photo = Image.new("L", (2 * one.width, one.height), 255)
    photo.paste(one, (0, 0))
    photo.paste(one, (one.width, 0))
    assert decode(encoded(photo)) == [claim_url]


def test_photo_without_a_code_gives_an_empty_list() -> None:
    frame = Image.frombytes("L", (640, 480), random.Random(5).randbytes(640 * 480))
    frame = frame.filter(ImageFilter.GaussianBlur(2))
    assert decode(encoded(frame, "JPEG", quality=70)) == []


def test_garbage_bytes_are_not_an_image() -> None:
    assert refusal(secrets.token_bytes(4096)) == NOT_AN_IMAGE


def test_empty_input_is_not_an_image() -> None:
    assert refusal(b"") == NOT_AN_IMAGE


def test_text_instead_of_bytes_is_not_an_image(claim_url: str) -> None:
    assert refusal(claim_url) == NOT_AN_IMAGE


def test_unsupported_image_format_is_refused(claim_url: str) -> None:
    assert refusal(encoded(symbol(claim_url), "TIFF")) == NOT_AN_IMAGE


def test_truncated_png_is_refused(claim_url: str) -> None:
    png = encoded(with_noise(on_paper(symbol(claim_url)), 0.3))
    assert refusal(png[: len(png) // 2]) == TRUNCATED


def test_truncated_jpeg_is_refused(claim_url: str) -> None:
    jpeg = encoded(on_paper(symbol(claim_url)), "JPEG", quality=90)
    assert refusal(jpeg[: len(jpeg) // 2]) == TRUNCATED


def test_damaged_png_data_is_refused(claim_url: str) -> None:
    png = bytearray(encoded(on_paper(symbol(claim_url))))
    start = png.index(b"IDAT") + 4
    png[start + 20 : start + 60] = bytes(40)  # zeroed compressed data inside the first pixel chunk
    assert refusal(bytes(png)) in (CORRUPT, TRUNCATED)


def test_huge_declared_dimensions_are_refused_before_decoding() -> None:
    assert refusal(png_header_only(50_000, 50_000)) == TOO_LARGE


def test_dimensions_over_40_megapixels_are_refused_before_decoding() -> None:
    # 48 Mpx: under Pillow's own decompression-bomb threshold, over ours.
    assert refusal(png_header_only(8_000, 6_000)) == TOO_LARGE


def test_input_over_the_byte_limit_is_refused() -> None:
    assert refusal(b"\xff\xd8\xff" + bytes(MAX_IMAGE_BYTES)) == TOO_LARGE


def test_refusal_is_a_value_error() -> None:
    assert issubclass(QRDecodeError, ValueError)
