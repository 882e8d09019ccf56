"""Issue 14: the production image, as a department runs it (Dockerfile, compose.yaml).

Each test starts containers of the image built by `python3 tasks.py image`, on the host's
network, against the fake Bot API: alone on SQLite in its /data volume, and as two replicas
on one PostgreSQL behind the webhook, as compose.yaml runs them. Nothing here depends on the
date: the containers run on the machine's clock, which the tests cannot move.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pypdfium2  # type: ignore[import-untyped]
import pytest

from storage.keys import new_key
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.handlers.conftest import free_port
from tests.handlers.lingo import says
from tests.image.conftest import Container, Proxy, docker
from tests.pg import Postgres
from tests.test_replicas import SECRET

ROOT = Path(__file__).resolve().parents[2]
BOT_USER = "10001"  # the Dockerfile's `bot`
STOP_WITHIN = 10.0  # seconds: SIGTERM to exit (issue 14)
REPLY_TIMEOUT = 30.0

Json = dict[str, Any]

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    telegram = FakeTelegram()
    await telegram.start()
    try:
        yield telegram
    finally:
        await telegram.stop()


def polling_env(fake: FakeTelegram) -> dict[str, str]:
    return {"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_SERVER": fake.base_url,
            "DATA_KEY": new_key()}


async def told(person: FakeUser, act: Callable[[], object], text: str) -> list[Json]:
    """What the bot sends the person after `act`, once its last message holds `text`: a
    bot in its own process answers after Telegram has its update, not before."""
    fake = person.telegram
    mark = fake.output_mark()
    act()
    deadline = asyncio.get_running_loop().time() + REPLY_TIMEOUT
    while not (said := fake.outputs_since(person.id, mark)) or text not in said[-1]["text"]:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{person.id} was not told {text!r}: {said}")
        await asyncio.sleep(0.05)
    return said


async def choose_language(person: FakeUser) -> None:
    asked = await told(person, lambda: person.send_text("/start"), says("language-ask", "kk"))
    await told(person, lambda: person.tap(asked[-1], "Русский"), says("menu-title", "ru"))


async def test_the_image_answers_as_a_non_root_user_keeps_its_data_and_stops_on_sigterm(
    image: str, fake: FakeTelegram, containers: list[Container], volume: str,
) -> None:
    """Alone, the embedded default: long polling, SQLite and the files in the /data volume."""
    bot = Container(image, polling_env(fake), free_port(), mounts=(f"{volume}:/data",))
    containers.append(bot)
    await bot.ready()
    assert bot.execute("id", "-u") == BOT_USER
    assert await bot.healthy() == "healthy", bot.logs()

    person = fake.user(id=7101, first_name="Айгүл")
    await choose_language(person)

    code, took = await bot.stop()
    assert (code, took < STOP_WITHIN) == (0, True), f"{code} after {took:.1f} s\n{bot.logs()}"
    assert "stopped" in bot.logs(lines=3)

    # Started again on the same volume: the person's language was kept.
    await bot.start()
    await bot.ready()
    replies = await told(person, lambda: person.send_text("Здравствуйте"),
                         says("menu-title", "ru"))
    assert replies[0]["text"] == says("hint-menu-unexpected", "ru")


async def test_two_replicas_of_the_image_share_one_postgresql_behind_the_proxy(
    image: str, fake: FakeTelegram, containers: list[Container], volume: str,
    postgres: Postgres, tmp_path: Path,
) -> None:
    """compose.yaml's bot1 and bot2: the same image, settings and key, one database, one files
    volume, and in front its proxy (Caddy with deploy/Caddyfile), to which Telegram posts."""
    name = postgres.database()
    relay = await over_tcp(postgres)
    ports = [free_port(), free_port()]
    proxy = Proxy(tmp_path, [f"127.0.0.1:{port}" for port in ports])
    try:
        await proxy.ready()
        url = f"postgresql+asyncpg://postgres@127.0.0.1:{relay.sockets[0].getsockname()[1]}/{name}"
        env = {**polling_env(fake), "DATABASE_URL": url,
               "TELEGRAM_WEBHOOK_URL": f"{proxy.url}/webhooks/telegram",
               "TELEGRAM_WEBHOOK_SECRET": SECRET, "LOG_FORMAT": "json"}
        for port in ports:
            containers.append(Container(image, env, port, mounts=(f"{volume}:/data/files",)))
        for replica in containers:
            await replica.ready()

        people = [fake.user(id=7200 + n, first_name=f"Айгүл{n}") for n in range(4)]
        await asyncio.gather(*(choose_language(person) for person in people))
        for replica in containers:  # both took their share
            assert handled(await text_of(f"{replica.url}/metrics")) > 0

        # A POST without Telegram's secret, or with a wrong one, is refused and not handled;
        # Telegram's own, with it, is answered.
        stranger = fake.user(id=7299)
        fake.pause_webhook()
        forged = fake.update_payload(stranger.send_text("/start"))
        assert await fake.post_to_webhook(forged, secret=None) == 401
        assert await fake.post_to_webhook(forged, secret="guess") == 403
        assert stranger.messages() == []
        await told(stranger, fake.resume_webhook, says("language-ask", "kk"))

        # The proxy passes on what the world is to reach, and nothing else.
        for path, status in (("/metrics", 404), ("/healthz", 404), ("/console", 200)):
            assert (await status_of(f"{proxy.url}{path}")) == status, path

        for replica in containers:
            code, took = await replica.stop()
            assert (code, took < STOP_WITHIN) == (0, True), replica.logs()
    finally:
        proxy.stop()
        relay.close()


def handled(metrics: str) -> float:
    return sum(float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
               if line.startswith('bot_updates_total{kind="message",outcome="ok"}')
               or line.startswith('bot_updates_total{kind="callback",outcome="ok"}'))


async def text_of(url: str) -> str:
    async with aiohttp.ClientSession() as session, session.get(url) as answer:
        return await answer.text()


async def status_of(url: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(url) as answer:
        return answer.status


async def over_tcp(postgres: Postgres) -> asyncio.Server:
    """The test server's Unix socket on a TCP port of 127.0.0.1, as compose's `db:5432`: its
    folder is not for the image's user to enter."""
    socket = str(postgres.server.get_postmaster_info().socket_path)

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        writer.close()

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_unix_connection(socket)
        await asyncio.gather(pipe(reader, server_writer), pipe(server_reader, writer))

    return await asyncio.start_server(relay, "127.0.0.1", 0)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_paper_is_laid_out_inside_the_image_with_its_fonts(
    image: str, tmp_path: Path, lang: str,
) -> None:
    """The application's PDF, made by the image's own code and fonts (the samples of the
    paper tests are mounted in); its text reads back in the language asked for."""
    tmp_path.chmod(0o777)  # the image's user writes there
    script = ("import sys, papers; from flows.paper import APPLICATION; "
              "from tests.papers.samples import facts; "
              "open(sys.argv[1], 'wb').write(papers.render(facts(APPLICATION), sys.argv[2]))")
    docker("run", "--rm", "--network", "none", "-v", f"{ROOT / 'tests'}:/app/tests:ro",
           "-v", f"{tmp_path}:/out", image, "python", "-c", script, f"/out/{lang}.pdf", lang)
    pdf = pypdfium2.PdfDocument(tmp_path / f"{lang}.pdf")
    text = pdf[0].get_textpage().get_text_range()
    title = {"kk": "ӨТІНІШ", "ru": "ЗАЯВЛЕНИЕ"}[lang]
    assert title in text.upper(), text[:400]
    preview = os.environ.get("CITIZEN_BOT_IMAGE_PREVIEW")  # to look at the pages
    if preview:
        for index in range(len(pdf)):
            pdf[index].render(scale=1.4).to_pil().save(f"{preview}/application-{lang}-{index}.png")


def test_the_image_holds_exactly_the_versions_it_was_tested_with(image: str) -> None:
    """deploy/constraints.txt pins every package in the image: a dependency added to
    pyproject.toml without its pin (or a pin left behind) shows here."""
    pinned = {line for line in (ROOT / "deploy" / "constraints.txt").read_text().splitlines()
              if line and not line.startswith("#")}
    installed = {line for line in docker("run", "--rm", "--network", "none", image,
                                         "pip", "freeze").splitlines()
                 if line and not line.startswith(("#", "-e "))}
    assert (sorted(installed - pinned), sorted(pinned - installed)) == ([], [])
