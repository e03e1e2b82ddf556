"""The Unicode fonts of printed text: found in installed packages, registered once, picked per character."""

from __future__ import annotations

import functools
import importlib.util
import unicodedata
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, makeToUnicodeCMap

REGULAR, BOLD, OBLIQUE, CODE = "regular", "bold", "oblique", "code"
STYLES = (REGULAR, BOLD, OBLIQUE, CODE)
# Printed where no font has the character: the mark Unicode made for exactly that, and DejaVu has it.
PLACEHOLDER = "\ufffd"

# DejaVu covers Latin, Greek, Cyrillic, most symbols (✓ ★ →) and the emoticons; matplotlib is the
# well-kept package that ships it. Noto Emoji (monochrome, TrueType outlines) draws the rest of the
# emoji; it is optional: without it those print as PLACEHOLDER.
_DEJAVU = ("matplotlib", "mpl-data/fonts/ttf")
_FILES: dict[str, tuple[tuple[str, str], str]] = {
    REGULAR: (_DEJAVU, "DejaVuSans.ttf"),
    BOLD: (_DEJAVU, "DejaVuSans-Bold.ttf"),
    OBLIQUE: (_DEJAVU, "DejaVuSans-Oblique.ttf"),
    CODE: (_DEJAVU, "DejaVuSansMono-Bold.ttf"),
}
_EMOJI = (("manimgx_fonts", "."), "NotoEmoji[wght].ttf")
# The chain a character walks for each style: the style's own face, then plain DejaVu for the few
# glyphs only the regular face has, then the emoji font.
_CHAINS = {style: (style,) if style == REGULAR else (style, REGULAR) for style in STYLES}
# Skin-tone modifiers only colour the emoji before them; a monochrome font prints them as squares.
_DROPPED_RANGES = ((0x1F3FB, 0x1F3FF),)
_INVISIBLE = frozenset({"Cc", "Cf", "Mn", "Me"})


class _UnicodeTTFont(TTFont):
    """A TrueType font whose ToUnicode map is right for characters past U+FFFF.

    reportlab writes their code point as five hex digits, which PDF readers cut to four (😀 copies
    out as ὠ); the PDF reference asks for UTF-16 there, so those subsets' maps are rewritten.
    """

    def addObjects(self, doc) -> None:  # noqa: N802 - reportlab's name
        # reportlab forgets the document's subsets once their objects are made: read them first.
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state is not None else []
        super().addObjects(doc)
        for index, subset in enumerate(subsets):
            if max(subset, default=0) <= 0xFFFF:
                continue
            base_name = (SUBSETN(index) + b"+" + self.face.name + self.face.subfontNameX).decode("pdfdoc")
            cmap = makeToUnicodeCMap(base_name, subset)
            for code, point in enumerate(subset):
                if point > 0xFFFF:
                    utf16 = chr(point).encode("utf-16-be").hex().upper()
                    cmap = cmap.replace(f"<{code:02X}> <{point:04X}>", f"<{code:02X}> <{utf16}>")
            doc.idToObject["toUnicodeCMap:" + base_name].content = cmap


def font_file(style: str = REGULAR) -> Path:
    """The TrueType file of ``style`` (one of STYLES), e.g. for Pillow's ``ImageFont.truetype``."""
    if style not in _FILES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, not {style!r}")
    (package, folder), name = _FILES[style]
    path = _package_file(package, folder, name)
    if path is None:
        raise FileNotFoundError(f"the {name} font of the {package} package is missing; reinstall badgeclaim")
    return path


def pdf_font(style: str = REGULAR) -> str:
    """The reportlab name of ``style``'s own face, registered on first use."""
    return _chain(style)[0].fontName


def text_runs(text: str, style: str) -> tuple[tuple[str, str], ...]:
    """``text`` cut into (reportlab font name, piece) runs, each piece drawable by its font.

    Characters no font has become PLACEHOLDER, except invisible ones (controls, joiners, variation
    selectors, marks left over after NFC), which are dropped.
    """
    return _runs(unicodedata.normalize("NFC", text), style)


def text_width(text: str, style: str, size: float) -> float:
    """Width in points of ``text`` drawn in ``style`` at ``size``, each run measured in its own font."""
    return size * _unit_width(text, style)


@functools.lru_cache(maxsize=4096)
def _unit_width(text: str, style: str) -> float:
    return sum(pdfmetrics.stringWidth(piece, font, 1) for font, piece in text_runs(text, style))


@functools.lru_cache(maxsize=4096)
def _runs(text: str, style: str) -> tuple[tuple[str, str], ...]:
    # Cached: a sheet prints the same badge and event names on every card.
    chain = _chain(style)
    runs: list[tuple[str, str]] = []
    for char in text:
        if _dropped(char):
            continue
        font = next((f for f in chain if ord(char) in f.face.charToGlyph), None)
        if font is None:
            if unicodedata.category(char) in _INVISIBLE:
                continue
            char, font = PLACEHOLDER, chain[0]
        if runs and runs[-1][0] == font.fontName:
            runs[-1] = (font.fontName, runs[-1][1] + char)
        else:
            runs.append((font.fontName, char))
    return tuple(runs)


def _dropped(char: str) -> bool:
    return any(low <= ord(char) <= high for low, high in _DROPPED_RANGES)


@functools.cache
def _chain(style: str) -> tuple[TTFont, ...]:
    if style not in _FILES:
        raise ValueError(f"style must be one of {', '.join(STYLES)}, not {style!r}")
    fonts = [_registered(f"badgeclaim-{name}", font_file(name)) for name in _CHAINS[style]]
    (package, folder), emoji_name = _EMOJI
    emoji = _package_file(package, folder, emoji_name)
    if emoji is not None:
        fonts.append(_registered("badgeclaim-emoji", emoji))
    return tuple(fonts)


@functools.cache
def _registered(name: str, path: Path) -> TTFont:
    # reportlab keeps one registry per process; registering once keeps a font's metrics parsed once.
    # Subsetting (the default) embeds only the glyphs a PDF uses.
    font = _UnicodeTTFont(name, str(path))
    pdfmetrics.registerFont(font)
    return font


def _package_file(package: str, folder: str, name: str) -> Path | None:
    # find_spec locates a top-level package without importing it: importing matplotlib would pull
    # numpy into every process that prints a card.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location, folder, name)
        if path.is_file():
            return path
    return None
