"""Reading QR codes out of untrusted photos and camera frames, with size limits checked before decoding."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image, ImageFilter, UnidentifiedImageError

MAX_IMAGE_BYTES = 15 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
# Formats phones, browsers and webcams produce; the others only widen the attack surface.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP")

NOT_AN_IMAGE = "not_an_image"
TOO_LARGE = "too_large"
TRUNCATED = "truncated"
CORRUPT = "corrupt"


class QRDecodeError(ValueError):
    """An input refused before or while decoding; ``reason`` is one of the constants above."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(f"{reason}: {message}")
        self.reason = reason
        self.message = message


def decode(image_bytes: bytes) -> list[str]:
    """Texts of the QR codes found in an encoded image, without repeats, in the order found.

    An image holding no QR code gives ``[]``; an input that is not a usable image raises
    ``QRDecodeError``.
    """
    return read_qr_texts(open_image(image_bytes))


def open_image(image_bytes: bytes) -> Image.Image:
    """Decode untrusted image bytes to greyscale pixels, refusing oversized or broken input."""
    if not isinstance(image_bytes, (bytes, bytearray, memoryview)):
        raise QRDecodeError(NOT_AN_IMAGE, "expected the bytes of an image")
    if len(image_bytes) > MAX_IMAGE_BYTES:
        raise QRDecodeError(TOO_LARGE, f"image is over {MAX_IMAGE_BYTES // (1024 * 1024)} MB")
    try:
        # open() only parses the header, so the pixel count is known before any pixel is decoded.
        image = Image.open(io.BytesIO(image_bytes), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        # The warning only arrives as an exception where warnings are errors; it means too large too.
        raise QRDecodeError(TOO_LARGE, "image dimensions are too large") from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise QRDecodeError(NOT_AN_IMAGE, "not a JPEG, PNG, WebP, GIF or BMP image") from exc
    width, height = image.size
    if width * height > MAX_IMAGE_PIXELS:
        raise QRDecodeError(TOO_LARGE, f"image is {width}x{height}, over {MAX_IMAGE_PIXELS} pixels")
    try:
        image.load()
        return _to_grey(image)
    except OSError as exc:
        # Pillow has no exception type of its own for short data, only this message.
        if "truncated" in str(exc):
            raise QRDecodeError(TRUNCATED, "image data ends early") from exc
        raise QRDecodeError(CORRUPT, "image data is damaged") from exc
    except (SyntaxError, ValueError, EOFError) as exc:
        raise QRDecodeError(CORRUPT, "image data is damaged") from exc


def read_qr_texts(image: Image.Image) -> list[str]:
    """QR texts found in already decoded pixels, trying harder strategies only when needed."""
    found: list[str] = []
    for attempt in _ATTEMPTS:
        for barcode in attempt(image):
            if barcode.text not in found:
                found.append(barcode.text)
        if found:
            break
    return found


def _to_grey(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # A transparent background has black RGB underneath; on white it reads as the QR's paper.
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("L")
    return image if image.mode == "L" else image.convert("L")


def _as_is(image: Image.Image) -> list[zxingcpp.Barcode]:
    # Inverted (light-on-dark) codes are tried in the same pass: a phone screen in dark mode is common.
    return zxingcpp.read_barcodes(image, formats=_QR, try_invert=True)


def _smoothed(image: Image.Image) -> list[zxingcpp.Barcode]:
    # Sensor noise and JPEG ringing break the finder patterns into specks; a light blur rejoins them.
    # On generated noisy, blurred and low-quality photos this rescued the most reads.
    return zxingcpp.read_barcodes(image.filter(ImageFilter.BoxBlur(2)), formats=_QR, try_invert=True)


def _reduced(image: Image.Image) -> list[zxingcpp.Barcode]:
    # Averaging 3x3 pixels helps large, noisy symbols more than zxing's own downscaling does.
    if min(image.size) < 300:
        return []
    return zxingcpp.read_barcodes(image.reduce(3), formats=_QR, try_downscale=False)


def _enlarged(image: Image.Image) -> list[zxingcpp.Barcode]:
    # A webcam frame shows a card's modules 2-3 pixels wide, below what the detector resolves.
    # Only small frames are enlarged: in a phone photo the cost grows and the benefit vanishes.
    if image.width * image.height > _MAX_ENLARGED_PIXELS:
        return []
    bigger = image.resize((image.width * 2, image.height * 2), Image.Resampling.BILINEAR)
    return zxingcpp.read_barcodes(bigger, formats=_QR, try_downscale=False, try_invert=False)


_QR = zxingcpp.BarcodeFormat.QRCode
_MAX_ENLARGED_PIXELS = 1_000_000
# Cheapest and most successful first; a later strategy runs only when all earlier ones found nothing.
_ATTEMPTS = (_as_is, _smoothed, _reduced, _enlarged)
