"""How many conversation turns the engine handles per second, on the real SQLite storage.

N people walk the whole visit-permission flow at the same time (about 30 turns each: taps,
typed answers, one document, the summary, Submit), through the real Engine with the SQL
ports. Prints turns per second and the latency of one turn (p50, p95, max): what a person
waits for before the bot answers, without the messenger's own time.

    python bench/engine_turns.py [--people 50]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from flows.calendar import KZ_TZ
from flows.engine import Engine, Ports
from flows.messages import EventKind, IncomingEvent, IncomingFile, Reply
from flows.services import FLOWS
from storage.applications import SqlApplications
from storage.conversations import SqlConversationStore
from storage.db import create_engine, migrate, sessions
from storage.files import DiskFileStore
from storage.keys import Keyring, new_key
from tests.sealing import KEYRING

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 4096


class Walker:
    """One person tapping through the flow; records how long each turn took."""

    def __init__(self, engine: Engine, user: str, timings: list[float]) -> None:
        self.engine, self.user, self.timings = engine, user, timings
        self.last: Reply | None = None

    async def _send(self, kind: EventKind, text: str = "",
                    file: IncomingFile | None = None) -> None:
        started = time.perf_counter()
        self.last = await self.engine.handle(IncomingEvent("bench", self.user, kind, text,
                                                           file=file))
        self.timings.append(time.perf_counter() - started)

    async def tap(self, label: str, **args: object) -> None:
        assert self.last is not None
        for message in self.last.messages:
            for row in message.choices:
                for choice in row:
                    if choice.label.key == label and all(
                            choice.label.args.get(k) == v for k, v in args.items()):
                        await self._send(EventKind.CHOICE, choice.payload)
                        return
        raise AssertionError(f"{self.user}: no button {label}")

    async def say(self, text: str) -> None:
        await self._send(EventKind.TEXT, text)

    async def upload(self, data: bytes) -> None:
        async def fetch() -> bytes:
            return data

        await self._send(EventKind.FILE, file=IncomingFile("id.jpg", len(data), fetch))

    async def walk(self) -> None:
        await self._send(EventKind.COMMAND, "start")
        await self.tap("language-ru")
        await self.tap("menu-visit")
        await self.tap("region-kostanay")
        await self.tap("body-kst-rudny-short")
        for answer in ("Иванова", "Айгүл"):
            await self.say(answer)
        await self.tap("nav-skip")
        for answer in ("871008401427", "г. Рудный, ул. Ленина, 1", "87011234567"):
            await self.say(answer)
        await self.tap("residence-guardianship-short")
        for child in ("Нұрлан", "Дана"):
            await self.say("Иванов")
            await self.say(child)
            await self.tap("nav-skip")
            await self.say("05.09.2015")
            await self.tap("group-more-yes" if child == "Нұрлан" else "group-more-no")
        await self.say("01.12.2026")
        await self.say("31.12.2026")
        await self.tap("consent-yes")
        await self.upload(JPEG + self.user.encode())
        await self.tap("files-done")
        await self.tap("files-none")
        await self.tap("summary-submit")


async def main(people: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        await migrate(url)
        db = create_engine(url, lambda: NOW, KEYRING)
        maker = sessions(db)
        files = DiskFileStore(Path(folder) / "files", Keyring.parse(new_key()))
        ports = Ports(SqlConversationStore(maker), files, SqlApplications(maker))
        engine = Engine(ports, list(FLOWS.values()), clock=lambda: NOW)
        timings: list[float] = []
        started = time.perf_counter()
        await asyncio.gather(*(Walker(engine, str(n), timings).walk() for n in range(people)))
        elapsed = time.perf_counter() - started
        await db.dispose()
    ordered = sorted(timings)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"people: {people}, turns: {len(timings)}, applications submitted: {people}")
    print(f"wall time: {elapsed:.2f} s, throughput: {len(timings) / elapsed:.0f} turns/s")
    print(f"one turn: p50 {statistics.median(timings) * 1000:.1f} ms, "
          f"p95 {p95 * 1000:.1f} ms, max {ordered[-1] * 1000:.1f} ms "
          f"(concurrent people share one SQLite writer)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50)
    asyncio.run(main(parser.parse_args().people))
