"""Uploaded badge and issuer images: PNG checks before any decoding, the stored result, the CLI's refusals."""

from __future__ import annotations

import os
import sqlite3
import struct
import warnings
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from badgeclaim.cli import cli
from claims.errors import INVALID_INPUT, ClaimError
from claims.images import MAX_IMAGE_BYTES, MAX_IMAGE_SIDE, PNG_MIME, REASONS, validate_image
from claims.messages import message
from claims.models import AuditEntry
from claims.organising import create_badge_class, create_issuer, update_issuer
from conftest import png_bytes

EVIL_SVG = (b'<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" onload="alert(1)">'
            b'<script>alert(document.cookie)</script><circle cx="32" cy="32" r="30" fill="#e63"/></svg>')


def chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def grey_png(width: int, height: int, idat: bytes) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.fixture(scope="module")
def bomb_png() -> bytes:
    """40000 x 40000 white pixels: 200 MB of scanlines compressed, row block by row block, to ~194 KB."""
    side = 40_000
    rows = bytes(1 + side // 8) * 1000  # each scanline: filter byte 0, then 5000 bytes of 1-bit pixels
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(rows) for _ in range(side // 1000)) + compressor.flush()
    return grey_png(side, side, idat)


def refusal(data: bytes) -> str:
    with pytest.raises(ClaimError) as refused:
        validate_image(data)
    assert (refused.value.code, refused.value.params["field"]) == (INVALID_INPUT, "image")
    return refused.value.params["reason"]


def test_png_is_stored_as_given():
    data = png_bytes(128)
    image = validate_image(data)
    assert (image.mime, image.data, image.removed) == (PNG_MIME, data, ())


def test_decompression_bomb_png_is_refused_from_its_header(bomb_png: bytes):
    assert len(bomb_png) < 200_000
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a Pillow DecompressionBombWarning would mean it was opened
        assert refusal(bomb_png) == "too_many_pixels"


def test_png_one_pixel_wider_than_the_limit_is_refused():
    row = bytes(1 + (MAX_IMAGE_SIDE + 1 + 7) // 8)
    assert refusal(grey_png(MAX_IMAGE_SIDE + 1, 1, zlib.compress(row))) == "too_many_pixels"


def test_png_at_the_side_limit_is_accepted():
    row = bytes(1 + MAX_IMAGE_SIDE // 8)
    assert validate_image(grey_png(MAX_IMAGE_SIDE, 1, zlib.compress(row))).mime == PNG_MIME


@pytest.mark.parametrize("keep", [4, 20, 40, -20, -12, -1])
def test_truncated_png_is_refused(keep: int):
    assert refusal(png_bytes(128)[:keep]) == "truncated"


def test_png_with_bytes_after_iend_is_refused():
    assert refusal(png_bytes(128) + b"PK\x03\x04 an archive glued to the image") == "trailing_data"


def test_png_with_a_bad_crc_is_refused():
    damaged = bytearray(png_bytes(128))
    damaged[45] ^= 0x01  # inside the IDAT data, so only its CRC tells
    assert refusal(bytes(damaged)) == "corrupt"


def test_png_whose_image_data_does_not_inflate_is_refused():
    assert refusal(grey_png(8, 8, b"this is not a zlib stream")) == "corrupt"


def test_png_whose_image_data_stops_early_is_refused():
    assert refusal(grey_png(64, 64, zlib.compress(bytes(9 * 64))[:-6])) == "corrupt"


@pytest.mark.parametrize("data", [png_bytes(64) + bytes(MAX_IMAGE_BYTES), b"<svg>" + b" " * MAX_IMAGE_BYTES],
                         ids=["png", "svg"])
def test_image_over_two_mebibytes_is_refused(data: bytes):
    assert refusal(data) == "too_large"


@pytest.mark.parametrize("data", [b"", b"GIF89a\x01\x00\x01\x00", b"\xff\xd8\xff\xe0 a JPEG", b"hello"])
def test_image_neither_png_nor_svg_is_refused(data: bytes):
    assert refusal(data) == "format"


@pytest.mark.parametrize("reason", REASONS)
def test_every_refusal_reason_has_its_own_sentence_in_french_and_english(reason: str):
    french, english = (message(INVALID_INPUT, language, field="image", reason=reason) for language in ("fr", "en"))
    assert french != english and french.endswith(".") and english.endswith(".")
    assert french != message(INVALID_INPUT, "fr", field="image")


def test_pixel_limit_said_is_the_one_applied():
    assert f"{MAX_IMAGE_SIDE} × {MAX_IMAGE_SIDE}" in message(INVALID_INPUT, "fr", field="image",
                                                             reason="too_many_pixels")


async def test_badge_class_stores_the_sanitised_svg_and_audits_what_was_removed(db, world, now):
    async with db.sessionmaker.begin() as session:
        badge = await create_badge_class(session, world.issuer, name="Vectoriel", description="SVG.",
                                         criteria="Venir.", image=EVIL_SVG, now=now)
    async with db.sessionmaker() as session:
        entry = await session.scalar(select(AuditEntry).where(AuditEntry.subject == str(badge.id)))
    assert badge.image_mime == "image/svg+xml"
    assert b"<circle" in badge.image and b"alert" not in badge.image
    assert entry is not None and entry.details == {"image_removed": ["onload", "script"]}


async def test_issuer_with_a_bomb_image_is_refused(db, now, bomb_png: bytes):
    with pytest.raises(ClaimError) as refused:
        async with db.sessionmaker.begin() as session:
            await create_issuer(session, name="Canopé", url="https://canope.example.org",
                                email="badges@canope.example.org", image=bomb_png, now=now)
    assert refused.value.params["reason"] == "too_many_pixels"


async def test_issuer_update_stores_the_sanitised_svg(db, world, now):
    async with db.sessionmaker.begin() as session:
        issuer = await session.merge(world.issuer)
        update_issuer(session, issuer, image=EVIL_SVG, now=now)
    assert issuer.image_mime == "image/svg+xml" and b"script" not in issuer.image


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """The real CLI in-process on a fresh data dir, set up with ``init``; returns the click Result."""
    monkeypatch.chdir(tmp_path)
    for key in [k for k in os.environ if k.startswith("BADGECLAIM_") and "TEST" not in k]:
        monkeypatch.delenv(key)
    env = {"BADGECLAIM_DATA_DIR": str(tmp_path / "data"), "BADGECLAIM_PUBLIC_URL": "https://badges.example.org",
           "BADGECLAIM_LANGUAGE": "fr"}

    def invoke(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env=env)

    result = invoke("init", "--issuer-name", "Atelier Canopé", "--issuer-url", "https://canope.example.org",
                    "--issuer-email", "badges@canope.example.org")
    assert result.exit_code == 0, result.output
    return invoke


def create_badge(run, image: Path) -> Result:  # type: ignore[no-untyped-def]
    return run("badge", "create", "--name", "Explorateur", "--description", "A exploré.", "--criteria", "Venir.",
               "--image", str(image))


def test_cli_badge_create_stores_the_cleaned_svg(run, tmp_path: Path):
    (tmp_path / "evil.svg").write_bytes(EVIL_SVG)
    result = create_badge(run, tmp_path / "evil.svg")
    assert result.exit_code == 0, result.output
    with sqlite3.connect(tmp_path / "data" / "badgeclaim.sqlite3") as connection:
        [(image, mime)] = connection.execute("SELECT image, image_mime FROM badge_classes").fetchall()
    assert mime == "image/svg+xml"
    assert b"<circle" in image and b"script" not in image and b"onload" not in image


def test_cli_badge_create_with_a_bomb_png_is_one_french_line(run, tmp_path: Path, bomb_png: bytes):
    (tmp_path / "bomb.png").write_bytes(bomb_png)
    result = create_badge(run, tmp_path / "bomb.png")
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert result.stderr.strip().splitlines() == [
        "Erreur : Valeur invalide : image (PNG ou SVG, 2 Mo au plus). "
        "L'image est trop grande : 4096 × 4096 pixels au plus."
    ]


def test_cli_verify_says_a_baked_png_cut_before_iend_is_invalid(run, tmp_path: Path):
    (tmp_path / "badge.png").write_bytes(png_bytes(128))
    badge = create_badge(run, tmp_path / "badge.png").stdout.strip()
    event = run("event", "create", "--name", "Journée", "--starts", "2020-01-01T09:00",
                "--ends", "2099-01-01T17:00").stdout.strip()
    [code] = run("codes", "create", "--event", event, "--badge", badge, "--count", "1").stdout.split()
    assert run("claim", code, "--email", "camille@example.org", "--out", "baked.png").exit_code == 0
    assert run("verify", "baked.png").exit_code == 0
    # Every badge chunk sits right after IHDR: only the end of the file is missing.
    (tmp_path / "cut.png").write_bytes((tmp_path / "baked.png").read_bytes()[:-12])
    result = run("verify", "cut.png")
    assert result.exit_code == 1 and "Traceback" not in result.output
