"""The demo's badge image: a small, reproducible PNG with two readable French lines on it."""

from __future__ import annotations

import io

from PIL import Image

from badgeclaim.cli.demo import demo_badge_image


def white_rows(image: Image.Image) -> list[int]:
    """Rows holding text pixels: the text is the only white on the badge."""
    rgba = image.convert("RGBA")
    return [y for y in range(rgba.height)
            if sum(1 for x in range(rgba.width) if min(rgba.getpixel((x, y))) >= 235) >= 3]


def bands(rows: list[int]) -> list[tuple[int, int]]:
    groups: list[tuple[int, int]] = []
    for row in rows:
        if groups and row - groups[-1][1] <= 2:  # accents stand a pixel or two above their letter
            groups[-1] = (groups[-1][0], row)
        else:
            groups.append((row, row))
    return groups


def test_demo_badge_image_is_a_small_png_of_the_asked_size():
    data = demo_badge_image()
    with Image.open(io.BytesIO(data)) as image:
        assert (image.format, image.size, image.mode) == ("PNG", (400, 400), "RGBA")
    assert len(data) < 60_000


def test_demo_badge_image_carries_two_lines_of_text_on_its_lower_half():
    with Image.open(io.BytesIO(demo_badge_image())) as image:
        lines = bands(white_rows(image))
    assert len(lines) == 2, lines
    assert all(200 < top < bottom < 380 for top, bottom in lines)
    # The title line is the larger one.
    assert lines[0][1] - lines[0][0] > lines[1][1] - lines[1][0] > 10


def test_demo_badge_image_is_the_same_bytes_every_time():
    assert demo_badge_image() == demo_badge_image()
