"""Issue 18, points 1 and 9, over the fake Bot API and the WhatsApp fake.

1. A new person is greeted, and asked for the language, in the language their messenger
   suggests: Telegram's `language_code` (kk, ru, else English), the WhatsApp number's
   country where it decides (Russia: Russian; Kazakhstan: the default; elsewhere: English).
9. An internal error answers in the person's chosen language (else the messenger's, else
   the default), and `/metrics` counts it by channel.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.settings import Settings
from flows.ports import ConversationState
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.whatsapp_api import FakeWhatsApp
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_whatsapp import person, pick, texts

LANGUAGE_BUTTONS = ["Қазақша", "Русский", "English"]


@dataclass
class BotSpeaking(RunningBot):
    """The bot with another configured default language than Kazakh."""

    default_locale: str = "kk"

    @property
    def settings(self) -> Settings:
        return super().settings.model_copy(update={"default_locale": self.default_locale})


@pytest.fixture
async def start_bot(telegram: FakeTelegram,
                    tmp_path: Path) -> AsyncIterator[Any]:
    started: list[RunningBot] = []

    async def start(default_locale: str = "kk") -> RunningBot:
        bot = BotSpeaking(telegram, tmp_path, default_locale=default_locale)
        await bot.start()
        started.append(bot)
        return bot

    yield start
    for bot in started:
        if bot.app is not None:
            await bot.stop()


class ApplicationsOutOfReach:
    """The applications' store failing: "My applications" raises inside the turn."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    async def list_for(self, channel: str, user_id: str) -> list[Any]:
        raise RuntimeError("the applications are out of reach")


class StatesOutOfReach:
    """The conversations' store failing: no turn, and no stored language to read."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    async def load(self, channel: str, user_id: str) -> ConversationState | None:
        raise RuntimeError("the database is out of reach")


async def internal_errors(bot: RunningBot) -> dict[str, float]:
    assert bot.app is not None
    async with aiohttp.ClientSession() as client, \
            client.get(bot.app.http_url + "/metrics") as response:
        assert response.status == 200
        text = await response.text()
    return {sample.labels["channel"]: sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples if sample.name == "bot_internal_errors_total"}


# ---------------------------------------------------------------------------- 1. Telegram
@pytest.mark.parametrize(("code", "default", "spoken"), [
    ("ru-RU", "kk", "ru"),
    ("ru", "kk", "ru"),
    ("en", "kk", "en"),
    ("de-DE", "kk", "en"),  # a language the bot does not speak: English
    ("kk", "ru", "kk"),  # Kazakh where the bot is set to greet in Russian
])
async def test_a_new_telegram_user_is_greeted_in_their_telegrams_language(
    telegram: FakeTelegram, start_bot: Any, code: str, default: str, spoken: str
) -> None:
    await start_bot(default)
    newcomer = telegram.user(id=1801, first_name="Анна", language_code=code)
    greeting, question = await newcomer.say("/start")
    assert greeting["text"] == says("start-greeting", spoken)
    assert question["text"] == says("language-ask", spoken)
    assert buttons(question) == LANGUAGE_BUTTONS  # the choice is still theirs


async def test_without_a_language_code_the_configured_default_greets(
    telegram: FakeTelegram, start_bot: Any
) -> None:
    await start_bot("ru")
    newcomer = telegram.user(id=1802, first_name="Анна")
    greeting, _question = await newcomer.say("/start")
    assert greeting["text"] == says("start-greeting", "ru")


async def test_the_telegrams_language_is_not_taken_for_a_choice(
    telegram: FakeTelegram, start_bot: Any
) -> None:
    await start_bot()
    newcomer = telegram.user(id=1803, first_name="Анна", language_code="ru")
    await newcomer.say("/start")
    _greeting, question = await newcomer.say("/start")  # asked again, not the menu
    assert question["text"] == says("language-ask", "ru")
    menu = (await newcomer.press(question, "Қазақша"))[-1]
    assert menu["text"] == says("menu-title", "kk")  # then the chosen language, not Telegram's
    assert (await newcomer.say("/start"))[-1]["text"] == says("menu-title", "kk")


# ---------------------------------------------------------------------------- 1. WhatsApp
@pytest.mark.parametrize(("wa_id", "spoken"), [
    ("79161234567", "ru"),  # Russia, +7 9xx
    ("4915112345678", "en"),  # Germany
    ("77011234567", "kk"),  # Kazakhstan: no hint, the configured default
])
async def test_a_new_whatsapp_user_is_greeted_by_their_numbers_country(
    graph: FakeWhatsApp, on_whatsapp: RunningBot, wa_id: str, spoken: str
) -> None:
    who = person(graph, on_whatsapp, wa_id=wa_id)
    shown = await who.say("Сәлем")
    assert says("start-greeting", spoken) in texts(shown)
    assert says("language-ask", spoken) in texts(shown)
    shown = await pick(who, shown, "Қазақша")  # the choice is still theirs
    assert says("menu-title", "kk") in texts(shown)


# ---------------------------------------------------------------------------- 9. Telegram
async def test_an_internal_error_answers_in_the_chosen_language_and_is_counted(
    telegram: FakeTelegram, start_bot: Any
) -> None:
    bot = await start_bot()
    assert await internal_errors(bot) == {"telegram": 0, "whatsapp": 0}
    aigerim = telegram.user(id=1804, first_name="Айгерим", language_code="en")
    await aigerim.say("/start")
    menu = (await aigerim.press(aigerim.last(), "Русский"))[-1]
    assert bot.app is not None
    ports = bot.app.engine.ports
    ports.applications = ApplicationsOutOfReach(ports.applications)  # type: ignore[assignment]

    replies = await aigerim.press(menu, says("menu-my-applications", "ru"))
    assert [reply["text"] for reply in replies] == [says("error-internal", "ru")]
    assert await internal_errors(bot) == {"telegram": 1, "whatsapp": 0}


async def test_with_the_database_out_of_reach_the_apology_speaks_telegrams_language(
    telegram: FakeTelegram, start_bot: Any
) -> None:
    bot = await start_bot()
    assert bot.app is not None
    ports = bot.app.engine.ports
    ports.conversations = StatesOutOfReach(ports.conversations)  # type: ignore[assignment]
    newcomer = telegram.user(id=1805, first_name="Анна", language_code="ru-RU")
    replies = await newcomer.say("/start")
    assert [reply["text"] for reply in replies] == [says("error-internal", "ru")]
    assert await internal_errors(bot) == {"telegram": 1, "whatsapp": 0}


# ---------------------------------------------------------------------------- 9. WhatsApp
async def test_an_internal_error_on_whatsapp_answers_in_the_chosen_language_and_is_counted(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    who = person(graph, on_whatsapp)  # +7 701: Kazakhstan, the default greets
    shown = await who.say("/start")
    shown = await pick(who, shown, "Русский")
    assert on_whatsapp.app is not None
    ports = on_whatsapp.app.engine.ports
    ports.applications = ApplicationsOutOfReach(ports.applications)  # type: ignore[assignment]

    shown = await pick(who, shown, says("menu-my-applications", "ru"))
    assert texts(shown) == says("error-internal", "ru")
    assert await internal_errors(on_whatsapp) == {"telegram": 0, "whatsapp": 1}
    graph.assert_no_rejections()
