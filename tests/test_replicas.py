"""Issue 14: three real `python -m bot` processes in webhook mode on one real PostgreSQL, behind
a proxy that spreads Telegram's POSTs over them (as the TLS proxy in front would).

Citizens walk the visit application to the end while their updates land on any replica; two
photos of one citizen reach two replicas at the same instant; then one replica is killed in the
middle of the walks. Everyone is answered, in order, once; no application is doubled; every
notification is delivered exactly once and none is left in flight; the staff group's and the
bot's limits hold across the replicas, and with Telegram holding each chat to 1 message a
second, nothing is lost.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from flows.calendar import KZ_TZ
from storage.db import create_engine, sessions
from storage.keys import Keyring, new_key
from storage.models import Application, Document, OutboxMessage
from tests.conftest import bot_process_env
from tests.fakes.server import LocalServer
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.fakes.whatsapp_api import FakeWhatsApp, FakeWhatsAppUser
from tests.flows.documents import jpeg
from tests.handlers.conftest import APP_SECRET, NOW, TEMPLATE, VERIFY_TOKEN, free_port
from tests.handlers.lingo import says
from tests.handlers.test_whatsapp import texts
from tests.pg import Postgres
from tests.test_crash_kill import SendPhoto, Step, take, transcript, visit_walk

ROOT = Path(__file__).resolve().parent.parent
SECRET = "replicas-test-secret_0123456789"
STAFF_CHAT = -1004242
CITIZENS = 6
STEP_TIMEOUT = 60.0
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
NUMBER = re.compile(r"ВП-2026-\d{5}")
# When each gave consent, to the minute: the walks run on the processes' real clock, and a
# slow one (Telegram holds a chat to a message a second) ends in the next minute.
CONSENTED = re.compile(r"\d\d\.\d\d\.\d{4} \d\d:\d\d")


class Spreader(LocalServer):
    """The proxy in front: each POST goes to the next live replica; a dead one is skipped,
    and if none takes it Telegram gets a 502 and posts it again later."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []
        self.landed: Counter[str] = Counter()
        self._turn = itertools.count()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/webhooks/telegram", self._forward)
        return app

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}/webhooks/telegram"

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        start = next(self._turn)
        headers = {k: v for k, v in request.headers.items()
                   if k in (SECRET_HEADER, "Content-Type")}
        for shift in range(len(self.targets)):
            target = self.targets[(start + shift) % len(self.targets)]
            try:
                async with aiohttp.ClientSession() as session, session.post(
                        f"{target}/webhooks/telegram", data=body, headers=headers,
                        timeout=aiohttp.ClientTimeout(total=30)) as answer:
                    self.landed[target] += 1
                    return web.Response(status=answer.status, body=await answer.read())
            except (aiohttp.ClientError, TimeoutError):
                continue  # that replica is down: the next one
        return web.Response(status=502)


@dataclass
class Replicas:
    fake: FakeTelegram
    env: dict[str, str]
    folder: Path
    processes: dict[str, asyncio.subprocess.Process] = field(default_factory=dict)
    logs: list[IO[bytes]] = field(default_factory=list)

    async def start(self, count: int) -> list[str]:
        for n in range(count):
            port = free_port()
            log = (self.folder / f"replica-{n}.log").open("ab")
            self.logs.append(log)
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", cwd=ROOT, stdout=log,
                stderr=asyncio.subprocess.STDOUT, env={**self.env, "HTTP_PORT": str(port)})
            self.processes[f"http://127.0.0.1:{port}"] = process
        for target in self.processes:
            await self._ready(target)
        return list(self.processes)

    async def _ready(self, target: str) -> None:
        for _ in range(600):
            try:
                async with aiohttp.ClientSession() as session, session.get(
                        f"{target}/healthz", timeout=aiohttp.ClientTimeout(total=2)) as answer:
                    if answer.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.1)
        raise AssertionError(f"{target} did not start:\n{self.tail()}")

    def kill(self, target: str) -> None:
        self.processes[target].send_signal(signal.SIGKILL)

    async def stop(self) -> None:
        for process in self.processes.values():
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                await asyncio.wait_for(process.wait(), 15)
            except TimeoutError:
                process.kill()
                await process.wait()
        for log in self.logs:
            log.close()

    def tail(self, lines: int = 12) -> str:
        return "\n".join(
            f"{path.name}: {line}" for path in sorted(self.folder.glob("replica-*.log"))
            for line in path.read_text(errors="replace").splitlines()[-lines:])


@pytest.fixture
async def world(tmp_path: Path, postgres: Postgres) -> AsyncIterator[tuple[FakeTelegram,
                                                                            Spreader, Replicas,
                                                                            str]]:
    url = postgres.url(postgres.database())
    fake = FakeTelegram()
    fake.enforce_rate_limits()  # as Telegram: 1/s in a chat, 20/min in the group, 30/s in all
    await fake.start()
    fake.supergroup(id=STAFF_CHAT, title="Staff", is_forum=True)
    spreader = Spreader()
    await spreader.start()
    env = {**os.environ, **bot_process_env(NOW),
           "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_SERVER": fake.base_url,
           "TELEGRAM_WEBHOOK_URL": spreader.url, "TELEGRAM_WEBHOOK_SECRET": SECRET,
           "DATABASE_URL": url, "DATA_KEY": new_key(), "FILES_DIR": str(tmp_path / "files"),
           "STAFF_CHAT_ID": str(STAFF_CHAT), "OUTBOX_LEASE_SECONDS": "5", "LOG_LEVEL": "INFO"}
    replicas = Replicas(fake, env, tmp_path)
    try:
        spreader.targets = await replicas.start(3)
        yield fake, spreader, replicas, url
    finally:
        await replicas.stop()
        await spreader.stop()
        await fake.stop()


async def answered(fake: FakeTelegram, person: FakeUser, before: int, replicas: Replicas) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STEP_TIMEOUT
    while len(transcript(person)) <= before:
        if loop.time() > deadline:
            raise AssertionError(f"{person.id} got no answer:\n{replicas.tail()}")
        await asyncio.sleep(0.02)
    await fake.settled(timeout=STEP_TIMEOUT)  # the 200 comes after the whole reply


async def walk(fake: FakeTelegram, person: FakeUser, steps: list[Step],
               replicas: Replicas) -> None:
    for step in steps:
        before = len(transcript(person))
        try:
            take(person, step)
        except AssertionError as missing:
            said = "\n".join(text for text, _ in transcript(person)[-3:])
            raise AssertionError(f"{missing}; {person.id} was told:\n{said}") from None
        await answered(fake, person, before, replicas)


async def post_to(target: str, payload: dict[str, Any]) -> int:
    async with aiohttp.ClientSession() as session, session.post(
            f"{target}/webhooks/telegram", json=payload, headers={SECRET_HEADER: SECRET},
            timeout=aiohttp.ClientTimeout(total=30)) as answer:
        return answer.status


async def two_photos_at_once(fake: FakeTelegram, person: FakeUser, targets: list[str],
                             replicas: Replicas) -> None:
    """The identity document as two photos, sent together and landing on two replicas at
    the same instant: both are kept (one turn after the other, never one over the other)."""
    fake.pause_webhook()
    before = len(transcript(person))
    first, second = person.send_photo(jpeg(2)), person.send_photo(jpeg(3))
    statuses = await asyncio.gather(post_to(targets[0], fake.update_payload(first)),
                                    post_to(targets[1], fake.update_payload(second)))
    assert statuses == [200, 200]
    fake.resume_webhook()  # Telegram's own delivery of both follows: handled once already
    await answered(fake, person, before, replicas)


def photo_step(step: Step) -> bool:
    return isinstance(step, SendPhoto)


async def applications_and_outbox(url: str) -> tuple[Counter[int], Counter[str], int]:
    db = create_engine(url, lambda: NOW, Keyring.parse(new_key()))  # counts need no key
    try:
        async with sessions(db)() as session:
            per_person: Counter[int] = Counter({person: count for person, count in (
                await session.execute(select(Application.person_id, func.count())
                                      .group_by(Application.person_id)))})
            statuses: Counter[str] = Counter({status: count for status, count in (
                await session.execute(select(OutboxMessage.status, func.count())
                                      .group_by(OutboxMessage.status)))})
            id_photos = int(await session.scalar(select(func.count()).select_from(Document)
                                                 .where(Document.kind == "id_document")) or 0)
        return per_person, statuses, id_photos
    finally:
        await db.dispose()


@pytest.mark.timeout(400)
async def test_three_replicas_answer_everyone_once_in_order_and_survive_a_kill(
    world: tuple[FakeTelegram, Spreader, Replicas, str],
) -> None:
    fake, spreader, replicas, url = world
    today: date = NOW.astimezone(KZ_TZ).date()
    steps = visit_walk(today)
    at_photo = next(i for i, step in enumerate(steps) if photo_step(step))
    people = [fake.user(id=9300 + n, first_name=f"Айгүл{n}") for n in range(CITIZENS)]

    # The walks up to the identity document, all at once, spread over the three replicas.
    await asyncio.gather(*(walk(fake, person, steps[:at_photo], replicas)
                           for person in people))
    assert len(spreader.landed) == 3  # every replica took part
    await two_photos_at_once(fake, people[0], spreader.targets, replicas)
    for person in people[1:]:
        await walk(fake, person, [steps[at_photo]], replicas)

    # One replica dies in the middle of the rest of the walks; the others finish them.
    rest = steps[at_photo + 1:]
    walks = [asyncio.create_task(walk(fake, person, rest, replicas)) for person in people]
    await asyncio.sleep(1.0)
    replicas.kill(spreader.targets[0])
    await asyncio.gather(*walks)

    # Everyone got the same answers in the same order (their numbers aside), ending with
    # the registration of their application.
    said = {person.id: [CONSENTED.sub("T", NUMBER.sub("ВП-2026-N", text))
                        for text, _ in transcript(person)] for person in people}
    reference = said[people[1].id]
    registered = says("submitted", "ru", number="ВП-2026-N", registered="", check="",
                      decision="").split("\n")[0]
    assert any(text.startswith(registered) for text in reference[-3:])
    assert all(said[person.id] == reference for person in people[2:]), differences(
        {person.id: said[person.id] for person in people[2:]}, reference)
    assert any(text.startswith(registered) for text in said[people[0].id][-3:])
    per_person, _left, id_photos = await wait_for_outbox(url, replicas)
    assert sorted(per_person.values()) == [1] * CITIZENS  # nobody's application doubled
    assert id_photos == CITIZENS + 1  # the two photos sent at once are both kept
    cards = Counter(message.get("text", "").split("\n")[0]
                    for message in fake.sent_messages(STAFF_CHAT) if "ВП-2026-" in
                    message.get("text", "").split("\n")[0])
    assert len(cards) == CITIZENS and set(cards.values()) == {1}, cards  # each card once
    # Telegram held every chat to 1 message a second, refusing the rest with a 429 (the
    # replies of a turn come faster): the replicas waited as told, and nothing was lost.
    assert any(v.scope == "chat" and v.chat_id != STAFF_CHAT for v in fake.rate_violations)
    # The one deliverer kept the staff group's 20 a minute, whichever replica queued them.
    assert [v for v in fake.rate_violations if v.chat_id == STAFF_CHAT] == [], [
        (call.method, call.params.get("caption", call.params.get("text", ""))[:30])
        for call in fake.calls if str(call.params.get("chat_id")) == str(STAFF_CHAT)]


def differences(said: dict[int, list[str]], reference: list[str]) -> str:
    """Where each transcript first parts from the reference (for a failure's message)."""
    lines = []
    for who, words in said.items():
        if words != reference:
            at = next((i for i, (a, b) in enumerate(zip(words, reference, strict=False))
                       if a != b), min(len(words), len(reference)))
            lines.append(f"{who} at {at}: {words[at:at + 1]} vs {reference[at:at + 1]}"[:2000])
    return "\n".join(lines)


async def wait_for_outbox(url: str, replicas: Replicas) -> tuple[Counter[int], Counter[str],
                                                                  int]:
    """Until nothing is left pending or in flight (a dead replica's claim is settled once
    its lease runs out)."""
    for _ in range(300):  # the staff group takes 17 a minute: about two minutes of them
        per_person, statuses, id_photos = await applications_and_outbox(url)
        if not statuses.get("pending") and not statuses.get("sending"):
            return per_person, statuses, id_photos
        await asyncio.sleep(1.0)
    raise AssertionError(f"the outbox is stuck: {statuses}\n{replicas.tail()}")


# ---------------------------------------------------------------------------- WhatsApp

@pytest.mark.timeout(180)
async def test_whatsapp_a_dead_replicas_unsent_reply_is_sent_once_by_a_live_one(
    tmp_path: Path, postgres: Postgres,
) -> None:
    """Meta hears 200 once a message is logged and never sends it again: if the replica
    that took it dies before its reply is out, a live replica finishes that reply, once,
    and answers the person's next message as if nothing had happened."""
    graph = FakeWhatsApp()
    await graph.start()
    env = {**os.environ, **bot_process_env(NOW),
           "DATABASE_URL": postgres.url(postgres.database()), "DATA_KEY": new_key(),
           "FILES_DIR": str(tmp_path / "files"), "LOG_LEVEL": "INFO",
           "REPLICA_TAKEOVER_SECONDS": "5",
           "WHATSAPP_PHONE_NUMBER_ID": graph.phone_number_id,
           "WHATSAPP_ACCESS_TOKEN": graph.access_token, "WHATSAPP_APP_SECRET": APP_SECRET,
           "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN, "WHATSAPP_API_BASE": graph.base_url,
           "WHATSAPP_TEMPLATE_STATUS": TEMPLATE}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    replicas = Replicas(FakeTelegram(), env, tmp_path)
    try:
        first, second = await replicas.start(2)
        user = graph.user(wa_id="79161234567", name="Айгүл")
        graph.hold_sends()
        assert await graph.post_webhook(f"{first}/webhooks/whatsapp", user.text("Сәлем"),
                                        APP_SECRET) == 200
        await asyncio.wait_for(graph.holding.wait(), STEP_TIMEOUT)  # its reply is going out
        replicas.kill(first)
        await replicas.processes[first].wait()
        graph.release_sends()  # that call never reached the person

        greeting, language = says("start-greeting", "ru"), says("language-ask", "ru")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STEP_TIMEOUT
        while language not in texts(graph.sent(user.wa_id)):
            if loop.time() > deadline:
                raise AssertionError(f"the greeting never came:\n{replicas.tail()}")
            await asyncio.sleep(0.1)
        await asyncio.sleep(3.0)  # a second sweep would send it again by now
        shown = texts(graph.sent(user.wa_id))
        assert shown.count(greeting) == 1 and shown.count(language) == 1, shown

        before = len(graph.sent(user.wa_id))
        assert await graph.post_webhook(f"{second}/webhooks/whatsapp",
                                        user.button_reply(language_choice(graph, user), "Русский"),
                                        APP_SECRET) == 200
        deadline = loop.time() + STEP_TIMEOUT
        while says("menu-title", "ru") not in texts(graph.sent(user.wa_id)[before:]):
            if loop.time() > deadline:
                raise AssertionError(f"the menu never came:\n{replicas.tail()}")
            await asyncio.sleep(0.1)
    finally:
        await replicas.stop()
        await graph.stop()


def language_choice(graph: FakeWhatsApp, user: FakeWhatsAppUser) -> str:
    menu = graph.last_interactive(user.wa_id)
    assert menu is not None
    interactive = menu["interactive"]
    rows = interactive["action"].get("buttons") or [
        row for section in interactive["action"]["sections"] for row in section["rows"]]
    for row in rows:
        reply = row.get("reply", row)
        if reply["title"] == "Русский":
            return str(reply["id"])
    raise AssertionError(f"no Русский in {interactive}")
