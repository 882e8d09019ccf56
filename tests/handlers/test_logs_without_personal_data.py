"""Issue 13, item 5: at DEBUG, for every logger (ours, aiogram, aiohttp, aiosqlite), the log
of a whole visit application and a whole child-opinion application, both carried to the
staff group, holds none of the personal values the citizens typed."""

from __future__ import annotations

import logging

import pytest

from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import STAFF_CHAT, RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_interview_telegram import apply as applies_for_the_child_opinion
from tests.handlers.test_staff_telegram import seen
from tests.handlers.test_visit_telegram import IIN, fill_to_summary

# What the two citizens type (tests/handlers/test_visit_telegram.py, test_interview_telegram.py)
VISIT_VALUES = (
    IIN, "Иванова", "Айгүл", "Рудный қ., Ленин көшесі", "Иванов", "Нұрлан", "Дана",
    "05.09.2015", "31.01.2018",
)
INTERVIEW_VALUES = (
    "871008401427", "Смагулова", "Динара", "Мангилик Ел", "Смагулов", "Арман", "10.03.2013",
    "С кем из родителей будет жить сын",
)
# The phone +7 701 123 45 67 in every form it is typed or stored in: each contains these.
PHONE_CORES = ("7011234567", "701 123 45 67", "701-123-45-67")


def debug_everywhere(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)


def leaks(caplog: pytest.LogCaptureFixture, values: tuple[str, ...]) -> list[str]:
    found = []
    for record in caplog.records:
        line = f"{record.name}: {record.getMessage()}"
        if record.exc_text:
            line += record.exc_text
        found.extend(f"{value!r} in {line[:300]}" for value in values if value in line)
    return found


async def test_a_visit_application_at_debug_leaves_no_personal_value_in_the_log(
    telegram: FakeTelegram, staffed: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    debug_everywhere(caplog)
    person = telegram.user(id=2001, first_name="Айгүл")
    summary = await fill_to_summary(person, "ru")
    await person.press(summary, says("summary-submit", "ru"))
    await seen(telegram, STAFF_CHAT, lambda m: "ВП-2026-00001" in m.get("text", ""))
    await staffed.settle()

    assert len(caplog.records) > 50  # the walk was logged, at DEBUG
    assert leaks(caplog, VISIT_VALUES + PHONE_CORES) == []


async def test_a_child_opinion_application_at_debug_leaves_no_personal_value_in_the_log(
    telegram: FakeTelegram, staffed: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    debug_everywhere(caplog)
    parent = telegram.user(id=2002, first_name="Динара")
    await applies_for_the_child_opinion(parent)
    await seen(telegram, STAFF_CHAT, lambda m: "МР-2026-00001" in m.get("text", ""))
    await staffed.settle()

    assert len(caplog.records) > 50
    assert leaks(caplog, INTERVIEW_VALUES + PHONE_CORES) == []
