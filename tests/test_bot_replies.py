"""Long bot replies are cut where Telegram needs it (4,096 characters), between lines when it can."""

from __future__ import annotations

from bot.replies import MAX_MESSAGE_CHARS, split_message


def test_a_short_reply_stays_one_message() -> None:
    assert split_message("Vos badges :\n• Explorateur") == ["Vos badges :\n• Explorateur"]


def test_a_long_reply_is_cut_between_lines_within_the_limit() -> None:
    lines = [f"• Badge {n} — Journée des badges, https://badges.example.org/awards/{n:036d}" for n in range(200)]
    parts = split_message("\n".join(lines))
    assert len(parts) > 1 and all(len(part) <= MAX_MESSAGE_CHARS for part in parts)
    assert "\n".join(parts).split("\n") == lines


def test_a_line_longer_than_the_limit_is_cut_itself() -> None:
    assert split_message("ab\ncdefgh\ni", limit=3) == ["ab", "cde", "fgh", "i"]
