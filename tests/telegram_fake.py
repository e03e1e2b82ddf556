"""A fake Telegram Bot API server (aiohttp, 127.0.0.1) for the bot's tests and benchmarks: updates in, calls recorded.

The bot reaches it exactly as it reaches a self-hosted Bot API server (DESIGN.md §4): ``<root>/bot<token>/<method>``
(GET or POST; query string, form-urlencoded, JSON or multipart) and file downloads at
``<root>/file/bot<token>/<path>``. A test plays the people (``send_text``, ``send_photo``, ``press_button``…),
the fake hands their updates to the bot by ``getUpdates`` long polling or, once ``setWebhook`` was called, by
POSTing them to the webhook with the secret token header, and the test reads back what the bot did
(``messages``, ``sent_documents``, ``commands``). Faults (429, 500, timeouts, blocked users, unknown chats) and
Telegram's flood limits (≈30 messages/s overall, 1/s per chat) are opt-in per test.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import math
import random
import time
from typing import Any, AsyncIterator, Callable, Iterable

import aiohttp
from aiohttp import web
from PIL import Image

from telegram_fake_parts import (  # noqa: F401  (tests import every name from here)
    BOT_USERNAME,
    SENDING_METHODS,
    TOKEN,
    ApiError,
    Bucket,
    Call,
    Faults,
    SentDocument,
    SentMessage,
    StoredFile,
    TelegramUser,
    Upload,
    read_params,
    too_many,
)

class TelegramFake:
    """The fake server; ``await start()`` then point the bot at ``api_url`` with ``token``."""

    def __init__(self, token: str = TOKEN, *, bot_username: str = BOT_USERNAME,
                 clock: Callable[[], float] = time.time) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.clock = clock
        self.calls: list[Call] = []
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self.webhook_responses: list[tuple[int, int]] = []  # (update_id, HTTP status or 0 for no answer)
        self.max_concurrent_requests = 0
        self._concurrent = 0
        self._users: dict[int, TelegramUser] = {}
        self._messages: dict[int, list[SentMessage]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._files: dict[str, StoredFile] = {}
        self._file_ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._callback_queries: set[str] = set()
        self._updates: list[dict[str, Any]] = []
        self._changed = asyncio.Condition()
        self._commands: dict[str, list[dict[str, str]]] = {}
        self._blocked: set[int] = set()
        self._unknown_chats: set[int] = set()
        self._faults: Faults | None = None
        self._stall_budget: int | None = None
        self._unstall = asyncio.Event()
        self.stalled_calls = 0
        self._rng = random.Random(0)
        self._overall: Bucket | None = None
        self._per_chat_rate: float | None = None
        self._per_chat: dict[int, Bucket] = {}
        self._runner: web.AppRunner | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_wake = asyncio.Event()
        self._closing = asyncio.Event()
        self.root = ""

    # ---- life cycle -------------------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = site._server.sockets[0].getsockname()  # type: ignore[union-attr]
        self.root = f"http://{host}:{bound[1]}"
        return self.root

    async def close(self) -> None:
        self._closing.set()
        self._unstall.set()
        async with self._changed:
            self._changed.notify_all()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        """The value for BADGECLAIM_TELEGRAM_API_URL."""
        return self.root

    @property
    def base_url(self) -> str:
        """PTB's ``base_url`` (the token is appended to it)."""
        return f"{self.root}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.root}/file/bot"

    # ---- what the test configures -----------------------------------------------------------------------------

    def inject_faults(self, faults: Faults | None) -> None:
        """Fail a share of the calls from now on (None: stop)."""
        self._faults = faults
        self._rng = random.Random(faults.seed if faults else 0)

    def enforce_limits(self, *, overall_per_second: float = 30.0, per_chat_per_second: float = 1.0) -> None:
        """Answer 429 with retry_after like Telegram when the bot posts faster than these rates."""
        self._overall = Bucket(overall_per_second, overall_per_second)
        self._per_chat_rate = per_chat_per_second
        self._per_chat = {}

    def stall_sends_after(self, count: int) -> None:
        """After ``count`` more messages are posted, posting hangs WITHOUT being carried out (Telegram never got
        the request) until ``release_stalled()`` answers those calls 502; a killed worker's sends in flight."""
        self._stall_budget = count
        self._unstall.clear()

    def release_stalled(self) -> None:
        self._stall_budget = None
        self._unstall.set()

    def forget_sent(self) -> None:
        """Forget what the bot sent and every call (a benchmark's second run on the same server)."""
        self.calls.clear()
        for chat_id, found in self._messages.items():
            self._messages[chat_id] = [m for m in found if m.method == "user"]

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: posting to them is 403 Forbidden."""
        self._blocked.add(chat_id)

    def forget_chat(self, chat_id: int) -> None:
        """Posting to this chat is 400 chat not found (a deleted account, a wrong id)."""
        self._unknown_chats.add(chat_id)

    # ---- what people do -------------------------------------------------------------------------------------

    def send_text(self, user: TelegramUser, text: str) -> SentMessage:
        """The user types ``text`` (a leading /command gets its bot_command entity, as Telegram adds)."""
        extra: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            extra["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._user_message(user, extra)

    def send_command(self, user: TelegramUser, command: str, argument: str | None = None) -> SentMessage:
        """``/command`` or ``/command argument`` (a deep link ``t.me/bot?start=X`` arrives as ``/start X``)."""
        return self.send_text(user, f"/{command.lstrip('/')}" + (f" {argument}" if argument else ""))

    def send_photo(self, user: TelegramUser, image: bytes, *, caption: str | None = None) -> SentMessage:
        """A photo: Telegram stores it as JPEG in several sizes, the largest last."""
        return self._user_message(user, self._photo_fields(image, caption))

    def forward_photo(self, user: TelegramUser, image: bytes, *, original_sender: TelegramUser) -> SentMessage:
        """A photo ``user`` forwards from a chat with ``original_sender``."""
        fields = self._photo_fields(image, None)
        fields["forward_origin"] = {"type": "user", "date": int(self.clock()) - 60,
                                    "sender_user": original_sender.as_dict()}
        return self._user_message(user, fields)

    def send_document(self, user: TelegramUser, data: bytes, *, filename: str, mime_type: str,
                      caption: str | None = None) -> SentMessage:
        """A file sent as a document (uncompressed)."""
        stored = self._store(data, "documents", filename=filename, mime_type=mime_type)
        fields: dict[str, Any] = {"document": self._document_dict(stored)}
        if caption is not None:
            fields["caption"] = caption
        return self._user_message(user, fields)

    def press_button(self, user: TelegramUser, message: SentMessage, callback_data: str) -> str:
        """The user taps the inline button carrying ``callback_data`` under ``message``; the callback query id."""
        if callback_data not in [data for _, data in message.buttons()]:
            raise ValueError(f"no button with {callback_data!r} under message {message.message_id}: "
                             f"{message.buttons()}")
        self._users[user.id] = user
        query_id = str(next(self._callback_ids))
        self._callback_queries.add(query_id)
        self._push({"callback_query": {
            "id": query_id, "from": user.as_dict(), "message": message.raw, "chat_instance": f"ci{user.id}",
            "data": callback_data,
        }})
        return query_id

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue a raw update (its update_id given here); the id."""
        return self._push(update)

    def _user_message(self, user: TelegramUser, fields: dict[str, Any]) -> SentMessage:
        self._users[user.id] = user
        message_id = self._next_message_id(user.id)
        raw = {"message_id": message_id, "from": user.as_dict(), "chat": user.chat(), "date": int(self.clock()),
               **fields}
        self._push({"message": raw})
        recorded = SentMessage(user.id, message_id, "user", raw["date"], text=fields.get("text"),
                               caption=fields.get("caption"), raw=raw)
        self._messages.setdefault(user.id, []).append(recorded)
        return recorded

    def _photo_fields(self, image: bytes, caption: str | None) -> dict[str, Any]:
        with Image.open(io.BytesIO(image)) as opened:
            picture = opened.convert("RGB")
        sizes = []
        thumb = picture.copy()
        thumb.thumbnail((90, 90))
        for variant in (thumb, picture):
            out = io.BytesIO()
            variant.save(out, format="JPEG", quality=87)
            stored = self._store(out.getvalue(), "photos", mime_type="image/jpeg", suffix=".jpg")
            sizes.append({"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                          "width": variant.width, "height": variant.height, "file_size": len(stored.data)})
        fields: dict[str, Any] = {"photo": sizes}
        if caption is not None:
            fields["caption"] = caption
        return fields

    def _push(self, update: dict[str, Any]) -> int:
        update_id = update.setdefault("update_id", next(self._update_ids))
        self._updates.append(update)
        self._webhook_wake.set()
        asyncio.get_running_loop().create_task(self._notify())
        return int(update_id)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ---- what tests read back -------------------------------------------------------------------------------

    def messages(self, chat_id: int, *, from_bot: bool = True) -> list[SentMessage]:
        """What the bot posted in the chat (every message, oldest first; ``from_bot=False`` adds the user's)."""
        found = self._messages.get(chat_id, [])
        return [m for m in found if m.method != "user"] if from_bot else list(found)

    def texts(self, chat_id: int) -> list[str]:
        """The text (or caption) of every bot message in the chat."""
        return [m.text if m.text is not None else (m.caption or "") for m in self.messages(chat_id)]

    def sent_documents(self, chat_id: int) -> list[SentDocument]:
        return [SentDocument(m.chat_id, m.message_id, m.file.filename, m.file.mime_type, m.file.data, m.caption,
                             m.parse_mode)
                for m in self.messages(chat_id) if m.method == "sendDocument" and m.file is not None]

    def all_sent_documents(self) -> list[SentDocument]:
        return [doc for chat_id in list(self._messages) for doc in self.sent_documents(chat_id)]

    def commands(self, language_code: str | None = None) -> list[tuple[str, str]]:
        """The command menu set for ``language_code`` (None: the default one), as (command, description)."""
        return [(c["command"], c["description"]) for c in self._commands.get(language_code or "", [])]

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    @property
    def pending_updates(self) -> int:
        return len(self._updates)

    async def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        """Until ``condition()`` holds (checked at every change and every 20 ms); TimeoutError after ``timeout``."""
        async with asyncio.timeout(timeout):
            while not condition():
                async with self._changed:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._changed.wait(), 0.02)

    async def wait_messages(self, chat_id: int, count: int, timeout: float = 10.0) -> list[SentMessage]:
        """The bot's messages in the chat once there are at least ``count``."""
        await self.wait_for(lambda: len(self.messages(chat_id)) >= count, timeout)
        return self.messages(chat_id)

    async def next_reply(self, chat_id: int, action: Callable[[], object], timeout: float = 10.0) -> SentMessage:
        """Do ``action`` (e.g. ``lambda: fake.send_text(user, "hi")``) and return the bot's next message."""
        before = len(self.messages(chat_id))
        action()
        return (await self.wait_messages(chat_id, before + 1, timeout))[before]

    # ---- the HTTP side --------------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return ApiError(401, "Unauthorized").response()
        method = request.match_info["method"]
        self._concurrent += 1
        self.max_concurrent_requests = max(self.max_concurrent_requests, self._concurrent)
        params: dict[str, Any] = {}
        try:
            params = await read_params(request)
            handler = getattr(self, f"_m_{method}", None)
            if handler is None:
                raise ApiError(404, "Not Found")
            act = lambda: handler(params)  # noqa: E731
            result = await self._with_faults(method, params, act)
            response: web.StreamResponse = web.json_response({"ok": True, "result": result})
        except ApiError as error:
            response = error.response()
        finally:
            self._concurrent -= 1
        self.calls.append(Call(method, params, response.status))
        await self._notify()
        return response

    async def _with_faults(self, method: str, params: dict[str, Any], act: Callable[[], Any]) -> Any:
        faults = self._faults
        if faults is not None and method in faults.methods:
            draw = self._rng.random()
            if draw < faults.too_many_requests:
                raise too_many(faults.retry_after)
            draw -= faults.too_many_requests
            if draw < faults.server_errors:
                raise ApiError(500, "Internal Server Error")
            draw -= faults.server_errors
            if draw < faults.timeouts:
                if faults.timeouts_after_acting:
                    await _maybe_await(act())
                await asyncio.sleep(faults.timeout_seconds)
                raise ApiError(502, "Bad Gateway")
        if method in SENDING_METHODS:
            if self._stall_budget == 0:
                self.stalled_calls += 1
                await self._notify()
                await self._unstall.wait()
                raise ApiError(502, "Bad Gateway")
            if self._stall_budget is not None:
                self._stall_budget -= 1
            self._check_chat(params)
        return await _maybe_await(act())

    def _check_chat(self, params: dict[str, Any]) -> None:
        chat_id = params.get("chat_id")
        if chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self._unknown_chats:
            raise ApiError(400, "Bad Request: chat not found")
        if self._per_chat_rate is not None and isinstance(chat_id, int):
            bucket = self._per_chat.setdefault(chat_id, Bucket(self._per_chat_rate, 1))
            wait = bucket.take()
            if wait:
                raise too_many(math.ceil(wait))
        if self._overall is not None:
            wait = self._overall.take()
            if wait:
                raise too_many(math.ceil(wait))

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        for stored in self._files.values():
            if stored.path == request.match_info["path"]:
                return web.Response(body=stored.data, content_type=stored.mime_type or "application/octet-stream")
        return web.Response(status=404)

    # ---- methods --------------------------------------------------------------------------------------------

    def _m_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._bot_user() | {"can_join_groups": False, "can_read_all_group_messages": False,
                                   "supports_inline_queries": False}

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook_url is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                 "use deleteWebhook to delete the webhook first")
        offset = params.get("offset")
        if isinstance(offset, int) and offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        if not self._updates and timeout > 0 and not self._closing.is_set():
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self._updates) or self._closing.is_set()), timeout)
        return self._updates[:limit]

    def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        url = params.get("url") or ""
        if not url:
            return self._m_deleteWebhook(params)
        if params.get("drop_pending_updates") is True:
            self._updates = []
        self.webhook_url, self.webhook_secret = url, params.get("secret_token")
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._deliver_webhook())
        self._webhook_wake.set()
        return True

    def _m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        if params.get("drop_pending_updates") is True:
            self._updates = []
        self.webhook_url = self.webhook_secret = None
        return True

    def _m_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook_url or "", "has_custom_certificate": False,
                "pending_update_count": len(self._updates), "max_connections": 40}

    def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        text = params.get("text")
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        return self._post(params, "sendMessage", {"text": text}, text=text)

    def _m_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._incoming_file(params, "document", "documents")
        return self._post(params, "sendDocument", {"document": self._document_dict(stored)}, file=stored)

    def _m_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._incoming_file(params, "photo", "photos")
        size = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "width": 1, "height": 1,
                "file_size": len(stored.data)}
        return self._post(params, "sendPhoto", {"photo": [size]}, file=stored)

    def _m_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._find_message(params)
        text = params.get("text")
        if not text:
            raise ApiError(400, "Bad Request: message text is empty")
        markup = params.get("reply_markup")
        if text == message.text and markup == message.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified: specified new message content and reply "
                                 "markup are exactly the same as a current content and reply markup of the message")
        message.text, message.reply_markup, message.parse_mode = text, markup, params.get("parse_mode")
        return self._edited(message)

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._find_message(params)
        message.reply_markup = params.get("reply_markup")
        return self._edited(message)

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id in self.callback_answers or query_id not in self._callback_queries:
            raise ApiError(400, "Bad Request: query is too old and response timeout expired or query ID is invalid")
        self.callback_answers[query_id] = {"text": params.get("text"), "show_alert": params.get("show_alert")}
        return True

    def _m_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._files.get(str(params.get("file_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": len(stored.data),
                "file_path": stored.path}

    def _m_setMyCommands(self, params: dict[str, Any]) -> bool:
        self._commands[params.get("language_code") or ""] = list(params.get("commands") or [])
        return True

    def _m_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        self._commands.pop(params.get("language_code") or "", None)
        return True

    def _m_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        return self._commands.get(params.get("language_code") or "", [])

    def _m_sendChatAction(self, params: dict[str, Any]) -> bool:
        self.chat_actions.append((int(params["chat_id"]), str(params.get("action"))))
        return True

    def _m_setMyDescription(self, params: dict[str, Any]) -> bool:
        return True

    _m_setMyShortDescription = _m_setMyDescription
    _m_setChatMenuButton = _m_setMyDescription

    # ---- method plumbing ------------------------------------------------------------------------------------

    def _bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "Badgeclaim", "username": self.bot_username}

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _chat(self, chat_id: int) -> dict[str, Any]:
        user = self._users.get(chat_id)
        return user.chat() if user else {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}

    def _post(self, params: dict[str, Any], method: str, content: dict[str, Any], *, text: str | None = None,
              file: StoredFile | None = None) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        message_id = self._next_message_id(chat_id)
        raw = {"message_id": message_id, "from": self._bot_user(), "chat": self._chat(chat_id),
               "date": int(self.clock()), **content}
        caption = params.get("caption")
        if caption is not None:
            raw["caption"] = caption
        if params.get("reply_markup"):
            raw["reply_markup"] = params["reply_markup"]
        self._messages.setdefault(chat_id, []).append(SentMessage(
            chat_id, message_id, method, raw["date"], text=text, caption=caption, parse_mode=params.get("parse_mode"),
            reply_markup=params.get("reply_markup"), file=file, raw=raw))
        return raw

    def _find_message(self, params: dict[str, Any]) -> SentMessage:
        for message in self._messages.get(params.get("chat_id"), []):  # type: ignore[arg-type]
            if message.message_id == params.get("message_id") and message.method != "user":
                return message
        raise ApiError(400, "Bad Request: message to edit not found")

    def _edited(self, message: SentMessage) -> dict[str, Any]:
        message.edits += 1
        message.raw = {**message.raw, "edit_date": int(self.clock())}
        if message.text is not None:
            message.raw["text"] = message.text
        message.raw.pop("reply_markup", None)
        if message.reply_markup:
            message.raw["reply_markup"] = message.reply_markup
        return message.raw

    def _incoming_file(self, params: dict[str, Any], name: str, folder: str) -> StoredFile:
        value = params.get(name)
        if isinstance(value, Upload):
            return self._store(value.data, folder, filename=value.filename, mime_type=value.content_type)
        if isinstance(value, str) and value in self._files:
            return self._files[value]
        raise ApiError(400, f"Bad Request: there is no {name} in the request")

    def _store(self, data: bytes, folder: str, *, filename: str | None = None, mime_type: str | None = None,
               suffix: str = "") -> StoredFile:
        number = next(self._file_ids)
        if not suffix and filename and "." in filename:
            suffix = "." + filename.rsplit(".", 1)[1]
        stored = StoredFile(f"FILE{number:06d}", f"U{number:06d}", f"{folder}/file_{number}{suffix}", data,
                            filename, mime_type)
        self._files[stored.file_id] = stored
        return stored

    @staticmethod
    def _document_dict(stored: StoredFile) -> dict[str, Any]:
        found: dict[str, Any] = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                                 "file_size": len(stored.data)}
        if stored.filename:
            found["file_name"] = stored.filename
        if stored.mime_type:
            found["mime_type"] = stored.mime_type
        return found

    # ---- webhook delivery -----------------------------------------------------------------------------------

    async def _deliver_webhook(self) -> None:
        """POST the queued updates one at a time, in order; an update not answered 2xx is tried again."""
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as client:
            while self.webhook_url is not None and not self._closing.is_set():
                if not self._updates:
                    self._webhook_wake.clear()
                    await self._webhook_wake.wait()
                    continue
                update = self._updates[0]
                headers = {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret} if self.webhook_secret else {}
                try:
                    async with client.post(self.webhook_url, json=update, headers=headers) as answer:
                        status = answer.status
                except (aiohttp.ClientError, TimeoutError):
                    status = 0
                self.webhook_responses.append((update["update_id"], status))
                if 200 <= status < 300:
                    if self._updates and self._updates[0] is update:
                        self._updates.pop(0)
                else:
                    await asyncio.sleep(0.2)
                await self._notify()


async def _maybe_await(value: Any) -> Any:
    if asyncio.iscoroutine(value):
        return await value
    return value


@contextlib.asynccontextmanager
async def running_fake(**options: Any) -> AsyncIterator[TelegramFake]:
    """A started fake, closed on exit (for bench scripts; tests use the ``telegram_fake`` fixture)."""
    fake = TelegramFake(**options)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


def users(count: int, *, first_id: int = 5_000_001, language_code: str = "fr") -> Iterable[TelegramUser]:
    """``count`` distinct people (ids from ``first_id``)."""
    return (TelegramUser(first_id + n, f"Personne {n}", language_code) for n in range(count))
