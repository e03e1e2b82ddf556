"""Baking badge payloads into PNG text chunks and reading them back."""

from __future__ import annotations

import io
import json
import random
import struct
import zlib

import png
import pytest
from PIL import Image, PngImagePlugin

from claims.openbadges.baking import BakedPayloads, BakeError, bake_png, unbake_png

OB2_JSON = json.dumps(
    {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "https://badges.example.fr/ob2/assertions/4b1e",
        "recipient": {"type": "email", "hashed": True, "salt": "sel", "identity": "sha256$" + "ab" * 32},
        "badge": "https://badges.example.fr/ob2/badges/7",
        "verification": {"type": "hosted"},
        "issuedOn": "2024-05-14T09:30:00+02:00",
        "evidence": {"narrative": "Atelier « Éducation aux médias » réussi à Poitiers ]]> fin"},
    },
    ensure_ascii=False,
)
OB3_JSON = json.dumps(
    {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "id": "https://badges.example.fr/ob3/credentials/4b1e",
        "name": "Découvrir la programmation créative",
    },
    ensure_ascii=False,
)


def _png(mode: str = "RGBA", size: tuple[int, int] = (16, 12), **save_options: object) -> bytes:
    noise = random.Random(7)
    image = Image.new(mode, size)
    if mode == "P":
        image.putpalette([noise.randrange(256) for _ in range(3 * 256)])
        image.putdata([noise.randrange(256) for _ in range(size[0] * size[1])])
    else:
        image.putdata([tuple(noise.randrange(256) for _ in mode) for _ in range(size[0] * size[1])])
    out = io.BytesIO()
    image.save(out, "PNG", **save_options)
    return out.getvalue()


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """Chunks as read by pypng, an independent reader that also checks every CRC."""
    return [(bytes(kind), bytes(body)) for kind, body in png.Reader(bytes=data).chunks()]


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _insert_after_ihdr(data: bytes, *chunks: bytes) -> bytes:
    return data[:33] + b"".join(chunks) + data[33:]


def _pixels(data: bytes) -> tuple[str, bytes, list[int] | None]:
    with Image.open(io.BytesIO(data)) as image:
        return image.mode, image.tobytes(), image.getpalette()


@pytest.fixture
def rgba_png() -> bytes:
    return _png("RGBA")


@pytest.fixture
def palette_png() -> bytes:
    return _png("P")


def test_baked_png_unbakes_to_both_payloads(rgba_png: bytes) -> None:
    baked = bake_png(rgba_png, ob2=OB2_JSON, ob3=OB3_JSON)
    payloads = unbake_png(baked)
    assert (payloads.ob2, payloads.ob3, payloads.ob2_verify) == (OB2_JSON, OB3_JSON, None)


def test_baking_keeps_rgba_pixels(rgba_png: bytes) -> None:
    assert _pixels(bake_png(rgba_png, ob2=OB2_JSON, ob3=OB3_JSON)) == _pixels(rgba_png)


def test_baking_keeps_palette_pixels(palette_png: bytes) -> None:
    assert _pixels(bake_png(palette_png, ob2=OB2_JSON, ob3=OB3_JSON)) == _pixels(palette_png)


def test_badge_chunks_are_uncompressed_itxt_right_after_ihdr(rgba_png: bytes) -> None:
    chunks = _chunks(bake_png(rgba_png, ob2=OB2_JSON, ob3=OB3_JSON))
    assert [kind for kind, _ in chunks[:3]] == [b"IHDR", b"iTXt", b"iTXt"]
    assert chunks[1][1] == b"openbadges\x00\x00\x00\x00\x00" + OB2_JSON.encode()
    assert chunks[2][1] == b"openbadgecredential\x00\x00\x00\x00\x00" + OB3_JSON.encode()


def test_pillow_reads_both_baked_texts(rgba_png: bytes) -> None:
    with Image.open(io.BytesIO(bake_png(rgba_png, ob2=OB2_JSON, ob3=OB3_JSON))) as image:
        image.load()
        assert (image.text["openbadges"], image.text["openbadgecredential"]) == (OB2_JSON, OB3_JSON)


def test_rebaking_png_leaves_one_chunk_of_each_keyword_with_the_newer_text(rgba_png: bytes) -> None:
    first = bake_png(rgba_png, ob2=OB2_JSON, ob3=OB3_JSON)
    again = bake_png(first, ob2='{"id": "https://badges.example.fr/2"}', ob3='{"id": "urn:uuid:2"}')
    texts = [body for kind, body in _chunks(again) if kind == b"iTXt"]
    assert texts == [
        b'openbadges\x00\x00\x00\x00\x00{"id": "https://badges.example.fr/2"}',
        b'openbadgecredential\x00\x00\x00\x00\x00{"id": "urn:uuid:2"}',
    ]


def test_rebaking_only_ob2_keeps_the_existing_ob3(rgba_png: bytes) -> None:
    first = bake_png(rgba_png, ob2=OB2_JSON, ob3=OB3_JSON)
    payloads = unbake_png(bake_png(first, ob2="eyJhbGciOiJSUzI1NiJ9.e30.c2ln"))
    assert (payloads.ob2, payloads.ob3) == ("eyJhbGciOiJSUzI1NiJ9.e30.c2ln", OB3_JSON)


def test_baking_drops_badge_text_and_ztxt_chunks_written_by_other_tools(rgba_png: bytes) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("openbadges", "https://old.example.org/assertion")
    info.add_text("openbadgecredential", "old credential", zip=True)
    info.add_text("Author", "Réseau Canopé")
    with Image.open(io.BytesIO(rgba_png)) as image:
        out = io.BytesIO()
        image.save(out, "PNG", pnginfo=info)
    kinds = [kind for kind, _ in _chunks(bake_png(out.getvalue(), ob2=OB2_JSON, ob3=OB3_JSON))]
    assert (kinds.count(b"tEXt"), kinds.count(b"zTXt"), kinds.count(b"iTXt")) == (1, 0, 2)


def test_baking_without_payloads_copies_the_png(rgba_png: bytes) -> None:
    assert bake_png(rgba_png) == rgba_png


def test_baking_drops_bytes_after_iend(rgba_png: bytes) -> None:
    assert bake_png(rgba_png + b"PK\x03\x04 appended archive") == rgba_png


def test_baking_copies_every_other_chunk_byte_for_byte(rgba_png: bytes) -> None:
    baked = bake_png(rgba_png, ob2=OB2_JSON)
    assert baked[:33] + baked[33 + 12 + len("openbadges") + 5 + len(OB2_JSON.encode()) :] == rgba_png


def test_unbake_png_without_badge_finds_nothing(rgba_png: bytes) -> None:
    assert unbake_png(rgba_png) == BakedPayloads(ob2=None, ob3=None)


def test_unbake_png_reads_compressed_itxt_from_other_tools(rgba_png: bytes) -> None:
    body = b"openbadges\x00\x01\x00fr\x00openbadges\x00" + zlib.compress(OB2_JSON.encode())
    assert unbake_png(_insert_after_ihdr(rgba_png, _chunk(b"iTXt", body))).ob2 == OB2_JSON


def test_unbake_png_reads_ztxt(rgba_png: bytes) -> None:
    body = b"openbadgecredential\x00\x00" + zlib.compress(b"https://example.org/credential")
    assert unbake_png(_insert_after_ihdr(rgba_png, _chunk(b"zTXt", body))).ob3 == "https://example.org/credential"


def test_unbake_png_reads_latin1_text_chunk(rgba_png: bytes) -> None:
    body = "openbadges\x00https://example.org/é".encode("latin-1")
    assert unbake_png(_insert_after_ihdr(rgba_png, _chunk(b"tEXt", body))).ob2 == "https://example.org/é"


def test_unbake_png_first_chunk_of_a_keyword_wins(rgba_png: bytes) -> None:
    first = _chunk(b"iTXt", b"openbadges\x00\x00\x00\x00\x00first")
    second = _chunk(b"iTXt", b"openbadges\x00\x00\x00\x00\x00second")
    assert unbake_png(_insert_after_ihdr(rgba_png, first, second)).ob2 == "first"


def test_unbake_png_finds_a_badge_chunk_after_the_image_data(rgba_png: bytes) -> None:
    late = _chunk(b"iTXt", b"openbadgecredential\x00\x00\x00\x00\x00late")
    assert unbake_png(rgba_png[:-12] + late + rgba_png[-12:]).ob3 == "late"


def test_non_png_is_refused(rgba_png: bytes) -> None:
    with pytest.raises(BakeError) as refused:
        unbake_png(b"GIF89a" + rgba_png)
    assert refused.value.reason == "not_png"


@pytest.mark.parametrize("keep", [4, 8, 20, 40, 300, -60, -13, -1])
def test_truncated_png_is_refused_by_bake(rgba_png: bytes, keep: int) -> None:
    baked = bake_png(rgba_png, ob2=OB2_JSON, ob3=OB3_JSON)
    with pytest.raises(BakeError) as refused:
        bake_png(baked[:keep], ob2=OB2_JSON)
    assert refused.value.reason == "truncated"


@pytest.mark.parametrize("keep", [4, 8, 20, 40, 300, -60, -13, -1])
def test_truncated_png_without_badge_is_refused_by_unbake(rgba_png: bytes, keep: int) -> None:
    with pytest.raises(BakeError) as refused:
        unbake_png(rgba_png[:keep])
    assert refused.value.reason == "truncated"


def test_png_truncated_inside_a_badge_chunk_is_refused_by_unbake(rgba_png: bytes) -> None:
    baked = bake_png(rgba_png, ob2=OB2_JSON)
    with pytest.raises(BakeError) as refused:
        unbake_png(baked[:100])
    assert refused.value.reason == "truncated"


def test_baked_png_cut_just_before_iend_is_refused_by_unbake(rgba_png: bytes) -> None:
    # Both badge chunks are intact right after IHDR; only the end of the file is missing.
    with pytest.raises(BakeError) as refused:
        unbake_png(bake_png(rgba_png, ob2=OB2_JSON, ob3=OB3_JSON)[:-12])
    assert refused.value.reason == "truncated"


def test_baked_png_with_bytes_after_iend_is_refused_by_unbake(rgba_png: bytes) -> None:
    with pytest.raises(BakeError) as refused:
        unbake_png(bake_png(rgba_png, ob2=OB2_JSON) + b"PK\x03\x04 appended archive")
    assert refused.value.reason == "trailing_data"


@pytest.mark.parametrize("operation", ["bake", "unbake"])
def test_png_with_a_damaged_iend_crc_is_refused(rgba_png: bytes, operation: str) -> None:
    damaged = rgba_png[:-1] + bytes([rgba_png[-1] ^ 0x01])
    with pytest.raises(BakeError) as refused:
        bake_png(damaged, ob2=OB2_JSON) if operation == "bake" else unbake_png(damaged)
    assert refused.value.reason == "bad_crc"


def test_bad_crc_on_a_badge_chunk_is_refused(rgba_png: bytes) -> None:
    baked = bytearray(bake_png(rgba_png, ob2=OB2_JSON))
    baked[60] ^= 0x20
    with pytest.raises(BakeError) as refused:
        unbake_png(bytes(baked))
    assert refused.value.reason == "bad_crc"


def test_bad_crc_on_ihdr_is_refused(rgba_png: bytes) -> None:
    damaged = bytearray(rgba_png)
    damaged[20] ^= 0x01
    with pytest.raises(BakeError) as refused:
        bake_png(bytes(damaged), ob2=OB2_JSON)
    assert refused.value.reason == "bad_crc"


def test_impossible_chunk_length_is_refused(rgba_png: bytes) -> None:
    damaged = rgba_png[:33] + b"\xff\xff\xff\xffIDAT" + rgba_png[41:]
    with pytest.raises(BakeError) as refused:
        bake_png(damaged, ob2=OB2_JSON)
    assert refused.value.reason == "bad_chunk"


def test_png_not_starting_with_ihdr_is_refused(rgba_png: bytes) -> None:
    with pytest.raises(BakeError) as refused:
        unbake_png(rgba_png[:8] + _chunk(b"tEXt", b"a\x00b") + rgba_png[8:])
    assert refused.value.reason == "bad_chunk"


def test_itxt_that_is_not_utf8_is_refused(rgba_png: bytes) -> None:
    chunk = _chunk(b"iTXt", b"openbadges\x00\x00\x00\x00\x00caf\xe9")
    with pytest.raises(BakeError) as refused:
        unbake_png(_insert_after_ihdr(rgba_png, chunk))
    assert refused.value.reason == "bad_chunk"


def test_truncated_compressed_itxt_is_refused(rgba_png: bytes) -> None:
    chunk = _chunk(b"iTXt", b"openbadges\x00\x01\x00\x00\x00" + zlib.compress(OB2_JSON.encode())[:-9])
    with pytest.raises(BakeError) as refused:
        unbake_png(_insert_after_ihdr(rgba_png, chunk))
    assert refused.value.reason == "bad_chunk"


@pytest.fixture(scope="module")
def gigabyte_of_zeros_compressed() -> bytes:
    compressor = zlib.compressobj(1)
    block = bytes(16 * 1024 * 1024)
    return b"".join([*(compressor.compress(block) for _ in range(64)), compressor.flush()])


def test_decompression_bomb_in_itxt_is_refused(rgba_png: bytes, gigabyte_of_zeros_compressed: bytes) -> None:
    chunk = _chunk(b"iTXt", b"openbadges\x00\x01\x00\x00\x00" + gigabyte_of_zeros_compressed)
    with pytest.raises(BakeError) as refused:
        unbake_png(_insert_after_ihdr(rgba_png, chunk))
    assert refused.value.reason == "too_large"


def test_fifty_megabyte_png_is_refused_as_too_large(rgba_png: bytes) -> None:
    huge = rgba_png[:-12] + bytes(50 * 1024 * 1024) + rgba_png[-12:]
    for operation in (unbake_png, lambda data: bake_png(data, ob2=OB2_JSON)):
        with pytest.raises(BakeError) as refused:
            operation(huge)
        assert refused.value.reason == "too_large"


def test_max_bytes_lowers_the_size_cap(rgba_png: bytes) -> None:
    with pytest.raises(BakeError) as refused:
        unbake_png(rgba_png, max_bytes=len(rgba_png) - 1)
    assert refused.value.reason == "too_large"


@pytest.mark.parametrize("payload", ["", "a\x00b", "lone \ud800 surrogate"])
def test_unwritable_payload_is_refused(rgba_png: bytes, payload: str) -> None:
    with pytest.raises(BakeError) as refused:
        bake_png(rgba_png, ob2=payload)
    assert refused.value.reason == "bad_payload"
