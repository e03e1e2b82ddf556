"""A USB barcode scanner in keyboard-wedge mode, as the browser receives it: keys stamped at scanner speed."""

from __future__ import annotations

import time
from typing import Any

# The physical key (and shift) a QWERTY-configured scanner presses for each character, and what a French AZERTY
# computer makes of those keys.
_QWERTY_KEYS = {**{str(d): (f"Digit{d}", False) for d in range(10)}, "-": ("Minus", False), "_": ("Minus", True),
                ".": ("Period", False), "/": ("Slash", False), ":": ("Semicolon", True), "=": ("Equal", False),
                "?": ("Slash", True)}
_AZERTY_OUTPUT = {("Digit1", False): "&", ("Digit2", False): "é", ("Digit3", False): '"', ("Digit4", False): "'",
                  ("Digit5", False): "(", ("Digit6", False): "-", ("Digit7", False): "è", ("Digit8", False): "_",
                  ("Digit9", False): "ç", ("Digit0", False): "à", ("Minus", False): ")", ("Minus", True): "°",
                  ("Period", False): ":", ("Slash", False): "!", ("Semicolon", True): "M", ("Equal", False): "=",
                  ("Slash", True): "§", ("KeyQ", False): "a", ("KeyQ", True): "A", ("KeyA", False): "q",
                  ("KeyA", True): "Q", ("KeyW", False): "z", ("KeyW", True): "Z", ("KeyZ", False): "w",
                  ("KeyZ", True): "W", ("KeyM", False): ",", ("KeyM", True): "?"}


def qwerty_strokes(meant: str) -> list[tuple[str, str, bool]]:
    """(typed character, physical key, shift) for each character a QWERTY scanner sends to a QWERTY computer."""
    return [(char, *(_QWERTY_KEYS.get(char) or (f"Key{char.upper()}", char.isupper()))) for char in meant]


def azerty_strokes(meant: str) -> list[tuple[str, str, bool]]:
    """The same keys, with what a French AZERTY computer makes of them."""
    return [(_AZERTY_OUTPUT.get((key, shift), char), key, shift) for char, key, shift in qwerty_strokes(meant)]


async def scan(page: Any, strokes: list[tuple[str, str, bool]]) -> str:
    """Trusted key events as the operating system hands a scanner's keys over: stamped 10 ms apart, then Enter.

    The time stamps are the keys' own (Input.dispatchKeyEvent's ``timestamp``), so a busy test machine that
    delivers them slowly cannot make a scan look like typing, nor the other way round.
    """
    cdp = await page.context.new_cdp_session(page)
    start = time.time()
    for index, (char, key, shift) in enumerate(strokes):
        at, modifiers = start + index * 0.01, 8 if shift else 0
        await cdp.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": char, "code": key, "text": char,
                                                  "unmodifiedText": char, "modifiers": modifiers, "timestamp": at})
        await cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": char, "code": key, "modifiers": modifiers,
                                                  "timestamp": at + 0.004})
    enter = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13, "timestamp": start + len(strokes) * 0.01}
    await cdp.send("Input.dispatchKeyEvent", {"type": "keyDown", "text": "\r", **enter})
    await cdp.send("Input.dispatchKeyEvent", {"type": "keyUp", **enter})
    return "".join(char for char, _, _ in strokes)
