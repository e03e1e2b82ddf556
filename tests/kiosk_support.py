"""Kiosk test helpers: kiosks made through the core, and photo-like camera frames of a printed card."""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter
from sqlalchemy import update

from claims.kiosks import create_kiosk
from claims.models import ClaimCode
from qr.images import qr_png


async def new_kiosk(site, *, display_code: str | None = None, event_id=None) -> str:  # type: ignore[no-untyped-def]
    """A kiosk of the site's event (or ``event_id``); returns its token."""
    async with site.db.sessionmaker.begin() as session:
        _, token = await create_kiosk(session, event_id or site.world.event.id, site.clock.now,
                                      display_code=display_code, actor="test")
    return token


async def display_code(site, max_claims: int = 100) -> str:  # type: ignore[no-untyped-def]
    """A display-only multi-use code of the site's event."""
    [code] = await site.codes(max_claims=max_claims, display_only=True)
    return code


async def make_display_only(site, code: str) -> None:  # type: ignore[no-untyped-def]
    async with site.db.sessionmaker.begin() as session:
        await session.execute(update(ClaimCode).where(ClaimCode.code == code).values(display_only=True))


def camera_frame(text: str | None, size: tuple[int, int] = (1280, 720), seed: int = 3, fmt: str = "JPEG") -> bytes:
    """A webcam-like colour frame: a blurry room with sensor grain and, when ``text`` is given, a printed
    card held slightly tilted carrying the QR of ``text``."""
    width, height = size
    rng = random.Random(seed)
    room = Image.frombytes("RGB", (width // 20, height // 20), rng.randbytes(3 * (width // 20) * (height // 20)))
    frame = room.resize(size, Image.Resampling.BICUBIC)
    if text is not None:
        symbol = Image.open(io.BytesIO(qr_png(text, scale=max(3, height // 150)))).convert("RGB")
        card = Image.new("RGB", (symbol.width + 80, symbol.height + 140), (238, 236, 230))
        card.paste(symbol, (40, 40))
        ImageDraw.Draw(card).rectangle([40, symbol.height + 60, card.width - 40, symbol.height + 90], fill=(60, 60, 90))
        card = card.rotate(8, expand=True, fillcolor=(0, 0, 0), resample=Image.Resampling.BILINEAR)
        frame.paste(card, ((width - card.width) // 2, (height - card.height) // 2))
    grain = Image.frombytes("RGB", size, random.Random(seed + 1).randbytes(3 * width * height))
    frame = Image.blend(frame, grain, 0.08).filter(ImageFilter.GaussianBlur(0.7))
    out = io.BytesIO()
    frame.save(out, format=fmt, **({"quality": 82} if fmt == "JPEG" else {}))
    return out.getvalue()
