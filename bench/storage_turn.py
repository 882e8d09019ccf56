"""What one turn asks of the database, part by part: the CPU time of each store call a
Telegram update makes, on the bot's own SQLite engine (migrations applied, personal data
sealed), without the messenger, the flow or aiogram.

Each part runs over its own people or updates, several times; the best run is printed, in
microseconds of CPU a call (the least disturbed by other work on the machine).

* a poll's receipt: 100 updates logged in one transaction, per update;
* the load of a person's state, inside their turn;
* a form's answer: the load, then the save with the update marked handled and its reply kept;
* a menu turn that changed nothing: the load, then the save (the update marked handled);
* the mark after the reply's last call (nothing owed any more).

    python bench/storage_turn.py [--turns 600] [--runs 5]

It prints figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from flows.clock import system_clock
from flows.messages import Choice, OutgoingMessage, Reply, Text
from flows.ports import ConversationState, Receipt
from storage.conversations import SqlConversationStore
from storage.db import create_engine, migrate, sessions
from storage.updates import SeenUpdates
from tests.sealing import KEYRING

CHANNEL = "telegram"
IIN = "871008401427"
POLL = 100  # updates a poll brings at most (UPDATES_IN_FLIGHT)
ANSWER = Reply("ru", (OutgoingMessage(
    (Text("flow-progress", {"current": 2, "total": 11}), Text("ask-address")),
    ((Choice(Text("nav-back"), "1:b"), Choice(Text("nav-cancel"), "1:c")),)),), None)
MENU = Reply("ru", (OutgoingMessage((Text("hint-menu-unexpected"),), ()),), None)


def in_form() -> ConversationState:
    return ConversationState(language="ru", flow="visit", cursor="iin", seq=7,
                             answers={"region": "kostanay", "surname": "Иванова"})


async def best(runs: int, calls: int, part: Callable[[int], Awaitable[None]]) -> float:
    """The least CPU time a call took, in µs, over `runs` runs of `calls` calls each; each
    call gets a number of its own (0, 1, ...), so no two runs touch the same rows."""
    times = []
    for run in range(runs):
        started = time.process_time()
        for call in range(run * calls, (run + 1) * calls):
            await part(call)
        times.append((time.process_time() - started) / calls * 1e6)
    return min(times)


async def main(args: argparse.Namespace) -> None:
    folder = Path(tempfile.mkdtemp(prefix="storage-turn-"))
    url = f"sqlite+aiosqlite:///{folder}/bot.db"
    await migrate(url)
    engine = create_engine(url, system_clock, KEYRING)
    store, log = SqlConversationStore(sessions(engine)), SeenUpdates(sessions(engine))
    total = args.runs * args.turns
    people = [str(300_000 + n) for n in range(total)]
    for person in people:  # each in the form, at the IIN question
        async with store.turn(CHANNEL, person):
            await store.save(CHANNEL, person, in_form(), "Айгүл")
    async with store.turn(CHANNEL, "7"):
        await store.save(CHANNEL, "7", ConversationState(language="ru"), "Айгүл")

    def update(n: int) -> tuple[str, dict[str, object]]:
        chat = int(people[n % total])
        return str(n), {"update_id": n, "message": {"message_id": n, "date": 0, "text": IIN,
                                                    "chat": {"id": chat, "type": "private"}}}

    async def poll(n: int) -> None:
        await log.receive_all(CHANNEL, [update(n * POLL + k) for k in range(POLL)])
    receipt = await best(args.runs, max(1, args.turns // POLL), poll) / POLL
    answered, menus = total * POLL, 2 * total * POLL  # the first keys of the updates below
    for first in range(0, total, POLL):  # the updates the saves below answer, logged
        await log.receive_all(CHANNEL, [update(start + n) for start in (answered, menus)
                                        for n in range(first, min(first + POLL, total))])

    async def load(n: int) -> None:
        async with store.turn(CHANNEL, people[n]):
            await store.load(CHANNEL, people[n])

    async def answer(n: int) -> None:
        async with store.turn(CHANNEL, people[n]):
            state = await store.load(CHANNEL, people[n]) or in_form()
            state.answers["iin"], state.cursor, state.seq = IIN, "address", state.seq + 1
            await store.save(CHANNEL, people[n], state, "Айгүл",
                             Receipt(str(answered + n), ANSWER))

    async def menu(n: int) -> None:
        async with store.turn(CHANNEL, "7"):
            state = await store.load(CHANNEL, "7") or ConversationState(language="ru")
            await store.save(CHANNEL, "7", state, "Айгүл", Receipt(str(menus + n), MENU))

    async def mark(n: int) -> None:
        await log.progress(CHANNEL, str(answered + n), 1, done=True)

    loaded = await best(args.runs, args.turns, load)
    answered_turn = await best(args.runs, args.turns, answer)
    menu_turn = await best(args.runs, args.turns, menu)
    marked = await best(args.runs, args.turns, mark)
    await engine.dispose()
    print(f"bench/storage_turn.py: CPU µs a call, best of {args.runs} runs of {args.turns}")
    for name, figure in (("a poll's receipt, per update", receipt),
                         ("the load, in the person's turn", loaded),
                         ("a form's answer: the load, the save with its handled mark",
                          answered_turn),
                         ("a menu turn that changed nothing: the load, the save", menu_turn),
                         ("the mark after the reply's last call", marked)):
        print(f"  {figure:7.0f}  {name}")
    print(f"  {receipt + answered_turn + marked:7.0f}  a form's answer with its receipt and mark")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=600)
    parser.add_argument("--runs", type=int, default=5)
    asyncio.run(main(parser.parse_args()))
