"""Keys derived from the secret key: one per purpose, the same in every process, none without a secret."""

from __future__ import annotations

import pytest

from claims.derived_keys import Purpose, derive_key


def test_each_purpose_gets_its_own_key():
    keys = {derive_key("the secret", purpose) for purpose in Purpose}
    assert len(keys) == len(Purpose) and all(len(key) == 32 for key in keys)


def test_the_same_secret_gives_the_same_key_everywhere():
    assert derive_key("the secret", Purpose.DISPLAY_TOKEN) == derive_key("the secret", Purpose.DISPLAY_TOKEN)


def test_another_secret_gives_another_key():
    assert derive_key("one secret", Purpose.CSRF) != derive_key("another secret", Purpose.CSRF)


def test_no_key_without_a_secret():
    with pytest.raises(ValueError):
        derive_key("", Purpose.CSRF)
