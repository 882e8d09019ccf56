"""Issue 17: "a citizen's message appears on the page". What a citizen writes to a specialist
(Telegram or WhatsApp) is kept as it is relayed into their topic, and the application's chat
(the fragment htmx refreshes every 10 s) shows it as an incoming line; a file shows as a line
that points to the topic, with its caption."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.console.conftest import CITIZEN, Browser, signed_in, submitted
from tests.console.test_application import application_id
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.whatsapp_api import FakeWhatsApp
from tests.flows.documents import jpeg
from tests.handlers import conftest as handlers_conftest
from tests.handlers.conftest import NOW, STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_small_things import asks_a_specialist
from tests.handlers.test_whatsapp import graph_waits
from tests.storage.test_storage import ANSWERS

graph = handlers_conftest.graph  # the fake Graph API, as the handler tests start it
INCOMING = re.compile(r'<li class="in"[^>]*data-direction="in"[^>]*>(.*?)</li>', re.S)
WA_ID = "77017770017"


def incoming(chat: str) -> list[str]:
    """The citizen's lines in the chat fragment, as the staff member reads them."""
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", line)).split())
            for line in INCOMING.findall(chat)]


async def writes_to_a_specialist(telegram: FakeTelegram, words: str) -> int:
    """The console's citizen (who sent /start) picks Kazakh, then "write to a specialist",
    and writes; the thread of their topic."""
    citizen = telegram.user(id=CITIZEN)
    await citizen.press_latest("Қазақша")
    await citizen.press_latest(says("menu-specialist", "kk"))
    await citizen.say(words)
    copied = await telegram.wait_for(lambda c: c.method == "copyMessage", timeout=10)
    return int(copied.params["message_thread_id"])


async def test_a_telegram_citizens_words_and_file_appear_in_the_chat(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    await submitted(console)
    ref = await application_id(console)
    browser = await signed_in(console, browsers)
    assert incoming((await browser.get(f"/console/a/{ref}/chat")).text) == []

    words = "Сәлеметсіз бе, кездесу уақытын ауыстыруға бола ма?"
    await writes_to_a_specialist(telegram, words)
    chat = await browser.get(f"/console/a/{ref}/chat")
    assert chat.status == 200 and chat.text.lstrip().startswith('<ol id="messages"')
    assert incoming(chat.text)[-1].endswith(words)  # its time, then the words

    telegram.user(id=CITIZEN).send_photo(jpeg(5), caption="Анықтама")
    await telegram.wait_for(lambda c: c.method == "copyMessage" and c.ok
                            and len(telegram.calls_of("copyMessage")) == 2, timeout=10)
    lines = incoming((await browser.get(f"/console/a/{ref}/chat")).text)
    assert lines[-1].endswith(f'{says("console-chat-file", "ru")} Анықтама')
    assert says("console-chat-file", "ru") not in lines[0]  # the text stays a text
    page = await browser.get(f"/console/a/{ref}")  # the page itself shows them too
    assert words in html.unescape(page.text)


async def test_the_words_are_kept_when_telegram_refuses_the_copy_to_the_topic(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    await submitted(console)
    ref = await application_id(console)
    browser = await signed_in(console, browsers)
    telegram.fail_next("copyMessage", 400, times=1)
    words = "Құжатты қайда әкелемін?"
    citizen = telegram.user(id=CITIZEN)
    await citizen.press_latest("Қазақша")
    await citizen.press_latest(says("menu-specialist", "kk"))
    await citizen.say(words)
    await telegram.wait_for(lambda c: c.method == "copyMessage", timeout=10)
    assert not [c for c in telegram.calls_of("copyMessage") if c.ok]  # the topic missed it
    assert incoming((await browser.get(f"/console/a/{ref}/chat")).text)[-1].endswith(words)


@pytest.fixture
async def console_with_whatsapp(telegram: FakeTelegram, graph: FakeWhatsApp, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[RunningBot]:
    """The console's bot on WhatsApp too, with the staff group and an officer (77)."""
    telegram.supergroup(id=STAFF_CHAT, title="Қорғаншылық органы", is_forum=True)
    telegram.user(id=STAFF_MEMBER, first_name="Дана", last_name="Маман")
    telegram.set_chat_member(STAFF_CHAT, STAFF_MEMBER, "member")
    bot = RunningBot(telegram, tmp_path, staff_chat_id=STAFF_CHAT, whatsapp=graph)
    await bot.start()
    yield bot
    if bot.app is not None:
        await bot.stop()


async def test_a_whatsapp_citizens_words_and_file_appear_in_the_chat(
    telegram: FakeTelegram, graph: FakeWhatsApp, console_with_whatsapp: RunningBot,
) -> None:
    bot = console_with_whatsapp
    assert bot.app is not None
    made: list[Browser] = []
    try:
        who = await asks_a_specialist(graph, bot, WA_ID)  # writes "Мне нужна помощь"
        await bot.app.engine.ports.applications.submit("whatsapp", WA_ID, "visit", ANSWERS,
                                                       "d-1", NOW)
        ref = await application_id(bot)
        browser = await signed_in(bot, made)
        assert incoming((await browser.get(f"/console/a/{ref}/chat")).text)[-1].endswith(
            "Мне нужна помощь")

        await who.send_image(jpeg(6))
        await graph_waits(graph, lambda: any("document" in m for m in telegram.sent_messages(
            STAFF_CHAT)))
        lines = incoming((await browser.get(f"/console/a/{ref}/chat")).text)
        assert lines[-1].endswith(says("console-chat-file", "ru"))
    finally:
        for browser in made:
            await browser.close()
