"""Issue 2, as a person meets it: /start, languages, the menu, restarts, odd input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import buttons, says

ROOT = Path(__file__).resolve().parents[2]


async def test_language_menu_and_restart_in_the_middle(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    person = telegram.user(id=1001, first_name="Айгүл")
    (greeting, language) = await person.say("/start")
    assert greeting["text"] == says("start-greeting", "kk")
    assert buttons(language) == ["Қазақша", "Русский", "English"]

    replies = await person.press(language, "Қазақша")
    menu = replies[-1]
    assert menu["text"] == says("menu-title", "kk")
    assert says("menu-visit", "kk") in buttons(menu)
    assert says("menu-contacts", "kk") in buttons(menu)

    (_ask,) = await person.say("/language")
    replies = await person.press(person.last(), "Русский")
    menu = replies[-1]
    assert menu["text"] == says("menu-title", "ru")
    assert buttons(menu)[0] == says("menu-visit", "ru")

    replies = await person.press(menu, says("menu-visit", "ru"))
    assert replies[0]["text"] == says("visit-intro", "ru")
    assert says("ask-region", "ru") in replies[-1]["text"]
    await person.press(replies[-1], says("region-kostanay", "ru"))
    assert says("ask-body", "ru") in person.last()["text"]

    await running.restart()

    replies = await person.say("здравствуйте")
    assert replies[0]["text"] == says("hint-use-buttons", "ru")
    assert says("ask-body", "ru") in replies[-1]["text"]
    # the district buttons of the region chosen before the restart
    assert says("body-kst-rudny-short", "ru") in buttons(replies[-1])


async def test_contacts_give_the_numbers_and_hours(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    person = telegram.user(id=1002)
    await person.say("/start")
    menu = (await person.press(person.last(), "English"))[-1]
    replies = await person.press(menu, says("menu-contacts", "en"))
    assert "1414" in replies[0]["text"] and "8 800 080 7777" in replies[0]["text"]
    assert "13:00" in replies[0]["text"]
    assert replies[-1]["text"] == says("menu-title", "en")


async def test_odd_input_always_gets_an_answer(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    person = telegram.user(id=1003)
    await person.say("/start")
    menu = (await person.press(person.last(), "Қазақша"))[-1]

    person.send_sticker()
    await telegram.settled()
    assert person.last()["text"] == says("menu-title", "kk")
    assert says("hint-menu-unexpected", "kk") in [m["text"] for m in telegram.sent_messages(1003)]

    person.send_voice()
    await telegram.settled()
    assert person.last()["text"] == says("menu-title", "kk")

    replies = await person.say("/nonsense")
    assert replies[0]["text"] == says("hint-unknown-command", "kk")
    assert replies[-1]["text"] == says("menu-title", "kk")

    # the same button tapped twice: the flow starts once, the second tap is told it is done
    first = await person.press(menu, says("menu-contacts", "kk"))
    menu = first[-1]
    visit_button = says("menu-visit", "kk")
    await person.press(menu, visit_button)
    before = len(telegram.sent_messages(1003))
    again = await person.press(menu, visit_button)
    assert again == []  # no second intro, no second question
    assert len(telegram.sent_messages(1003)) == before
    answers = [c for c in telegram.calls_of("answerCallbackQuery")]
    assert answers[-1].params.get("text") == says("button-already-done", "kk")
    # every tap was answered, so no spinner is left on the person's screen
    taps = [c for c in telegram.calls if c.method == "answerCallbackQuery"]
    assert len(taps) == 4


async def test_help_and_cancel_work_inside_a_flow(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    person = telegram.user(id=1004)
    await person.say("/start")
    menu = (await person.press(person.last(), "Русский"))[-1]
    replies = await person.press(menu, says("menu-visit", "ru"))
    replies = await person.press(replies[-1], says("region-astana", "ru"))
    replies = await person.say("/help")
    assert replies[0]["text"] == says("help-flow", "ru")
    assert says("ask-body", "ru") in replies[-1]["text"]
    (confirm,) = await person.say("/cancel")
    assert confirm["text"] == says("cancel-confirm", "ru")
    replies = await person.press(confirm, says("cancel-no", "ru"))
    assert says("ask-body", "ru") in replies[-1]["text"]
    replies = await person.press(replies[-1], says("nav-back", "ru"))
    assert says("ask-region", "ru") in replies[-1]["text"]


def test_without_a_token_the_bot_says_what_to_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "TELEGRAM_BOT_TOKEN" in lines[0]
    assert "Traceback" not in result.stderr


async def test_an_update_delivered_twice_is_handled_once(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    person = telegram.user(id=1005)
    update_id = person.send_text("/start")
    await telegram.settled()
    before = len(telegram.sent_messages(1005))
    assert before == 2  # greeting and the language question
    await running.stop()
    telegram.redeliver(update_id)
    await running.start()
    await telegram.settled()
    assert len(telegram.sent_messages(1005)) == before
