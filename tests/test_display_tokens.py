"""Rotating display-mode tokens: round trip, a two-period lifetime, refusal of forged or edited tokens."""

from __future__ import annotations

import base64
import re
import secrets
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims.display_tokens import MAX_CODE_LENGTH, make_display_token, open_display_token
from claims.errors import DISPLAY_TOKEN_EXPIRED, DISPLAY_TOKEN_INVALID, ClaimError

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
DEEP_LINK = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
NOW = datetime(2026, 6, 12, 10, 0, 17, tzinfo=timezone.utc)
PERIOD = 60

codes = st.text(alphabet=CROCKFORD, min_size=15, max_size=15)
secrets_ = st.binary(min_size=16, max_size=64)
moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)
)


def new_code() -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(15))


@pytest.fixture
def secret() -> bytes:
    return secrets.token_bytes(32)


def refusal(secret: bytes, token: str, now: datetime) -> str:
    with pytest.raises(ClaimError) as caught:
        open_display_token(secret, token, now, period_s=PERIOD)
    return caught.value.code


@settings(max_examples=60, deadline=None)
@given(secret=secrets_, code=codes, now=moments, period_s=st.integers(min_value=1, max_value=3600))
def test_token_opens_to_its_code_in_the_same_period(
    secret: bytes, code: str, now: datetime, period_s: int
) -> None:
    token = make_display_token(secret, code, now, period_s=period_s)
    assert open_display_token(secret, token, now, period_s=period_s) == code


@settings(max_examples=60, deadline=None)
@given(secret=secrets_, code=codes, now=moments)
def test_token_fits_a_telegram_deep_link(secret: bytes, code: str, now: datetime) -> None:
    assert DEEP_LINK.match(make_display_token(secret, code, now))


def test_longest_allowed_code_still_fits_a_deep_link(secret: bytes) -> None:
    token = make_display_token(secret, "Z" * MAX_CODE_LENGTH, NOW)
    assert DEEP_LINK.match(token)
    with pytest.raises(ValueError, match="at most"):
        make_display_token(secret, "Z" * (MAX_CODE_LENGTH + 1), NOW)


def test_token_of_the_previous_period_is_accepted(secret: bytes) -> None:
    code = new_code()
    token = make_display_token(secret, code, NOW)
    next_period_end = NOW.replace(second=0) + timedelta(seconds=2 * PERIOD - 1)
    assert open_display_token(secret, token, next_period_end) == code


def test_token_two_periods_old_is_expired(secret: bytes) -> None:
    token = make_display_token(secret, new_code(), NOW)
    two_periods_later = NOW.replace(second=0) + timedelta(seconds=2 * PERIOD)
    assert refusal(secret, token, two_periods_later) == DISPLAY_TOKEN_EXPIRED


def test_token_from_a_future_period_is_invalid(secret: bytes) -> None:
    token = make_display_token(secret, new_code(), NOW + timedelta(seconds=PERIOD))
    assert refusal(secret, token, NOW) == DISPLAY_TOKEN_INVALID


def test_token_made_with_another_secret_is_invalid(secret: bytes) -> None:
    token = make_display_token(secrets.token_bytes(32), new_code(), NOW)
    assert refusal(secret, token, NOW) == DISPLAY_TOKEN_INVALID


def test_token_made_for_another_period_length_is_invalid(secret: bytes) -> None:
    token = make_display_token(secret, new_code(), NOW, period_s=3600)
    assert refusal(secret, token, NOW) == DISPLAY_TOKEN_INVALID


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_any_single_character_edit_makes_the_token_invalid(data: st.DataObject) -> None:
    secret = b"k" * 32
    token = make_display_token(secret, data.draw(codes), NOW)
    position = data.draw(st.integers(min_value=0, max_value=len(token) - 1))
    replacement = data.draw(
        st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_").filter(
            lambda c: c != token[position]
        )
    )
    tampered = token[:position] + replacement + token[position + 1 :]
    assert refusal(secret, tampered, NOW) == DISPLAY_TOKEN_INVALID


def test_code_swapped_into_a_genuine_token_is_invalid(secret: bytes) -> None:
    token = make_display_token(secret, new_code(), NOW)
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    swapped = raw[:-15] + new_code().encode()
    forged = base64.urlsafe_b64encode(swapped).rstrip(b"=").decode()
    assert refusal(secret, forged, NOW) == DISPLAY_TOKEN_INVALID


@pytest.mark.parametrize("garbage", ["", "not a token", "a" * 65, "AAAA", "é" * 10, "A" * 20 + "="])
def test_garbled_token_is_invalid(secret: bytes, garbage: str) -> None:
    assert refusal(secret, garbage, NOW) == DISPLAY_TOKEN_INVALID


def test_same_code_in_a_new_period_gets_a_new_token(secret: bytes) -> None:
    code = new_code()
    next_period = NOW + timedelta(seconds=PERIOD)
    assert make_display_token(secret, code, NOW) != make_display_token(secret, code, next_period)


def test_naive_datetime_is_refused(secret: bytes) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_display_token(secret, new_code(), NOW.replace(tzinfo=None))


def test_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        make_display_token(b"short", new_code(), NOW)


@pytest.mark.parametrize("period_s", [0, -60, 86_401, 1.5])
def test_period_outside_1_s_to_1_day_is_refused(secret: bytes, period_s: object) -> None:
    with pytest.raises(ValueError, match="period_s"):
        make_display_token(secret, new_code(), NOW, period_s=period_s)  # type: ignore[arg-type]
