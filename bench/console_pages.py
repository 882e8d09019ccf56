"""How fast the staff web console answers with many applications (issue 17): every page
under 100 ms with 5,000 open applications.

A SQLite database in a temporary folder gets N visit applications, filed through the real
storage over the past four weeks by N citizens (seven surnames in turn: a search by surname
finds a seventh of them, fifty a page). The
console is served by its real aiohttp sub-application on 127.0.0.1; a staff member signs in
with a one-time link as the bot would send it; then each page is asked for several times and
its time to the last byte is printed: p50, p95, max. The first request of each page is
printed apart (the console keeps what it decrypted while a row is unchanged, and the bot
opens the list's rows when it starts, as here).

    python bench/console_pages.py [--applications 5000] [--repeat 20]

It prints figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from bot import collector
from flows.calendar import KZ_TZ
from handlers.l10n import Localizer
from handlers.web.console import Console
from handlers.web.console.acts import DeskActs
from storage.applications import SqlApplications
from storage.console import OFFICER, SqlConsole
from storage.db import create_engine, migrate, sessions
from storage.files import DiskFileStore
from storage.keys import Keyring, new_key
from storage.staff import StaffDesk

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
SURNAMES = ("Иванова", "Ахметова", "Сейтқали", "Петрова", "Жұмабаев", "Оспанова", "Ким")
ANSWERS = {
    "region": "kostanay", "body": "kst-rudny", "first_name": "Айгүл", "patronymic": None,
    "address": "Рудный, Ленина 1", "phone": "+77011234567", "residence": "patronage",
    "children": [{"surname": "Иванов", "first_name": "Нұрлан", "patronymic": None,
                  "birth_date": "2015-09-05"}],
    "period_from": "2026-12-01", "period_to": "2026-12-31", "consent": "yes",
    "id_document": [{"sha256": "ab" * 32, "mime": "image/jpeg", "size": 10, "name": "id.jpg"}],
    "other_documents": [],
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def fill(applications: SqlApplications, count: int) -> None:
    """`count` applications by as many citizens, filed over the last four weeks."""
    for n in range(count):
        at = NOW - timedelta(minutes=8 * (count - n))
        surname = SURNAMES[n % len(SURNAMES)]
        await applications.submit("telegram", str(100_000 + n), "visit",
                                  {**ANSWERS, "surname": surname, "iin": f"87100840{n:04d}"},
                                  f"draft-{n}", at)
        if n and n % 1000 == 0:
            print(f"  {n} filed", flush=True)


async def main() -> None:
    collector.tune()  # as `python -m bot` does
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--applications", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-console-"))
    url = f"sqlite+aiosqlite:///{folder / 'bot.db'}"
    await migrate(url)
    db = create_engine(url, lambda: NOW, Keyring.parse(new_key()))
    maker = sessions(db)
    started = time.perf_counter()
    print(f"Filing {options.applications} applications on SQLite ...", flush=True)
    await fill(SqlApplications(maker), options.applications)
    print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)

    files = DiskFileStore(folder / "files", Keyring.parse(new_key()))
    console = SqlConsole(maker, files)
    desk = StaffDesk(maker)
    server = web.Application()
    Console(console, console, DeskActs(desk, lambda: NOW, lambda: None), desk,
            Localizer("ru"), clock=lambda: NOW, default_language="ru").install(server)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    base = f"http://{host}:{port}/console"
    await console.open_snapshots(NOW.date())  # as the bot does when it starts (bot/app.py)
    collector.settled()
    token = await console.issue_link(77, "Дана Маман", OFFICER, NOW)
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as client:
        async with client.get(f"{base}/signin/{token}") as signed:
            assert signed.status == 200, await signed.text()
        pages = {
            "list, page 1": "/",
            "list, page 40": "/?page=40",
            "list, due today": "/?due=today",
            "list, overdue": "/?due=overdue",
            "search by surname": "/?q=Петрова",
            "search by number": f"/?q=ВП-2026-{options.applications // 2:05d}",
            "application page": f"/a/{options.applications // 2}",
            "today": "/today",
            "CSV export (all)": "/export.csv",
        }
        print(f"\n{'page':<20} {'first':>8} {'p50':>8} {'p95':>8} {'max':>8}   (ms, "
              f"{options.repeat} requests after the first)")
        for name, path in pages.items():
            times: list[float] = []
            for _ in range(options.repeat + 1):
                begun = time.perf_counter()
                async with client.get(base + path) as answer:
                    await answer.read()
                    assert answer.status == 200, (path, answer.status)
                times.append((time.perf_counter() - begun) * 1000)
            first, rest = times[0], times[1:]
            print(f"{name:<20} {first:>8.1f} {statistics.median(rest):>8.1f} "
                  f"{percentile(rest, 0.95):>8.1f} {max(rest):>8.1f}")
    await runner.cleanup()
    await db.dispose()


if __name__ == "__main__":
    asyncio.run(main())
