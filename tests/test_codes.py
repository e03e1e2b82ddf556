"""Claim codes: randomness budget, round trips, typo detection and normalisation (property tests)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claims import errors
from claims.codes import (
    ALPHABET,
    CODE_LENGTH,
    DATA_LENGTH,
    claim_link,
    format_code,
    generate_code,
    is_deep_link_safe,
    parse_code,
)
from claims.errors import ClaimError

# Codes built from any data characters, with the check character our generator would add.
data_strings = st.text(alphabet=ALPHABET, min_size=DATA_LENGTH, max_size=DATA_LENGTH)


def with_check(data: str) -> str:
    from claims.codes import _check_character

    return data + _check_character(data)


codes = data_strings.map(with_check)


def refusal(text: str) -> str:
    with pytest.raises(ClaimError) as info:
        parse_code(text)
    return info.value.code


def test_single_use_codes_carry_at_least_60_random_bits():
    assert DATA_LENGTH * math.log2(len(ALPHABET)) >= 60


def test_alphabet_has_no_look_alike_characters():
    assert not set("ILOU") & set(ALPHABET)


def test_generated_codes_are_distinct_and_well_formed():
    made = {generate_code() for _ in range(2000)}
    assert len(made) == 2000
    assert all(len(c) == CODE_LENGTH and parse_code(c) == c for c in made)


@given(codes)
def test_printed_form_parses_back_to_the_code(code):
    assert parse_code(format_code(code)) == code


@given(codes)
def test_code_fits_a_telegram_deep_link(code):
    assert is_deep_link_safe(code)
    assert parse_code(claim_link(code, public_url="https://x.org", target="telegram", bot_username="CanopeBot")) == code


@given(codes, st.sampled_from(["https://badges.example.org", "http://127.0.0.1:8080/prefix"]))
def test_claim_url_parses_back_to_the_code(code, base):
    assert parse_code(claim_link(code, public_url=base)) == code


@given(codes, st.lists(st.sampled_from([" ", "-", "  ", "_", "."]), min_size=CODE_LENGTH, max_size=CODE_LENGTH),
       st.lists(st.booleans(), min_size=CODE_LENGTH, max_size=CODE_LENGTH))
def test_case_spaces_and_dashes_do_not_matter(code, separators, lower):
    typed = "".join((ch.lower() if low else ch) + sep for ch, sep, low in zip(code, separators, lower))
    assert parse_code("  " + typed + " ") == code


@given(codes)
def test_look_alikes_typed_for_digits_are_accepted(code):
    typed = code.replace("0", "O").replace("1", "l")
    assert parse_code(typed) == code


@settings(max_examples=300)
@given(codes, st.integers(min_value=0, max_value=CODE_LENGTH - 1), st.sampled_from(ALPHABET))
def test_any_single_character_change_is_reported_as_a_typo(code, position, replacement):
    if code[position] == replacement:
        replacement = ALPHABET[(ALPHABET.index(replacement) + 1) % len(ALPHABET)]
    changed = code[:position] + replacement + code[position + 1 :]
    assert refusal(changed) == errors.CODE_TYPO


@given(codes, st.integers(min_value=0, max_value=CODE_LENGTH - 1))
def test_a_missing_character_is_reported_as_a_typo(code, position):
    assert refusal(code[:position] + code[position + 1 :]) == errors.CODE_TYPO


@given(codes, st.integers(min_value=0, max_value=CODE_LENGTH - 1))
def test_swapping_two_neighbours_is_usually_caught(code, position):
    # Luhn mod 32 misses exactly one pair of values per swap; a code may not change by swapping equal ones.
    swapped = code[:position] + code[position + 1 : position + 2] + code[position] + code[position + 2 :]
    if swapped != code and len(swapped) == CODE_LENGTH:
        try:
            assert parse_code(swapped) != code
        except ClaimError as exc:
            assert exc.code == errors.CODE_TYPO


def test_swaps_are_caught_for_almost_all_pairs():
    caught = total = 0
    for a in ALPHABET:
        for b in ALPHABET:
            if a == b:
                continue
            data = "2345678" + a + b + "ABCDE"
            swapped = "2345678" + b + a + "ABCDE"
            total += 1
            caught += with_check(data) != with_check(swapped)
    assert caught / total > 0.99


@pytest.mark.parametrize("text", ["hello", "https://example.org/about", "1234", "<script>"])
def test_text_that_is_no_code_is_an_unknown_code(text):
    assert refusal(text) == errors.UNKNOWN_CODE


@pytest.mark.parametrize("text", ["", "   ", "x" * 5000])
def test_empty_or_huge_input_is_invalid_input(text):
    assert refusal(text) == errors.INVALID_INPUT


@given(st.text(max_size=80))
def test_parsing_arbitrary_text_returns_a_code_or_a_claim_error(text):
    try:
        assert len(parse_code(text)) == CODE_LENGTH
    except ClaimError as exc:
        assert exc.code in {errors.UNKNOWN_CODE, errors.CODE_TYPO, errors.INVALID_INPUT}
