"""QR module matrices: one symbol built by a chosen engine, read as rows and dark runs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

import qrcode
import qrcode.constants
import segno
import zxingcpp

Engine = Literal["zxing", "segno", "qrcode"]
ErrorLevel = Literal["m", "q"]

ENGINES: tuple[str, ...] = ("zxing", "segno", "qrcode")
# The C++ encoder builds a symbol about 15x faster than the pure-Python ones (bench/bench_sheets.py):
# it is what makes a 1,000-card sheet fit in the time budget.
DEFAULT_ENGINE: Engine = "zxing"
# L is too fragile for a crumpled card and H makes the symbol denser than it needs to be at print
# sizes, so only the two levels that suit printing and screens are offered.
ERROR_LEVELS: tuple[str, ...] = ("m", "q")
# ISO/IEC 18004 asks for a 4-module light margin around the symbol; phones misread without it.
QUIET_ZONE = 4

_DARK_RUN = re.compile(b"\x01+")
# zxing renders dark modules as 0 and light ones as 255; rows are kept as 1 = dark, 0 = light.
_ZXING_TO_BITS = bytes([1] + [0] * 255)


@dataclass(frozen=True, slots=True)
class QRMatrix:
    """A square symbol without its quiet zone: ``rows[y][x]`` is 1 for a dark module, 0 for light."""

    size: int
    rows: tuple[bytes, ...]

    def dark_runs(self) -> list[tuple[int, int, int]]:
        """Horizontal runs of dark modules as ``(row, first column, length)``.

        Drawing runs instead of single modules divides the number of shapes by about three and
        leaves no hairline seams between neighbouring modules in PDF viewers.
        """
        return [
            (y, match.start(), match.end() - match.start())
            for y, row in enumerate(self.rows)
            for match in _DARK_RUN.finditer(row)
        ]


def qr_matrix(data: str, *, error: str = "q", engine: str = DEFAULT_ENGINE) -> QRMatrix:
    """Encode ``data`` as a QR code (never Micro QR) at error correction level M or Q."""
    if not isinstance(data, str) or not data:
        raise ValueError("QR data must be a non-empty string")
    level = check_symbol_options(error=error, engine=engine)
    if engine == "zxing":
        return _zxing_matrix(data, level)
    if engine == "segno":
        return _segno_matrix(data, level)
    return _qrcode_matrix(data, level)


def check_symbol_options(*, error: str, engine: str) -> str:
    """Refuse an unknown error correction level or engine; return the level in lower case."""
    level = error.lower() if isinstance(error, str) else error
    if level not in ERROR_LEVELS:
        raise ValueError(f"error correction must be one of {', '.join(ERROR_LEVELS)}, not {error!r}")
    if engine not in ENGINES:
        raise ValueError(f"QR engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    return level


def _zxing_matrix(data: str, level: str) -> QRMatrix:
    try:
        symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.QRCode, ec_level=level.upper())
    except ValueError as exc:
        raise ValueError(f"cannot encode {len(data)} characters as a QR code: {exc}") from exc
    image = memoryview(symbol.to_image(scale=1, add_quiet_zones=False))
    size = image.shape[0]
    bits = image.tobytes().translate(_ZXING_TO_BITS)
    return QRMatrix(size, tuple(bits[y * size : (y + 1) * size] for y in range(size)))


def _segno_matrix(data: str, level: str) -> QRMatrix:
    try:
        # boost_error=False: the level asked for is the level printed, whatever the engine.
        symbol = segno.make(data, error=level, micro=False, boost_error=False)
    except segno.DataOverflowError as exc:
        raise ValueError(f"cannot encode {len(data)} characters as a QR code: {exc}") from exc
    rows = tuple(bytes(row) for row in symbol.matrix)
    return QRMatrix(len(rows), rows)


_QRCODE_LEVELS = {"m": qrcode.constants.ERROR_CORRECT_M, "q": qrcode.constants.ERROR_CORRECT_Q}


def _qrcode_matrix(data: str, level: str) -> QRMatrix:
    builder = qrcode.QRCode(error_correction=_QRCODE_LEVELS[level], border=0)
    builder.add_data(data)
    try:
        builder.make(fit=True)
    except (ValueError, qrcode.exceptions.DataOverflowError) as exc:
        raise ValueError(f"cannot encode {len(data)} characters as a QR code: {exc}") from exc
    rows = tuple(bytes(row) for row in builder.get_matrix())
    return QRMatrix(len(rows), rows)
