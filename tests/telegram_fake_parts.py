"""What the fake Bot API server (tests/telegram_fake.py) is made of: people, messages, files, faults, parameters."""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456789:AAFakeTokenForTheBadgeclaimTests_0123"
BOT_USERNAME = "badgeclaim_test_bot"

# The calls that post a message into a chat: what the flood limits count and what faults hit by default.
SENDING_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})

# Parameters PTB sends JSON-encoded inside form or multipart fields.
_JSON_FIELDS = frozenset({"reply_markup", "allowed_updates", "commands", "scope", "entities", "caption_entities",
                          "link_preview_options", "reply_parameters"})
_BOOL_FIELDS = frozenset({"drop_pending_updates", "show_alert", "disable_notification", "protect_content",
                          "disable_content_type_detection"})
_INT_FIELDS = frozenset({"chat_id", "message_id", "offset", "limit", "timeout", "max_connections", "cache_time"})


@dataclass(frozen=True)
class TelegramUser:
    """A person talking to the bot (their private chat has the same id)."""

    id: int
    first_name: str
    language_code: str | None = "fr"
    username: str | None = None

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code is not None:
            found["language_code"] = self.language_code
        if self.username is not None:
            found["username"] = self.username
        return found

    def chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    path: str
    data: bytes
    filename: str | None = None
    mime_type: str | None = None


@dataclass
class SentMessage:
    """A message the bot posted (or a person sent): what tests assert on. ``text`` follows edits."""

    chat_id: int
    message_id: int
    method: str  # sendMessage, sendDocument, sendPhoto; "user" for what a person sent
    date: int
    text: str | None = None
    caption: str | None = None
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    file: StoredFile | None = None
    edits: int = 0
    raw: dict[str, Any] = field(default_factory=dict)  # the Message object as the Bot API answered it

    def buttons(self) -> list[tuple[str, str | None]]:
        """(label, callback_data or url) of every inline button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [(b.get("text", ""), b.get("callback_data", b.get("url"))) for row in rows for b in row]


@dataclass(frozen=True)
class SentDocument:
    chat_id: int
    message_id: int
    filename: str | None
    mime_type: str | None
    data: bytes
    caption: str | None
    parse_mode: str | None


@dataclass(frozen=True)
class Call:
    """One request the bot made and the HTTP status it got back."""

    method: str
    params: dict[str, Any]
    status: int


@dataclass(frozen=True)
class Faults:
    """Shares of calls (among ``methods``) that fail, drawn from a seeded RNG so a run can be replayed.

    A timed-out call sleeps ``timeout_seconds`` (past the client's read timeout) and is NOT carried out,
    as when Telegram never got the request; ``timeouts_after_acting`` carries it out first (the answer,
    not the request, was lost), the case no client can tell apart and where a retry sends twice.
    """

    too_many_requests: float = 0.0
    retry_after: int = 1
    server_errors: float = 0.0
    timeouts: float = 0.0
    timeout_seconds: float = 2.0
    timeouts_after_acting: bool = False
    methods: frozenset[str] = SENDING_METHODS
    seed: int = 0


class Bucket:
    """A token bucket: ``rate`` per second, bursts up to ``capacity`` (the same model as aiolimiter's)."""

    def __init__(self, rate: float, capacity: float) -> None:
        self.rate, self.capacity = rate, capacity
        self.level = 0.0
        self.stamp = time.monotonic()

    def take(self) -> float:
        """0 when admitted, else the seconds until a place frees up."""
        now = time.monotonic()
        self.level = max(0.0, self.level - (now - self.stamp) * self.rate)
        self.stamp = now
        if self.level + 1 <= self.capacity + 1e-9:
            self.level += 1
            return 0.0
        return (self.level + 1 - self.capacity) / self.rate


class ApiError(Exception):
    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters

    def response(self) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return web.json_response(body, status=self.status)


@dataclass(frozen=True)
class Upload:
    filename: str | None
    content_type: str | None
    data: bytes


async def read_params(request: web.Request) -> dict[str, Any]:
    """The call's parameters from the query string and a form, multipart or JSON body, typed like the API's."""
    raw: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            body = await request.json()
            return _typed({**raw, **body}, decode_json=False)
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            async for part in reader:
                if part.name is None:
                    continue
                data = await part.read()  # type: ignore[union-attr]
                if part.filename is not None:
                    raw[part.name] = Upload(part.filename, part.headers.get("Content-Type"), bytes(data))
                else:
                    raw[part.name] = bytes(data).decode("utf-8")
        else:
            raw.update(await request.post())
    return _typed(raw, decode_json=True)


def _typed(raw: dict[str, Any], *, decode_json: bool) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name, value in raw.items():
        if isinstance(value, str):
            if decode_json and name in _JSON_FIELDS:
                value = json.loads(value)
            elif name in _INT_FIELDS:
                with contextlib.suppress(ValueError):
                    value = int(value)
            elif name in _BOOL_FIELDS and value in ("true", "false", "True", "False"):
                value = value.lower() == "true"
        params[name] = value
    return params


def too_many(retry_after: int) -> ApiError:
    retry_after = max(1, retry_after)
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after})
