"""A local Telegram Bot API server on aiohttp.

PTB talks to it exactly as to api.telegram.org (``base_url`` +
``base_file_url``), so the bot runs unmodified in ``peerbot sandbox`` and in
end-to-end tests, while tests inspect what it sent and inject failures.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from aiohttp import ClientSession, web

from .faults import FaultInjection
from .limits import RateLimits
from .models import ApiCall, ApiError, PendingUpdate
from .observe import Observation
from .params import loggable, read_params
from .people import Person

logger = logging.getLogger(__name__)

# Telegram's getUpdates never holds a request for longer than this.
_MAX_POLL_TIMEOUT = 50.0
_WEBHOOK_ATTEMPTS = 5


class LocalBotApi(FaultInjection, RateLimits, Observation):
    """In-process Bot API for one bot; see the module docstring."""

    def __init__(
        self,
        token: str = "123456:LOCAL-TEST-TOKEN",
        *,
        bot_username: str = "peerbot_local_bot",
        bot_first_name: str = "peerbot",
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(token, bot_username, bot_first_name)
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._stopping = False
        self._poll_generation = 0
        self.reset_faults()
        self.reset_limits()
        self._next_user_id = 1000
        self._pushes: set[asyncio.Task[None]] = set()
        self._push_lock = asyncio.Lock()
        # Tests of several replicas: a load balancer's addresses, taken in turn.
        self.balance_across: list[str] = []
        self._pushed = 0

    # -- lifecycle ---------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self.host}:{self.port}/file/bot"

    async def start(self) -> None:
        app = web.Application(client_max_size=50 * 1024 * 1024)  # Telegram's upload cap
        app.router.add_get("/bot{token}/{method}", self._handle_method)
        app.router.add_post("/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self._handle_file)
        # No access log: URLs carry the token and, for GET calls, message text.
        # handler_cancellation lets a client that hangs up release its long poll.
        self._runner = web.AppRunner(
            app, access_log=None, handler_cancellation=True, shutdown_timeout=2.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._stopping = False
        logger.info("local Bot API listening on %s:%s", self.host, self.port)

    async def stop(self) -> None:
        self._stopping = True
        for task in list(self._pushes):
            task.cancel()
        self._bump()  # long polls see _stopping and answer immediately
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            logger.info("local Bot API on port %s stopped", self.port)

    async def __aenter__(self) -> LocalBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # -- webhook delivery ---------------------------------------------------------------

    def enqueue_update(self, kind: str, payload: dict[str, Any]) -> PendingUpdate:
        """Queue an update; with a webhook set, push it there as Telegram does."""
        update = super().enqueue_update(kind, payload)
        if self.webhook_url:
            task = asyncio.get_running_loop().create_task(self._push(update))
            self._pushes.add(task)
            task.add_done_callback(self._pushes.discard)
        return update

    def _next_target(self) -> str:
        if not self.balance_across:
            return self.webhook_url
        self._pushed += 1
        return self.balance_across[(self._pushed - 1) % len(self.balance_across)]

    async def _push(self, update: PendingUpdate) -> None:
        # One at a time and in order, retrying a failed delivery a few times like Telegram.
        async with self._push_lock:
            headers = (
                {"X-Telegram-Bot-Api-Secret-Token": self.webhook_secret}
                if self.webhook_secret
                else {}
            )
            update.fetched_at = len(self.calls)
            for attempt in range(_WEBHOOK_ATTEMPTS):
                try:
                    async with (
                        ClientSession() as client,
                        client.post(
                            self._next_target(), json=update.payload, headers=headers
                        ) as answer,
                    ):
                        if answer.status == 200:
                            self._updates = [u for u in self._updates if u is not update]
                            self._bump()
                            return
                        logger.warning(
                            "webhook answered %s for update %s", answer.status, update.update_id
                        )
                except OSError:
                    logger.warning("webhook unreachable for update %s", update.update_id)
                await asyncio.sleep(0.2 * (attempt + 1))

    # -- people ----------------------------------------------------------------------

    def person(
        self,
        first_name: str = "Alex",
        *,
        user_id: int | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "en",
    ) -> Person:
        if user_id is None:
            while self._next_user_id in self._users:
                self._next_user_id += 1
            user_id = self._next_user_id
        if user_id in self._users:
            raise ValueError(f"user id {user_id} is already taken")
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if username:
            user["username"] = username
        user["language_code"] = language_code
        self._users[user_id] = user
        return Person(self, user)

    # -- HTTP ------------------------------------------------------------------------

    def _record(self, name: str, params: dict[str, Any], status: int, result: Any) -> None:
        chat_id = params.get("chat_id")
        message_id = params.get("message_id")
        if isinstance(result, dict) and isinstance(result.get("message_id"), int):
            message_id = result["message_id"]
        call = ApiCall(
            name,
            params,
            status,
            time.monotonic(),
            chat_id if isinstance(chat_id, int) else None,
            message_id if isinstance(message_id, int) else None,
        )
        self.calls.append(call)
        self._bump()
        logger.debug("%s -> %s (chat %s, message %s)", name, status, call.chat_id, call.message_id)

    async def _handle_method(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            error = ApiError(401, "Unauthorized")
            return web.json_response(error.payload(), status=error.status)
        raw = request.match_info["method"]
        if raw.lower() == "getupdates":
            # A long poll waits for work; it is not work.  Confirmations it carries are
            # accounted for in _get_updates.
            return await self._answer(request, raw)
        self._in_flight += 1
        try:
            return await self._answer(request, raw)
        finally:
            self._in_flight -= 1
            self._bump()

    async def _answer(self, request: web.Request, raw: str) -> web.Response:
        entry = self.handlers.get(raw.lower())
        name = "getUpdates" if raw.lower() == "getupdates" else entry[0] if entry else raw
        recorded: dict[str, Any] = {}
        result: Any = None
        try:
            if entry is None and name != "getUpdates":
                raise ApiError(400, "Bad Request: method not found")
            params, uploads = await read_params(request)
            recorded = loggable(params, uploads)
            failure = self._injected_failure(name, params) or self._over_limit(name, params)
            if failure is not None:
                raise failure
            if entry is None:
                result = await self._get_updates(params)
            else:
                result = entry[1](params, uploads)
            status, body = 200, {"ok": True, "result": result}
        except ApiError as err:
            status, body = err.status, err.payload()
        except Exception:
            # A bug here must look like a Telegram outage to the bot, not kill the server.
            logger.exception("local Bot API failed on %s", name)
            status, body = 500, ApiError(500, "Internal Server Error").payload()
        self._record(name, recorded, status, result)
        if seconds := self._take_delay(name):
            await asyncio.sleep(seconds)
        return web.json_response(body, status=status)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = min(max(float(params.get("timeout") or 0), 0.0), _MAX_POLL_TIMEOUT)
        pending = len(self._updates)
        if offset > 0:  # confirms every update below offset
            self._updates = [u for u in self._updates if u.update_id >= offset]
        elif offset < 0:  # keep only the last -offset updates, forget the rest
            self._updates = self._updates[offset:]
        if len(self._updates) != pending:
            self._bump()  # until_idle() waits for confirmations
        self._poll_generation += 1
        generation = self._poll_generation
        deadline = asyncio.get_running_loop().time() + timeout
        await self.wait_for(
            lambda: bool(self._updates) or self._stopping or generation != self._poll_generation,
            deadline,
        )
        if generation != self._poll_generation:
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; "
                "make sure that only one bot instance is running",
            )
        batch = [] if self._stopping else self._updates[:limit]
        for update in batch:
            if update.fetched_at is None:
                update.fetched_at = len(self.calls)
        self._bump()
        return [update.payload for update in batch]

    async def _handle_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").payload(), status=401)
        stored = self.file_by_path(request.match_info["file_path"])
        if stored is None or stored.data is None:
            return web.json_response(ApiError(404, "Not Found").payload(), status=404)
        logger.debug("file download %s", stored.file_id)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )
