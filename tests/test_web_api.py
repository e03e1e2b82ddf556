"""POST /api/v1/claims: statuses, the error shape in both languages, Idempotency-Key, e-mail delivery queueing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from claims import errors
from claims.codes import ALPHABET, format_code, generate_code
from claims.display_tokens import make_display_token
from claims.models import Award, ClaimCode, Delivery, Event
from conftest import PUBLIC_URL, SECRET
from kiosk.keys import WebKeys
from web_support import build_app, make_codes, with_config


def assert_error_shape(body: dict, code: str) -> str:
    """The one error shape of the API; returns the message."""
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    message = body["error"]["message"]
    assert isinstance(message, str) and message and "Traceback" not in message
    return message


async def count(site, model) -> int:
    async with site.db.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_a_new_claim_answers_201_with_every_url_of_the_award(site):
    [code] = await site.codes(count=1)
    response = await site.api_claim(code, email="ada@example.org", name="Ada")
    assert response.status == 201
    body = await response.json()
    award = body["award_id"]
    assert body == {
        "award_id": award,
        "verify_url": f"{PUBLIC_URL}/awards/{award}",
        "badge_image_url": f"{PUBLIC_URL}/awards/{award}/badge.png",
        "ob2_assertion_url": f"{PUBLIC_URL}/ob2/assertions/{award}",
        "ob3_credential_url": f"{PUBLIC_URL}/ob3/credentials/{award}",
    }
    assert response.headers["Location"] == body["verify_url"]


async def test_a_retry_with_the_same_idempotency_key_is_the_same_award_with_200(site):
    [code] = await site.codes(max_claims=10)
    first = await site.api_claim(code, key="retry-key-0001")
    again = await site.api_claim(code, key="retry-key-0001")
    assert (first.status, again.status) == (201, 200)
    assert (await first.json())["award_id"] == (await again.json())["award_id"]
    assert await count(site, Award) == 1


async def test_another_idempotency_key_on_a_poster_is_another_award(site):
    [code] = await site.codes(max_claims=10)
    first = await site.api_claim(code, key="person-one-key")
    second = await site.api_claim(code, key="person-two-key")
    assert (first.status, second.status) == (201, 201)
    assert await count(site, Award) == 2


async def test_a_retry_of_a_single_use_card_with_its_key_is_not_refused_as_used(site):
    [code] = await site.codes(count=1)
    await site.api_claim(code, key="card-retry-01")
    again = await site.api_claim(code, key="card-retry-01")
    assert again.status == 200


async def test_the_same_email_again_gets_the_same_award_with_200(site):
    [code] = await site.codes(max_claims=10)
    first = await site.api_claim(code, email="bea@example.org")
    again = await site.api_claim(code, email="Bea@Example.org")
    assert again.status == 200
    assert (await first.json())["award_id"] == (await again.json())["award_id"]


async def _expired(site):
    now = site.clock.now
    return (await site.codes(count=1, valid_from=now - timedelta(days=3), valid_until=now - timedelta(days=1)))[0]


async def _not_yet_valid(site):
    now = site.clock.now
    return (await site.codes(count=1, valid_from=now + timedelta(days=1), valid_until=now + timedelta(days=2)))[0]


async def _used(site):
    [code] = await site.codes(count=1)
    assert (await site.api_claim(code)).status == 201
    return code


async def _closed(site):
    [code] = await site.codes(count=1)
    async with site.db.sessionmaker.begin() as session:
        await session.execute(update(Event).values(closed_at=site.clock.now - timedelta(hours=1)))
    return code


async def _display_only(site):
    [code] = await site.codes(max_claims=100)
    async with site.db.sessionmaker.begin() as session:
        await session.execute(update(ClaimCode).where(ClaimCode.code == code).values(display_only=True))
    return code


async def _stale_token(site):
    code = await _display_only(site)
    return make_display_token(WebKeys(SECRET).display_token, code, site.clock.now - timedelta(minutes=5))


async def _forged_token(site):
    code = await _display_only(site)
    return make_display_token(WebKeys("another installation's secret").display_token, code, site.clock.now)


async def _unknown(site):
    return format_code(generate_code())  # well formed, checks out, and in no database


async def _typo(site):
    return mistyped(generate_code())


def mistyped(code: str) -> str:
    """The code with its check character wrong, as a person would mistype it."""
    wrong = next(ch for ch in ALPHABET if ch != code[-1])
    return format_code(code[:-1] + wrong)


REFUSALS = [
    # (making the code, error code, status, words of the French message, words of the English one)
    (_unknown, errors.UNKNOWN_CODE, 404, "n'existe pas", "does not exist"),
    (_typo, errors.CODE_TYPO, 422, "faute de frappe", "typo"),
    (_used, errors.CODE_USED, 409, "déjà été utilisé", "already been used"),
    (_expired, errors.CODE_EXPIRED, 410, "plus valable", "closed on"),
    (_not_yet_valid, errors.CODE_NOT_YET_VALID, 409, "valable qu", "opens on"),
    (_closed, errors.EVENT_CLOSED, 410, "clos", "closed"),
    (_display_only, errors.DISPLAY_ONLY, 403, "QR affiché", "QR code on the screen"),
    (_stale_token, errors.DISPLAY_TOKEN_EXPIRED, 410, "a expiré", "has expired"),
    (_forged_token, errors.DISPLAY_TOKEN_INVALID, 404, "pas valide", "not valid"),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("make, code, status, french, english", REFUSALS, ids=[r[1] for r in REFUSALS])
async def test_each_refusal_has_its_status_and_a_message_in_the_request_language(
    site, make, code, status, french, english, language
):
    text = await make(site)
    response = await site.api_claim(text, language=language)
    assert response.status == status
    message = assert_error_shape(await response.json(), code)
    assert (french if language == "fr" else english) in message


async def test_an_expired_code_says_since_when_in_the_event_time_zone(site):
    now = site.clock.now  # 10:00 UTC: the code closed a day before at 10:00 UTC, 12:00 in Paris in June
    [code] = await site.codes(count=1, valid_from=now - timedelta(days=3), valid_until=now - timedelta(days=1))
    response = await site.api_claim(code, language="fr")
    assert "11 juin 2026 à 12:00" in (await response.json())["error"]["message"]


@pytest.mark.parametrize("language, words", [("fr", "adresse e-mail"), ("en", "e-mail address")])
async def test_a_malformed_email_is_invalid_input_with_422(site, language, words):
    [code] = await site.codes(count=1)
    response = await site.api_claim(code, email="not an address", language=language)
    assert response.status == 422
    assert words in assert_error_shape(await response.json(), errors.INVALID_INPUT)


async def test_a_missing_code_is_invalid_input(site):
    response = await site.client.post("/api/v1/claims", json={"email": "x@example.org"})
    assert response.status == 422
    assert_error_shape(await response.json(), errors.INVALID_INPUT)


async def test_a_body_that_is_not_json_is_invalid_input(site):
    response = await site.client.post("/api/v1/claims", data=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status == 422
    assert_error_shape(await response.json(), errors.INVALID_INPUT)


async def test_a_form_encoded_body_is_refused_with_415(site):
    [code] = await site.codes(count=1)
    response = await site.client.post("/api/v1/claims", data={"code": code})
    assert response.status == 415
    assert_error_shape(await response.json(), "unsupported_media_type")
    assert await count(site, Award) == 0


async def test_a_malformed_idempotency_key_is_invalid_input(site):
    [code] = await site.codes(count=1)
    response = await site.api_claim(code, key="short")
    assert response.status == 422
    assert_error_shape(await response.json(), errors.INVALID_INPUT)


async def test_a_display_token_in_place_of_the_code_claims_the_code(site):
    code = await _display_only(site)
    token = make_display_token(WebKeys(SECRET).display_token, code, site.clock.now)
    response = await site.api_claim(token)
    assert response.status == 201


async def test_an_unknown_route_under_the_api_answers_the_json_shape(site):
    response = await site.client.get("/api/v1/nothing")
    assert response.status == 404
    assert_error_shape(await response.json(), "not_found")


async def test_get_on_the_claims_route_is_405_in_the_json_shape(site):
    response = await site.client.get("/api/v1/claims")
    assert response.status == 405
    assert_error_shape(await response.json(), "method_not_allowed")


async def test_an_email_claim_queues_an_email_delivery_when_email_is_enabled(db, world, clock, aiohttp_client):
    client = await aiohttp_client(build_app(db, clock, with_config(email_enabled=True)))
    [code] = await make_codes(db, world, clock.now, count=1)
    response = await client.post("/api/v1/claims", json={"code": code, "email": "cleo@example.org"},
                                 headers={"Accept-Language": "en"})
    assert response.status == 201
    async with db.sessionmaker() as session:
        delivery = (await session.scalars(select(Delivery))).one()
    assert (delivery.channel, delivery.target, delivery.language) == ("email", "cleo@example.org", "en")


async def test_no_delivery_is_queued_when_email_is_off(site):
    [code] = await site.codes(count=1)
    await site.api_claim(code, email="dora@example.org")
    assert await count(site, Delivery) == 0
