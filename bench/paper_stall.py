"""How long other people's turns wait while the bot issues papers.

On the bot's own SQLite engine (migrations applied, personal data sealed), with papers
laid out as the bot lays them out (`bot/paper_process.py`), people answer a question at a
steady rate: a turn, its load and save as a Telegram update's, offered every 10 ms (100/s).
A specialist meanwhile issues a permission again and again, a paper at a time with a pause
between (`--pause`), as staff steps and submissions would on a busy morning. It prints the
turns' latency (from when each was offered to when its save committed) with no paper being
issued, then while papers are; how long each paper's step took; and the papers' process's
resident memory. The same script on the code before 5 December measures papers laid out in
a thread of the bot, inside the change's transaction.

    python bench/paper_stall.py [--papers 8] [--pause 0.5]

It prints figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from throughput import resident_mb  # bench/, beside this script

from bot.paper_process import PaperProcess
from flows.clock import system_clock
from flows.ports import ConversationState
from storage.applications import SqlApplications
from storage.conversations import SqlConversationStore
from storage.db import create_engine, migrate, sessions
from storage.files import DiskFileStore
from storage.papers import PaperRegistry
from storage.staff import StaffDesk
from tests.sealing import KEYRING
from tests.storage.conftest import START
from tests.storage.test_storage import ANSWERS

CHANNEL = "telegram"
OFFERED_EVERY = 0.010  # s: 100 turns/s
PEOPLE = 200


async def turns(store: SqlConversationStore, until: asyncio.Event) -> list[float]:
    """Turns offered at a steady rate until `until`; each one's latency in ms."""
    latencies: list[float] = []
    running: set[asyncio.Task[None]] = set()
    n = 0

    async def turn(person: str, offered: float) -> None:
        async with store.turn(CHANNEL, person):
            state = await store.load(CHANNEL, person) or ConversationState(language="ru")
            state.seq += 1
            await store.save(CHANNEL, person, state, "Айгүл")
        latencies.append((time.perf_counter() - offered) * 1000)

    started = time.perf_counter()
    while not until.is_set():
        offered = started + n * OFFERED_EVERY
        await asyncio.sleep(max(0.0, offered - time.perf_counter()))
        task = asyncio.create_task(turn(str(400_000 + n % PEOPLE), offered))
        running.add(task)
        task.add_done_callback(running.discard)
        n += 1
    await asyncio.gather(*running)
    return latencies


def line(name: str, latencies: list[float]) -> str:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (f"  {name:34} {len(ordered):5} turns  p50 {statistics.median(ordered):6.1f}  "
            f"p99 {p99:6.1f}  max {ordered[-1]:6.1f} ms")


async def main(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="paper-stall-"))
    url = f"sqlite+aiosqlite:///{folder}/bot.db"
    await migrate(url)
    engine = create_engine(url, system_clock, KEYRING)
    maker = sessions(engine)
    press = PaperProcess()
    registry = PaperRegistry(press, DiskFileStore(folder / "files", KEYRING),
                             "https://bot.example.kz", "ru")
    started = time.perf_counter()
    await SqlApplications(maker, registry).submit(
        CHANNEL, "42", "visit", {**ANSWERS, "phone_verified": True}, "d-1", START)
    first = (time.perf_counter() - started) * 1000
    desk = StaffDesk(maker, registry)
    application = int((await SqlApplications(maker).list_for(CHANNEL, "42"))[0].ref)
    await desk.act(application, "accept", "staff:1", {}, START + timedelta(hours=1), "Дана")
    await desk.act(application, "approve", "staff:1", {"period": {
        "from": "2026-12-01", "to": "2026-12-31"}}, START + timedelta(hours=2), "Дана")
    store = SqlConversationStore(maker)
    for n in range(PEOPLE):
        async with store.turn(CHANNEL, str(400_000 + n)):
            await store.save(CHANNEL, str(400_000 + n), ConversationState(language="ru"), "Айгүл")

    quiet = asyncio.Event()
    asyncio.get_running_loop().call_later(args.papers * (args.pause + 0.4), quiet.set)
    alone = await turns(store, quiet)

    busy = asyncio.Event()
    running = asyncio.create_task(turns(store, busy))
    steps = []
    for n in range(args.papers):
        await asyncio.sleep(args.pause)
        started = time.perf_counter()
        await desk.reissue(application, "staff:1", "Дана", START + timedelta(hours=3 + n))
        steps.append((time.perf_counter() - started) * 1000)
    busy.set()
    with_papers = await running
    resident = resident_mb(press.pid) if press.pid is not None else None
    await engine.dispose()
    print(f"bench/paper_stall.py: turns offered at {1 / OFFERED_EVERY:.0f}/s on SQLite; "
          f"{args.papers} papers issued, {args.pause} s apart")
    print(line("no paper being issued", alone))
    print(line("while papers are issued", with_papers))
    print(f"  a paper's step (reissue): median {statistics.median(steps):.0f} ms, "
          f"max {max(steps):.0f} ms; the submission before, the first paper: {first:.0f} ms")
    print(f"  the papers' process, resident: {resident or 0:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=8)
    parser.add_argument("--pause", type=float, default=0.5)
    asyncio.run(main(parser.parse_args()))
