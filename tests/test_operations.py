"""Issue 14, part 4 (operations): what an operator sees of a running bot.

The real `python -m bot`, against the fake Bot API in this process, on a port of its own:
`/healthz` answers 200 with its small JSON; `/metrics` counts an update the test sends;
SIGTERM lets the update in flight finish and the process exit 0 within 10 s, nothing left
owed; `LOG_FORMAT=json` makes every line of its log a JSON object without the IIN typed.
In this process: `/healthz` answers 503 naming the database when the database is out of
reach; the counters of duplicates, documents, deliveries and 429s follow what happened.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import aiohttp
import pytest
from aiohttp import web
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from bot.logmask import JsonFormatter
from storage.db import sessions
from storage.models import IssuedPaper
from tests.conftest import bot_process_env
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.fakes.whatsapp_api import FakeWhatsApp, WhatsAppPerson
from tests.handlers.conftest import APP_SECRET, NOW, TEMPLATE, RunningBot, free_port
from tests.handlers.lingo import says
from tests.handlers.test_visit_telegram import fill_to_summary

ROOT = Path(__file__).resolve().parents[1]
IIN = "871008401427"
STOP_WITHIN = 10.0  # seconds from SIGTERM to the exit, as a supervisor allows
START_TIMEOUT = 60.0
HEALTH_FIELDS = {"database", "worker", "outbox_depth", "oldest_due"}
METRIC_TYPES = {
    "bot_updates_total": "counter", "bot_update_handling_seconds": "histogram",
    "bot_outbox_depth": "gauge", "bot_outbox_messages": "gauge",
    "bot_deliveries_total": "counter", "bot_rate_limited_total": "counter",
    "bot_documents_issued_total": "counter", "bot_database_up": "gauge",
}
START_UP_STEPS = ("database migrations applied", "data key checked", "HTTP server at",
                  "polling Telegram", "delivery worker started")
SHUT_DOWN_STEPS = ("SIGTERM received: stopping", "delivery worker stopped", "stopped")

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


# ---------------------------------------------------------------------------- reading the pages
def samples(text: str) -> Samples:
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text) for sample in family.samples}


def value(found: Samples, name: str, **labels: str) -> float | None:
    return found.get((name, frozenset(labels.items())))


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as client, client.get(url) as response:
        return response.status, await response.text()


async def until(condition: Callable[[], Any], failure: Callable[[], str],
                timeout: float) -> None:
    """Wait until `condition()` (true, or awaitable to true), at most `timeout` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not await _value(condition()):
        if loop.time() > deadline:
            raise AssertionError(failure())
        await asyncio.sleep(0.1)


# ---------------------------------------------------------------------------- the real process
class HoldingTelegram(FakeTelegram):
    """The fake Bot API, able to hold the bot's next `sendMessage` until told to answer:
    the update that sends it is then in flight."""

    def __init__(self) -> None:
        super().__init__()
        self.hold: asyncio.Event | None = None
        self.held = asyncio.Event()

    def app(self) -> web.Application:
        app = super().app()

        @web.middleware
        async def holding(request: web.Request, handler: Any) -> web.StreamResponse:
            if self.hold is not None and request.match_info.get("method") == "sendMessage":
                self.held.set()
                await self.hold.wait()
            return await handler(request)  # type: ignore[no-any-return]

        app.middlewares.append(holding)
        return app


@dataclass
class BotProcess:
    """`python -m bot` on the fake Bot API, its own SQLite file and HTTP port."""

    fake: FakeTelegram
    folder: Path
    extra: dict[str, str]
    port: int = 0
    process: asyncio.subprocess.Process | None = None
    _log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.folder / "stderr.log"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    async def start(self) -> None:
        self.port = free_port()
        clock = bot_process_env(NOW)
        env = {key: value for key, value in os.environ.items() if not key.startswith(
            ("TELEGRAM_", "DATA_", "WHATSAPP_", "LOG_", "STAFF_", "HTTP_", "PUBLIC_"))}
        env.update(clock, PYTHONPATH=os.pathsep.join((str(ROOT), clock["PYTHONPATH"])),
                   TELEGRAM_BOT_TOKEN=self.fake.token, TELEGRAM_API_SERVER=self.fake.base_url,
                   DATABASE_URL=f"sqlite+aiosqlite:///{self.folder}/bot.db",
                   FILES_DIR=str(self.folder / "files"), HTTP_HOST="127.0.0.1",
                   HTTP_PORT=str(self.port), **self.extra)
        self._log = self.log_path.open("ab")
        polls = self.fake.poll_count
        # The folder is the working directory: a developer's .env is not read.
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=self.folder, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=self._log)
        await until(self._healthy, lambda: f"never healthy:\n{self.tail()}", START_TIMEOUT)
        await until(lambda: self.fake.poll_count > polls,
                    lambda: f"never polled:\n{self.tail()}", START_TIMEOUT)

    async def _healthy(self) -> bool:
        assert self.process is not None
        if self.process.returncode is not None:
            raise AssertionError(f"the bot exited {self.process.returncode}:\n{self.tail()}")
        try:
            status, _ = await get(self.url + "/healthz")
        except aiohttp.ClientError:
            return False  # not listening yet
        return status == 200

    def terminate(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)

    async def exit_code(self, within: float) -> int:
        assert self.process is not None
        try:
            return await asyncio.wait_for(self.process.wait(), within)
        except TimeoutError:
            raise AssertionError(f"still running {within:.1f} s later:\n{self.tail()}") from None

    async def close(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        if self._log is not None:
            self._log.close()


async def _value(result: Any) -> Any:
    return await result if inspect.isawaitable(result) else result


@pytest.fixture
async def fake() -> AsyncIterator[HoldingTelegram]:
    telegram = HoldingTelegram()
    await telegram.start()
    yield telegram
    await telegram.stop()


@pytest.fixture
async def process(fake: HoldingTelegram, tmp_path: Path) -> AsyncIterator[BotProcess]:
    bot = BotProcess(fake, tmp_path, {"LOG_FORMAT": "text"})
    try:
        yield bot
    finally:
        await bot.close()


def replies(person: FakeUser) -> list[dict[str, Any]]:
    return person.telegram.sent_messages(person.id)


async def replied(person: FakeUser, count: int, bot: BotProcess) -> None:
    await until(lambda: len(replies(person)) >= count,
                lambda: f"{len(replies(person))} replies of {count}:\n{bot.tail()}", 20.0)


# ---------------------------------------------------------------------------- the tests
@pytest.mark.timeout(120)
async def test_the_bot_process_tells_its_health_and_counts_an_update(
    fake: HoldingTelegram, process: BotProcess
) -> None:
    await process.start()
    status, body = await get(process.url + "/healthz")
    assert status == 200
    assert json.loads(body) == {"database": "ok", "worker": "alive", "outbox_depth": 0,
                                "oldest_due": None}

    person = fake.user(id=3001, first_name="Айгүл")
    person.send_text("/start")
    await replied(person, 1, process)

    async def counted() -> bool:
        status, text = await get(process.url + "/metrics")
        found = samples(text)
        return status == 200 and value(found, "bot_updates_total",
                                       kind="message", outcome="ok") == 1
    await until(counted, lambda: "the /start update was never counted", 10.0)
    status, text = await get(process.url + "/metrics")
    found = samples(text)
    for name, kind in METRIC_TYPES.items():
        assert f"\n# TYPE {name} {kind}\n" in text, name
    assert value(found, "bot_update_handling_seconds_count", kind="message") == 1
    assert value(found, "bot_updates_total", kind="message", outcome="duplicate") == 0
    assert value(found, "bot_database_up") == 1

    process.terminate()
    assert await process.exit_code(STOP_WITHIN) == 0
    log = process.log()
    for step in START_UP_STEPS + SHUT_DOWN_STEPS:
        assert step in log, step


@pytest.mark.timeout(120)
async def test_sigterm_lets_the_update_in_flight_finish_and_exits_0_within_10_s(
    fake: HoldingTelegram, process: BotProcess
) -> None:
    await process.start()
    person = fake.user(id=3002, first_name="Дана")
    fake.hold = asyncio.Event()
    person.send_text("/start")
    await asyncio.wait_for(fake.held.wait(), 20)  # the reply is on its way: in flight

    loop = asyncio.get_running_loop()
    asked = loop.time()
    process.terminate()
    await asyncio.sleep(1.0)
    assert process.process is not None and process.process.returncode is None, \
        "the bot left before its update in flight was answered"
    fake.hold.set()
    assert await process.exit_code(STOP_WITHIN - (loop.time() - asked)) == 0
    assert loop.time() - asked < STOP_WITHIN
    answered = len(replies(person))
    assert answered >= 1
    log = process.log()
    assert log.index("SIGTERM received: stopping") < log.index("INFO bot: stopped")

    # Started again: nothing was left owed (a reply cut short would be finished, twice).
    fake.hold = None
    await process.start()
    await asyncio.sleep(1.0)
    assert len(replies(person)) == answered
    process.terminate()
    assert await process.exit_code(STOP_WITHIN) == 0


@pytest.mark.timeout(120)
async def test_json_logs_are_one_object_a_line_without_the_iin_typed(
    fake: HoldingTelegram, process: BotProcess
) -> None:
    process.extra.update(LOG_FORMAT="json", LOG_LEVEL="DEBUG")  # every logger speaks
    await process.start()
    person = fake.user(id=3003, first_name="Айгүл")
    person.send_text("/start")
    await replied(person, 1, process)
    person.send_text(IIN)
    await replied(person, 2, process)
    process.terminate()
    assert await process.exit_code(STOP_WITHIN) == 0

    lines = process.log().splitlines()
    assert len(lines) > 20  # DEBUG: every logger spoke
    records = []
    for line in lines:
        record = json.loads(line)  # fails on any line that is not one JSON object
        assert {"time", "level", "logger", "message"} <= set(record), line
        records.append(record)
    assert IIN not in process.log()
    messages = [record["message"] for record in records]
    for step in START_UP_STEPS + SHUT_DOWN_STEPS:
        assert any(step in message for message in messages), step
    ours = [record["message"] for record in records if record["logger"] == "bot"]
    assert ours[-1] == "stopped"


def test_the_json_format_masks_an_iin_in_the_message_and_the_traceback() -> None:
    try:
        raise ValueError(f"bad {IIN}")
    except ValueError:
        record = logging.LogRecord("bot.test", logging.ERROR, __file__, 1, "typed %s",
                                   (IIN,), sys.exc_info())
    line = JsonFormatter().format(record)
    parsed = json.loads(line)
    assert parsed["message"] == "typed 8710******27"
    assert "ValueError: bad 8710******27" in parsed["exception"]
    assert IIN not in line and "\n" not in line


# ---------------------------------------------------------------------------- in this process
@pytest.fixture
async def running(fake: HoldingTelegram, tmp_path: Path) -> AsyncIterator[RunningBot]:
    bot = RunningBot(fake, tmp_path)
    await bot.start()
    yield bot
    if bot.app is not None:
        await bot.stop()


async def page(bot: RunningBot, path: str) -> tuple[int, str]:
    assert bot.app is not None
    return await get(bot.app.http_url + path)


async def metrics_of(bot: RunningBot) -> Samples:
    status, text = await page(bot, "/metrics")
    assert status == 200
    return samples(text)


async def test_healthz_answers_503_naming_the_database_when_it_is_out_of_reach(
    running: RunningBot,
) -> None:
    assert running.app is not None
    status, body = await page(running, "/healthz")
    assert (status, json.loads(body)["database"]) == (200, "ok")

    # The database file gives way to a folder: no connection opens any more.
    database = running.folder / "bot.db"
    await running.app.db.dispose()
    database.rename(running.folder / "bot.db.away")
    database.mkdir()
    try:
        status, body = await page(running, "/healthz")
        assert status == 503
        assert json.loads(body) == {"database": "unreachable", "worker": "alive",
                                    "outbox_depth": None, "oldest_due": None}
        assert value(await metrics_of(running), "bot_database_up") == 0
    finally:
        database.rmdir()
        (running.folder / "bot.db.away").rename(database)
    status, body = await page(running, "/healthz")
    assert (status, json.loads(body)["database"]) == (200, "ok")


async def test_an_update_telegram_delivers_again_is_counted_a_duplicate_not_answered(
    fake: HoldingTelegram, running: RunningBot
) -> None:
    person = fake.user(id=3004, first_name="Айгүл")
    update_id = person.send_text("/start")
    await fake.settled()
    answered = len(replies(person))
    assert value(await metrics_of(running), "bot_updates_total",
                 kind="message", outcome="ok") == 1

    await running.stop()
    fake.redeliver(update_id)  # a restart before Telegram heard it was confirmed
    await running.start()
    await running.settle()
    found = await metrics_of(running)
    assert value(found, "bot_updates_total", kind="message", outcome="duplicate") == 1
    assert value(found, "bot_updates_total", kind="message", outcome="ok") == 0
    assert value(found, "bot_update_handling_seconds_count", kind="message") == 0
    assert len(replies(person)) == answered


@pytest.mark.timeout(90)
async def test_documents_deliveries_and_429s_are_counted(
    fake: HoldingTelegram, running: RunningBot
) -> None:
    assert running.app is not None
    person = fake.user(id=3005, first_name="Айгүл")
    fake.fail_next("sendDocument", 429, retry_after=1)  # the application's PDF waits 1 s
    await person.press(await fill_to_summary(person, "ru"), says("summary-submit", "ru"))
    await fake.wait_for(lambda _call: any("document" in m for m in replies(person)),
                        timeout=20)

    async with sessions(running.app.db)() as session:
        kinds = list(await session.scalars(select(IssuedPaper.kind)))
    assert kinds
    for _ in range(100):  # the worker counts a delivery once its outcome is written
        found = await metrics_of(running)
        if (value(found, "bot_deliveries_total", outcome="sent") or 0) >= 1:
            break
        await asyncio.sleep(0.05)
    for kind in set(kinds):
        assert value(found, "bot_documents_issued_total", kind=kind) == kinds.count(kind)
    assert value(found, "bot_rate_limited_total", channel="telegram") == 1
    assert value(found, "bot_deliveries_total", outcome="retry") == 1
    sent = value(found, "bot_deliveries_total", outcome="sent")
    assert sent is not None and sent >= 1
    assert (value(found, "bot_updates_total", kind="callback", outcome="ok") or 0) > 0
    handled = sum(value(found, "bot_updates_total", kind="message", outcome=outcome) or 0
                  for outcome in ("ok", "error"))
    assert value(found, "bot_update_handling_seconds_count", kind="message") == handled
    assert (value(found, "bot_outbox_messages", status="sent") or 0) >= 1  # the database's


@pytest.fixture
async def graph() -> AsyncIterator[FakeWhatsApp]:
    whatsapp = FakeWhatsApp()
    whatsapp.approve_template(TEMPLATE, languages=("kk", "ru", "en"), parameters=2)
    await whatsapp.start()
    yield whatsapp
    await whatsapp.stop()


async def test_whatsapp_messages_are_counted_and_one_meta_sends_twice_is_a_duplicate(
    fake: HoldingTelegram, graph: FakeWhatsApp, tmp_path: Path
) -> None:
    bot = RunningBot(fake, tmp_path, whatsapp=graph, with_telegram=False)
    await bot.start()
    try:
        user = graph.user(wa_id="77011234567", name="Айгүл")
        person = WhatsAppPerson(graph, user, bot.webhook_url, APP_SECRET, bot.settle)
        hello = user.text("/start")
        assert await person.send(hello)
        assert await person.send(hello) == []  # Meta delivered it again: not answered again
        found = await metrics_of(bot)
        assert value(found, "bot_updates_total", kind="whatsapp", outcome="ok") == 1
        assert value(found, "bot_updates_total", kind="whatsapp", outcome="duplicate") == 1
        assert value(found, "bot_update_handling_seconds_count", kind="whatsapp") == 1
    finally:
        await bot.stop()
