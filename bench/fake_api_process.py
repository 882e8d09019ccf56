"""The fake Telegram Bot API (tests/fakes/telegram_api.py) in a process of its own, for
bench/throughput.py: its CPU is not the measured bot's.

    python bench/fake_api_process.py      # prints its base URL on the first line, then serves

Besides the Bot API it answers a few bench calls (POST JSON to /bench/<op>):

* `users` {"ids": [...]}: private chats with these people;
* `run` {"pushes": [[chat, "text", text] | [chat, "tap", button label], ...], "rate": r,
  "replies_each": n, ...}: pushes the updates (all at once, or r a second on a schedule) and
  waits for the bot's replies. With `replies_each` the k-th update of a chat is answered when
  the chat has had k * n reply calls since the run began: it gives the time from the first
  push to the last answer and each update's latency (its last reply seen - its push). Without
  it, it waits until every chat has had `min_replies` replies a push and the bot has been quiet
  for `quiet` seconds, and gives the reply calls each chat got (how walks and samples are made);
* `last` {"chat": id}: the text of the bot's last message in the chat;
* `state`: polls so far, updates not confirmed yet, calls the fake refused;
* `drain` {"timeout": s}: waits until the bot confirmed every update; `drop` drops the rest.

A reply call is any Bot API call the bot makes into a person's chat (sendMessage and the
other send methods, edits, answerCallbackQuery for a button of that person), counted when the
fake has answered it; getUpdates, getMe and the like are not replies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from tests.fakes.telegram_api import Call, FakeTelegram

Json = dict[str, Any]
log = logging.getLogger("bench.fake")


class BenchError(Exception):
    """A bench call that cannot be done as asked: answered 400 with the reason."""


@dataclass
class _Awaited:
    threshold: int  # the chat's reply count at which this update is answered
    pushed_at: float
    index: int


class BenchTelegram(FakeTelegram):
    """The fake, counting reply calls per chat instead of keeping every call."""

    def __init__(self) -> None:
        super().__init__()
        self.replies: Counter[int] = Counter()  # chat -> reply calls answered so far
        self.refused: Counter[str] = Counter()  # method: description -> times
        self.last_reply_at = 0.0
        self._awaited: dict[int, deque[_Awaited]] = {}
        self._answered_at: list[float | None] = []
        self._outstanding = 0
        self._all_answered = asyncio.Event()
        self._reply_event = asyncio.Event()

    def app(self) -> web.Application:
        app = super().app()
        app.router.add_post("/bench/{op}", self._on_bench)
        return app

    # ------------------------------------------------------------------ counting replies
    def _record(self, call: Call) -> None:
        # Not kept in `calls`: a long bench would keep every call in memory.
        if not call.ok:
            if not call.injected:
                self.refused[f"{call.method}: {call.description}"] += 1
            return
        chat = self._chat_of(call)
        if chat is None:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        self.replies[chat] += 1
        self.last_reply_at = now
        self._reply_event.set()
        awaited = self._awaited.get(chat)
        while awaited and self.replies[chat] >= awaited[0].threshold:
            done = awaited.popleft()
            self._answered_at[done.index] = now
            self._outstanding -= 1
            if self._outstanding == 0:
                self._all_answered.set()

    def _chat_of(self, call: Call) -> int | None:
        if call.method == "answerCallbackQuery":
            state = self._callbacks.get(str(call.params.get("callback_query_id")))
            return state.user_id if state is not None else None
        chat = call.params.get("chat_id")
        return chat if isinstance(chat, int) and chat in self._users else None

    # ------------------------------------------------------------------ the bench's calls
    async def _on_bench(self, request: web.Request) -> web.Response:
        op = request.match_info["op"]
        body: Json = await request.json() if request.can_read_body else {}
        handlers: dict[str, Callable[[Json], Any]] = {
            "users": self._users_op, "run": self._run_op, "last": self._last_op,
            "state": self._state_op, "drain": self._drain_op,
        }
        handler = handlers.get(op)
        if handler is None:
            return web.json_response({"error": f"no bench call {op!r}"}, status=404)
        try:
            result = handler(body)
            if asyncio.iscoroutine(result):
                result = await result
        except BenchError as error:
            return web.json_response({"error": str(error)}, status=400)
        return web.json_response(result)

    def _users_op(self, body: Json) -> Json:
        for user_id in body["ids"]:
            self.user(id=int(user_id), first_name=f"Person{user_id}")
        return {"users": len(self._users)}

    def _last_op(self, body: Json) -> Json:
        chat = self._chats.get(int(body["chat"]))
        records = [] if chat is None else [r for r in chat.messages.values()
                                           if r.from_bot and not r.deleted]
        return {"text": records[-1].message.get("text", "") if records else None}

    def _state_op(self, _body: Json) -> Json:
        return {"polls": self.poll_count, "pending": len(self._pending),
                "refused": dict(self.refused), "internal_errors": len(self.internal_errors),
                "replies": sum(self.replies.values())}

    async def _drain_op(self, body: Json) -> Json:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + float(body.get("timeout", 5.0))
        while self._pending and loop.time() < deadline:
            await asyncio.sleep(0.02)
        left = len(self._pending)
        if left and body.get("drop"):
            self._drop_pending()
        return {"pending": left}

    def _pusher(self, push: list[Any]) -> tuple[int, Callable[[], int]]:
        """One planned update as a function that pushes it: buttons are looked up now, so
        the timed part pushes and nothing else."""
        chat_id, kind, value = int(push[0]), str(push[1]), str(push[2])
        user = self._users.get(chat_id)
        if user is None:
            raise BenchError(f"no person {chat_id}: create them with `users` first")
        if kind == "text":
            return chat_id, lambda: user.send_text(value)
        if kind != "tap":
            raise BenchError(f"unknown push kind {kind!r}")
        chat = self._chats[chat_id]
        for record in reversed(chat.messages.values()):
            if not record.from_bot or record.deleted:
                continue
            rows = (record.message.get("reply_markup") or {}).get("inline_keyboard") or []
            for row in rows:
                for button in row:
                    if button.get("text") == value and "callback_data" in button:
                        return chat_id, partial(self._push_callback, user, chat, record,
                                                str(button["callback_data"]))
        raise BenchError(f"chat {chat_id}: no message of the bot has the button {value!r}")

    async def _run_op(self, body: Json) -> Json:
        pushes = [self._pusher(push) for push in body["pushes"]]
        rate = float(body.get("rate") or 0)
        each = int(body.get("replies_each") or 0)
        timeout = float(body.get("timeout", 300.0))
        if each:
            return await self._timed(pushes, rate, each, timeout)
        return await self._settled(pushes, int(body.get("min_replies", 1)),
                                   float(body.get("quiet", 0.3)), timeout)

    async def _timed(self, pushes: list[tuple[int, Callable[[], int]]], rate: float,
                     each: int, timeout: float) -> Json:
        loop = asyncio.get_running_loop()
        self._awaited.clear()
        self._answered_at = [None] * len(pushes)
        self._outstanding = len(pushes)
        self._all_answered.clear()
        base = dict(self.replies)
        per_chat: Counter[int] = Counter()
        pushed_at: list[float] = []
        started = loop.time()
        for index, (chat, push) in enumerate(pushes):
            if rate:  # on the schedule, whatever the bot's pace: an offered rate
                due = started + index / rate
                if due > loop.time():
                    await asyncio.sleep(due - loop.time())
            per_chat[chat] += 1
            at = loop.time()
            self._awaited.setdefault(chat, deque()).append(
                _Awaited(base.get(chat, 0) + per_chat[chat] * each, at, index))
            pushed_at.append(at)
            push()
        remaining = started + timeout - loop.time()
        timed_out = False
        if self._outstanding:
            try:
                await asyncio.wait_for(self._all_answered.wait(), max(remaining, 0.001))
            except TimeoutError:
                timed_out = True
        answered = [(done - at) for done, at in zip(self._answered_at, pushed_at, strict=True)
                    if done is not None]
        last = max((done for done in self._answered_at if done is not None), default=started)
        self._awaited.clear()
        return {"elapsed": last - started, "pushed": len(pushes), "answered": len(answered),
                "latencies": answered, "timed_out": timed_out,
                "push_span": pushed_at[-1] - started if pushed_at else 0.0}

    async def _settled(self, pushes: list[tuple[int, Callable[[], int]]], min_replies: int,
                       quiet: float, timeout: float) -> Json:
        loop = asyncio.get_running_loop()
        before = dict(self.replies)
        want: Counter[int] = Counter()
        started = loop.time()
        for chat, push in pushes:
            want[chat] += min_replies
            push()

        def short() -> list[int]:
            return [chat for chat, n in want.items()
                    if self.replies[chat] - before.get(chat, 0) < n]

        while short() or self._pending or loop.time() - self.last_reply_at < quiet:
            if loop.time() - started > timeout:
                lacking = short()
                raise BenchError(f"{len(lacking)} chats got no answer within {timeout:.0f} s "
                                 f"(e.g. {lacking[:5]}); {len(self._pending)} updates pending")
            self._reply_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._reply_event.wait(), quiet)
        return {"elapsed": self.last_reply_at - started,
                "replies": {str(chat): self.replies[chat] - before.get(chat, 0)
                            for chat in want}}


async def serve() -> None:
    fake = BenchTelegram()
    await fake.start()
    print(fake.base_url, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(number, stop.set)
    await stop.wait()
    await fake.stop()


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    asyncio.run(serve())
