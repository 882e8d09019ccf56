"""Side by side: the real bot against a bare aiogram echo bot, on one fake Bot API (issue 15).

The fake Telegram Bot API runs in a process of its own (bench/fake_api_process.py). Then, for
several rounds and each workload in turn, the real bot (`python -m bot`: long polling, SQLite
in a temporary folder) and a bare aiogram 3 echo bot (bench/echo_bot.py) that makes the same
number of reply calls per update as the real bot does for that workload, each a fresh process
on the same machine. Workloads:

* menu text: people who chose their language, in the main menu, send a text;
* IIN answer: people at the visit form's IIN step send a valid IIN (validated, saved, and the
  next question asked). An answer moves the form on, so each of these people answers once:
  the IIN workload has as many people as updates, walked to that step through the bot
  beforehand (once; every run starts from a copy of that database);
* button tap: people in the main menu tap "Contacts" (the menu stays, so the button stays).

Throughput = updates / (the last expected reply seen - the burst pushed), timed by the fake.
Then the handling latency at a fixed offered rate (updates pushed on a schedule; latency =
the update's last reply seen - its push), on SQLite, on the echo bot, and on PostgreSQL with
`--postgres`. The bot's resident memory (VmRSS) is read at the end of each run.

    python bench/throughput.py [--chats 50] [--updates 1500] [--rounds 3] [--postgres]
    python bench/throughput.py --updates 200 --rounds 1      # a smoke run
    python bench/throughput.py --soak 100000 --chats 10000  # memory: 10,000 people
    python bench/throughput.py --workloads menu --profile /tmp/profiles  # where time goes

It prints figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import platform
import shutil
import signal
import statistics
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from anywhere

from flows.messages import Text
from handlers.l10n import Localizer
from tests.fakes.telegram_api import DEFAULT_TOKEN

ROOT = Path(__file__).resolve().parent.parent
Json = dict[str, Any]
Push = tuple[int, str, str]  # chat, "text" or "tap", the text or the button's label

IIN = "871008401427"  # a valid check digit
MENU_TEXT = "Здравствуйте, подскажите, пожалуйста"
LANG = "ru"
MENU_PEOPLE = 100_001  # chat ids: people in the menu from here, people at the IIN step
IIN_PEOPLE = 200_001  # from here
SAMPLES = 5  # updates of each workload the replies per update are counted on
START_TIMEOUT = 60.0
_L10N = Localizer()


def says(key: str, lang: str = LANG) -> str:
    return _L10N.render(Text(key), lang)


@dataclass(frozen=True)
class Workload:
    name: str
    title: str

    def pushes(self, people: People, count: int) -> list[Push]:
        if self.name == "menu":
            return [(people.menu[i % len(people.menu)], "text", MENU_TEXT) for i in range(count)]
        if self.name == "tap":
            label = says("menu-contacts")
            return [(people.menu[i % len(people.menu)], "tap", label) for i in range(count)]
        return [(people.iin[i], "text", IIN) for i in range(count)]


WORKLOADS = (Workload("menu", "menu text"), Workload("iin", "IIN answer"),
             Workload("tap", "button tap"))


@dataclass
class People:
    menu: list[int]  # in the main menu, language chosen
    iin: list[int]  # at the IIN step, one update each
    samples: list[int]  # at the IIN step too, for counting its replies

    @classmethod
    def make(cls, chats: int, iin: int) -> People:
        return cls(list(range(MENU_PEOPLE, MENU_PEOPLE + chats)),
                   list(range(IIN_PEOPLE, IIN_PEOPLE + iin)),
                   list(range(IIN_PEOPLE + iin, IIN_PEOPLE + iin + SAMPLES)))


# ---------------------------------------------------------------------------- the fake
class Fake:
    """The fake Bot API's process, and its bench calls."""

    def __init__(self, process: asyncio.subprocess.Process, url: str,
                 http: aiohttp.ClientSession) -> None:
        self.process, self.url, self.http = process, url, http

    @classmethod
    @asynccontextmanager
    async def started(cls) -> AsyncIterator[Fake]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(ROOT / "bench" / "fake_api_process.py"), cwd=ROOT,
            stdout=asyncio.subprocess.PIPE)
        try:
            assert process.stdout is not None
            line = await asyncio.wait_for(process.stdout.readline(), START_TIMEOUT)
            if not line.startswith(b"http://"):
                raise RuntimeError("the fake Bot API did not start (see its output above)")
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=None)) as http:
                yield cls(process, line.decode().strip(), http)
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await process.wait()

    async def call(self, op: str, **body: Any) -> Json:
        async with self.http.post(f"{self.url}/bench/{op}", json=body) as response:
            result: Json = await response.json()
            if response.status != 200:
                raise RuntimeError(f"the fake: {result.get('error', result)}")
            return result

    async def settle(self, pushes: Sequence[Push], timeout: float) -> dict[int, int]:
        """Push, wait until every chat is answered and the bot is quiet: replies per chat."""
        result = await self.call("run", pushes=list(pushes), timeout=timeout)
        return {int(chat): n for chat, n in result["replies"].items()}


# ---------------------------------------------------------------------------- the bots
def cpu_seconds(pid: int) -> float:
    """The CPU time a process has used (all its threads, user and system)."""
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return math.nan


def resident_mb(pid: int) -> float | None:
    """A process's resident memory now (VmRSS), in MB; None when it is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return None


@dataclass
class Running:
    process: asyncio.subprocess.Process
    log: Path

    def rss_mb(self) -> float | None:
        return resident_mb(self.process.pid)

    def tail(self, lines: int = 15) -> str:
        text = self.log.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(f"    {line}" for line in text)


@asynccontextmanager
async def running(fake: Fake, command: list[str], env: dict[str, str],
                  log_path: Path) -> AsyncIterator[Running]:
    """A bot process, from its start until it polls; stopped with SIGTERM at the end, once
    the fake has no update left for it (the next one would get it again)."""
    polls = (await fake.call("state"))["polls"]
    log: IO[bytes] = log_path.open("ab")
    process = await asyncio.create_subprocess_exec(*command, cwd=ROOT, env=env, stdout=log,
                                                   stderr=asyncio.subprocess.STDOUT)
    bot = Running(process, log_path)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while (await fake.call("state"))["polls"] <= polls:
            if process.returncode is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command[-1]} did not start polling:\n{bot.tail()}")
            await asyncio.sleep(0.05)
        yield bot
        left = (await fake.call("drain", timeout=10.0, drop=True))["pending"]
        if left:
            print(f"  ! {left} updates never confirmed by the bot; dropped")
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), 15.0)
            except TimeoutError:
                process.kill()
                await process.wait()
        log.close()


def bot_env(fake: Fake, folder: Path, database_url: str, log_level: str) -> dict[str, str]:
    blank = ("STAFF_CHAT_ID", "STAFF_ADMIN_IDS", "TELEGRAM_WEBHOOK_URL", "DATA_KEY",
             "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_ACCESS_TOKEN", "WHATSAPP_APP_SECRET",
             "WHATSAPP_VERIFY_TOKEN")
    return {**os.environ, **dict.fromkeys(blank, ""),
            "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN, "TELEGRAM_API_SERVER": fake.url,
            "DATABASE_URL": database_url, "FILES_DIR": str(folder / "files"),
            "DATA_KEY_FILE": str(folder / "data.key"), "HTTP_PORT": "0",
            "LOG_LEVEL": log_level}


def real_bot(fake: Fake, folder: Path, database_url: str,
             log_level: str) -> AbstractAsyncContextManager[Running]:
    return running(fake, [sys.executable, "-m", "bot"],
                   bot_env(fake, folder, database_url, log_level), folder / "bot.log")


def echo_bot(fake: Fake, folder: Path, replies: int,
             log_level: str) -> AbstractAsyncContextManager[Running]:
    command = [sys.executable, str(ROOT / "bench" / "echo_bot.py"), "--api", fake.url,
               "--token", DEFAULT_TOKEN, "--replies", str(replies), "--log-level", log_level]
    return running(fake, command, dict(os.environ), folder / "echo.log")


# ---------------------------------------------------------------------------- databases
class Databases:
    """Where a run's bot keeps its data: a copy of the prepared folder, and with PostgreSQL a
    copy of the prepared database."""

    def __init__(self, root: Path, postgres: Any | None = None) -> None:
        self.root, self.postgres = root, postgres
        self.template = root / ("template-pg" if postgres else "template")
        self.template.mkdir()
        self._runs = 0

    @property
    def kind(self) -> str:
        return "PostgreSQL" if self.postgres else "SQLite"

    def template_url(self) -> str:
        if self.postgres is None:
            return f"sqlite+aiosqlite:///{self.template}/bot.db"
        self.postgres.sql('CREATE DATABASE "bench_template" TEMPLATE template0')
        return str(self.postgres.url("bench_template"))

    @contextlib.contextmanager
    def copy(self) -> Any:
        """A fresh copy of the prepared data: (folder, DATABASE_URL)."""
        self._runs += 1
        folder = self.root / f"run-{self.kind.lower()}-{self._runs}"
        shutil.copytree(self.template, folder)
        for log in folder.glob("*.log"):
            log.unlink()
        name = f"bench_run_{self._runs}"
        try:
            if self.postgres is None:
                yield folder, f"sqlite+aiosqlite:///{folder}/bot.db"
            else:
                self.postgres.sql(f'CREATE DATABASE "{name}" TEMPLATE "bench_template"')
                yield folder, str(self.postgres.url(name))
        finally:
            if self.postgres is not None:
                self.postgres.drop(name)
            shutil.rmtree(folder, ignore_errors=True)


def start_postgres() -> Any:
    """PostgreSQL 16 from pgserver, as tests/pg.py starts it, but durable as shipped (the
    tests turn fsync off; a bench must not)."""
    from tests.pg import Postgres

    with warnings.catch_warnings():  # platformdirs: "XDG_RUNTIME_DIR is not set" as root
        warnings.simplefilter("ignore")
        import pgserver
    folder = Path(tempfile.mkdtemp(prefix="bench-postgresql-"))
    started = time.monotonic()
    try:
        server = pgserver.get_server(folder / "data", cleanup_mode="delete")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Postgres(server, folder, time.monotonic() - started)


# ---------------------------------------------------------------------------- preparing
def walk_to_menu() -> list[tuple[str, str]]:
    return [("text", "/start"), ("tap", says("language-ru", "kk"))]


def walk_to_iin() -> list[tuple[str, str]]:
    return [*walk_to_menu(), ("tap", says("menu-visit")), ("tap", says("region-kostanay")),
            ("tap", says("body-kst-rudny-short")), ("tap", says("rights-deprived")),
            ("text", "Иванова"), ("text", "Айгүл"), ("tap", says("nav-skip"))]


async def prepare(fake: Fake, databases: Databases, people: People, log_level: str,
                  timeout: float) -> dict[str, int]:
    """Walk the people where the workloads need them, through the real bot, into the
    template; count the replies the bot makes per update of each workload."""
    started = time.monotonic()
    iin_people = people.iin + people.samples
    url = databases.template_url()
    async with real_bot(fake, databases.template, url, log_level):
        print("  steps walked:", end="")
        for number, (kind, value) in enumerate(walk_to_iin(), start=1):
            chats = iin_people + (people.menu if number <= len(walk_to_menu()) else [])
            await fake.settle([(chat, kind, value) for chat in chats], timeout)
            print(f" {number}/{len(walk_to_iin())} {time.monotonic() - started:.0f} s",
                  end="", flush=True)
        print()
        await expect_last(fake, people.samples[0], says("ask-iin"), "at the IIN step")
        replies = {}
        samples: dict[str, list[Push]] = {
            "menu": WORKLOADS[0].pushes(people, SAMPLES),
            "tap": WORKLOADS[2].pushes(people, SAMPLES),
            "iin": [(chat, "text", IIN) for chat in people.samples],
        }
        for name, pushes in samples.items():
            counts = set((await fake.settle(pushes, timeout)).values())
            if len(counts) != 1:
                raise RuntimeError(f"{name}: the bot's replies per update vary: {counts}")
            replies[name] = counts.pop()
        await expect_last(fake, people.samples[0], says("ask-address"), "after a valid IIN")
        await expect_last(fake, people.menu[0], says("menu-title"), "in the menu")
    print(f"  prepared on {databases.kind} in {time.monotonic() - started:.0f} s")
    return replies


async def expect_last(fake: Fake, chat: int, words: str, where: str) -> None:
    text = (await fake.call("last", chat=chat))["text"] or ""
    if words not in text:
        raise RuntimeError(f"{where}: the bot's last message is not what the workload needs:\n"
                           f"{text[:300]!r}\n(expected it to contain {words!r})")


# ---------------------------------------------------------------------------- measuring
@dataclass
class Figures:
    rate: float  # updates/s
    rss: float | None  # MB
    cpu: float  # the bot's CPU while measured, % of one core
    fake_cpu: float  # the fake's
    latencies: list[float] = field(default_factory=list)  # seconds
    lost: int = 0  # updates not answered within the timeout
    push_rate: float = 0.0  # the rate the updates were actually pushed at

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else math.nan


async def measure(fake: Fake, bot: Running, pushes: list[Push], replies: int,
                  args: argparse.Namespace, rate: float = 0.0) -> Figures:
    if args.warmup:  # not timed: a long-running bot has its caches warm, its imports done
        await fake.settle(WORKLOADS[0].pushes(People.make(args.chats, 0), args.warmup),
                          args.timeout)
    pids = (bot.process.pid, fake.process.pid)
    began, used = time.monotonic(), [cpu_seconds(pid) for pid in pids]
    result = await fake.call("run", pushes=pushes, replies_each=replies, rate=rate,
                             timeout=args.timeout)
    took = time.monotonic() - began
    bot_cpu, fake_cpu = ((cpu_seconds(pid) - was) / took * 100
                         for pid, was in zip(pids, used, strict=True))
    lost = result["pushed"] - result["answered"]
    if lost:
        print(f"  ! {lost} of {result['pushed']} updates unanswered within {args.timeout:.0f} s; "
              f"the log ends with:\n{bot.tail()}")
    span = result["push_span"]
    return Figures(result["answered"] / result["elapsed"] if result["elapsed"] else math.nan,
                   bot.rss_mb(), bot_cpu, fake_cpu, result["latencies"], lost,
                   (len(pushes) - 1) / span if span else math.inf)


async def on_bot(fake: Fake, databases: Databases, pushes: list[Push], replies: int,
                 args: argparse.Namespace, rate: float = 0.0) -> Figures:
    with databases.copy() as (folder, url):
        async with real_bot(fake, folder, url, args.log_level) as bot:
            if args.profile is None:
                return await measure(fake, bot, pushes, replies, args, rate)
            async with profiled(bot, args.profile / f"bot-{time.time():.0f}.txt"):
                return await measure(fake, bot, pushes, replies, args, rate)


@asynccontextmanager
async def profiled(bot: Running, output: Path) -> AsyncIterator[None]:
    """py-spy samples the bot while measured (its stacks, collapsed, in `output`); then the
    functions that take the most of its samples are printed, by self and by total time."""
    output.parent.mkdir(parents=True, exist_ok=True)
    spy_bin = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    spy = await asyncio.create_subprocess_exec(
        spy_bin, "record", "--pid", str(bot.process.pid), "--format", "raw", "--rate", "200",
        "--nonblocking", "--output", str(output), stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL)
    try:
        yield
    finally:
        spy.send_signal(signal.SIGINT)  # py-spy writes what it sampled when interrupted
        await spy.wait()
    print_profile(output)


def print_profile(collapsed: Path, top: int = 25) -> None:
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in collapsed.read_text().splitlines():
        stack, _, hits = line.rpartition(" ")
        frames = [frame.split(" (")[0] + " " + frame.rsplit("/", 1)[-1].rstrip(")")
                  for frame in stack.split(";")]
        samples += int(hits)
        own[frames[-1]] += int(hits)
        for frame in set(frames):
            total[frame] += int(hits)
    print(f"  profile ({samples} samples) in {collapsed}")
    for title, counter in (("self", own), ("total", total)):
        print(f"  by {title} time:")
        for frame, count in counter.most_common(top):
            print(f"    {count / samples * 100:5.1f} %  {frame}")


async def on_echo(fake: Fake, root: Path, pushes: list[Push], replies: int,
                  args: argparse.Namespace, rate: float = 0.0) -> Figures:
    async with echo_bot(fake, root, replies, args.log_level) as bot:
        return await measure(fake, bot, pushes, replies, args, rate)


def mb(value: float | None) -> str:
    return f"{value:.0f}" if value is not None else "?"


def row(figures: Figures) -> str:
    """Updates/s, CPU % (the bot's; the fake's), resident MB."""
    return (f"{figures.rate:12.1f} {figures.cpu:4.0f} {figures.fake_cpu:4.0f} "
            f"{mb(figures.rss):>4}")


def ms(figures: Figures) -> str:
    said = (f"{figures.quantile(0.5) * 1000:6.1f} / {figures.quantile(0.99) * 1000:6.1f} / "
            f"{max(figures.latencies, default=math.nan) * 1000:6.1f}")
    return said + (f" ({figures.lost} lost)" if figures.lost else "")


async def throughput(fake: Fake, databases: Databases, root: Path, people: People,
                     replies: dict[str, int], workloads: list[Workload],
                     args: argparse.Namespace) -> None:
    print(f"\nThroughput: {args.updates} updates a run, pushed at once "
          f"(menu text and button tap: {len(people.menu)} chats; IIN answer: "
          f"{args.updates} chats, one each)")
    print("CPU: % of one core while measured, the bot's then the fake's; RSS: resident MB at "
          "the end")
    print(f"round  workload     replies │{'bot: upd/s':>12} {'CPU':>4} {'fake':>4} {'RSS':>4} "
          f"│{'echo: upd/s':>12} {'CPU':>4} {'fake':>4} {'RSS':>4} │ bot/echo")
    ratios: dict[str, list[float]] = {w.name: [] for w in workloads}
    rates: dict[str, list[tuple[float, float]]] = {w.name: [] for w in workloads}
    for number in range(1, args.rounds + 1):
        for workload in workloads:
            pushes = workload.pushes(people, args.updates)
            bot = await on_bot(fake, databases, pushes, replies[workload.name], args)
            echo = await on_echo(fake, root, pushes, replies[workload.name], args)
            ratio = bot.rate / echo.rate
            ratios[workload.name].append(ratio)
            rates[workload.name].append((bot.rate, echo.rate))
            print(f"{number:5}  {workload.title:<12} {replies[workload.name]:7} │"
                  f"{row(bot)} │{row(echo)} │ {ratio:8.3f}", flush=True)
    print("median   " + ";  ".join(
        f"{w.title}: bot {statistics.median(b for b, _ in rates[w.name]):.1f}, "
        f"echo {statistics.median(e for _, e in rates[w.name]):.1f} upd/s, "
        f"ratio {statistics.median(ratios[w.name]):.3f}" for w in workloads))


async def latency(fake: Fake, runs: list[tuple[str, Databases | None]], root: Path,
                  people: People, replies: dict[str, int], workloads: list[Workload],
                  args: argparse.Namespace) -> dict[str, list[str]]:
    """Each run's p50 / p99 / max for each workload, as the table's cells."""
    cells: dict[str, list[str]] = {workload.name: [] for workload in workloads}
    for workload in workloads:
        pushes = workload.pushes(people, args.latency_updates)
        for _title, databases in runs:
            if databases is None:
                figures = await on_echo(fake, root, pushes, replies[workload.name], args,
                                        args.rate)
            else:
                figures = await on_bot(fake, databases, pushes, replies[workload.name], args,
                                       args.rate)
            held = "" if figures.push_rate >= args.rate * 0.97 else \
                f" (pushed at {figures.push_rate:.0f}/s)"
            cells[workload.name].append(f"{ms(figures)}{held}")
    return cells


def print_latency(titles: list[str], cells: dict[str, list[str]], workloads: list[Workload],
                  args: argparse.Namespace) -> None:
    print(f"\nLatency at {args.rate:g} updates/s offered ({args.latency_updates} updates a run; "
          f"the update's last reply seen - its push): p50 / p99 / max, ms")
    print(f"{'workload':<12} " + "".join(f"{title:<30}" for title in titles))
    for workload in workloads:
        print(f"{workload.title:<12} " + "".join(f"{cell:<30}" for cell in cells[workload.name]),
              flush=True)


async def soak(fake: Fake, databases: Databases, people: People, args: argparse.Namespace,
               ) -> None:
    """The bot's resident memory with every person's conversation open, and across a long
    run of menu texts from all of them: printed after each tenth of the run."""
    print(f"\nMemory: {len(people.menu)} people in the menu, then {args.soak} menu texts from "
          f"them in turn; the bot's resident MB")
    step = max(1, args.soak // 10)
    with databases.copy() as (folder, url):
        async with real_bot(fake, folder, url, args.log_level) as bot:
            print(f"  started: {mb(bot.rss_mb())} MB", flush=True)
            done, began = 0, time.monotonic()
            while done < args.soak:
                pushes = [(people.menu[(done + i) % len(people.menu)], "text", MENU_TEXT)
                          for i in range(min(step, args.soak - done))]
                answered = await fake.settle(pushes, args.timeout)
                done += len(pushes)
                unanswered = len({chat for chat, _, _ in pushes} - set(answered))
                print(f"  after {done:>7} updates ({time.monotonic() - began:5.0f} s): "
                      f"{mb(bot.rss_mb())} MB" + (f", {unanswered} chats unanswered"
                                                  if unanswered else ""), flush=True)


async def main(args: argparse.Namespace) -> None:
    workloads = [w for w in WORKLOADS if w.name in args.workloads]
    # People walked to the IIN step only when that workload runs (walking them takes minutes).
    iin = max(args.updates, args.latency_updates) \
        if "iin" in args.workloads and not args.soak else 0
    people = People.make(args.chats, iin)
    import aiogram

    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"bench/throughput.py, {datetime.now():%d.%m.%Y %H:%M}: {os.cpu_count()} cores "
          f"(load {load} at start), {platform.python_implementation()} "
          f"{platform.python_version()}, aiogram {aiogram.__version__}")
    postgres = start_postgres() if args.postgres else None
    try:
        with tempfile.TemporaryDirectory(prefix="bench-throughput-") as folder:
            root = Path(folder)
            async with Fake.started() as fake:
                await fake.call("users", ids=people.menu + people.iin + people.samples)
                print(f"The fake Bot API in its own process at {fake.url}")
                sqlite = Databases(root)
                print(f"Preparing on SQLite: {len(people.menu)} people to the menu, "
                      f"{len(people.iin) + SAMPLES} to the visit form's IIN step")
                replies = await prepare(fake, sqlite, people, args.log_level, args.timeout)
                if args.soak:
                    await soak(fake, sqlite, people, args)
                    return
                print("Reply calls per update (the echo bot makes as many): " + ", ".join(
                    f"{w.title} {replies[w.name]}" for w in workloads))
                await throughput(fake, sqlite, root, people, replies, workloads, args)
                runs: list[tuple[str, Databases | None]] = [("bot, SQLite", sqlite),
                                                            ("echo", None)]
                cells = await latency(fake, runs, root, people, replies, workloads, args)
                titles = [title for title, _ in runs]
                if postgres is not None:
                    # Prepared only after the other runs: PostgreSQL flushes its
                    # preparation's writes for a while after, which must not land on them.
                    on_pg = Databases(root, postgres)
                    print("\nPreparing on PostgreSQL (pgserver, durable as shipped)")
                    again = await prepare(fake, on_pg, people, args.log_level, args.timeout)
                    if again != replies:
                        print(f"  ! replies per update differ on PostgreSQL: {again}")
                    on_it = await latency(fake, [("bot, PostgreSQL", on_pg)], root, people,
                                          replies, workloads, args)
                    titles.append("bot, PostgreSQL")
                    for workload in workloads:
                        cells[workload.name] += on_it[workload.name]
                print_latency(titles, cells, workloads, args)
                state = await fake.call("state")
                refused: Counter[str] = Counter(state["refused"])
                if refused or state["internal_errors"]:
                    print(f"\nThe fake refused calls: {dict(refused)}; "
                          f"its own errors: {state['internal_errors']}")
    finally:
        if postgres is not None:
            postgres.stop()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=50,
                        help="people in the menu (menu text, button tap)")
    parser.add_argument("--updates", type=int, default=1500, help="updates a throughput run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rate", type=float, default=100.0,
                        help="offered updates/s of the latency runs")
    parser.add_argument("--latency-updates", type=int, default=None,
                        help="updates a latency run (default: --updates, at most 10 s of "
                             "--rate)")
    parser.add_argument("--postgres", action="store_true",
                        help="latency on PostgreSQL too (pgserver, started here)")
    parser.add_argument("--workloads", default="menu,iin,tap",
                        help="some of: menu, iin, tap (comma-separated)")
    parser.add_argument("--warmup", type=int, default=20,
                        help="menu texts each bot answers, untimed, before it is measured")
    parser.add_argument("--log-level", default="INFO",
                        help="LOG_LEVEL of both bots (the real bot's default: INFO)")
    parser.add_argument("--soak", type=int, default=0,
                        help="instead of the rest: this many menu texts from --chats people, "
                             "the bot's memory printed along the way (issue 15: 100000 from "
                             "10000)")
    parser.add_argument("--profile", type=Path, default=None,
                        help="a folder: py-spy samples the real bot's measured runs there")
    parser.add_argument("--timeout", type=float, default=600.0,
                        help="seconds a run or a walk's step may take")
    args = parser.parse_args()
    args.workloads = [name.strip() for name in args.workloads.split(",") if name.strip()]
    if args.latency_updates is None:
        args.latency_updates = min(args.updates, int(args.rate * 10))
    return args


if __name__ == "__main__":
    asyncio.run(main(arguments()))
