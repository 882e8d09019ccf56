"""Issue 9, defect 7: one update the bot cannot read must not stall polling for everyone.

aiogram reads a whole getUpdates batch at once; one update of a shape it rejects used to fail
the batch, and polling asked for the same batch again forever. Now that update is logged in
one line (its id and why, nothing the person wrote) and skipped; the rest are answered.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says

SHORT = 3.0  # seconds: a stalled polling loop fails the test quickly
PERSONAL = "871008401427"  # an IIN the unreadable update carries; it must not reach the log

UNREADABLE: dict[str, dict[str, Any]] = {
    "a message dated with a word": {"message": {
        "message_id": 9, "date": "вчера", "text": f"Менің ЖСН {PERSONAL}",
        "chat": {"id": 5009, "type": "private", "first_name": "Сәуле"},
        "from": {"id": 5009, "is_bot": False, "first_name": "Сәуле"}}},
    "a button press with no sender": {"callback_query": {
        "id": "77", "data": PERSONAL}},
}


@pytest.fixture(params=list(UNREADABLE), ids=list(UNREADABLE))
def unreadable(request: pytest.FixtureRequest) -> dict[str, Any]:
    return UNREADABLE[request.param]


def greeted(person: FakeUser) -> bool:
    return [m.get("text") for m in person.messages()][:1] == [says("start-greeting", "kk")]


def skipped_once(caplog: pytest.LogCaptureFixture, update_id: int) -> bool:
    """Our own log has one warning, naming the update; no log line carries its contents."""
    ours = [record for record in caplog.records
            if record.name.startswith(("bot", "handlers")) and record.levelno >= logging.WARNING]
    everything = [record.getMessage() for record in caplog.records]
    return (len(ours) == 1 and str(update_id) in ours[0].getMessage()
            and ours[0].exc_info is None and not any(PERSONAL in line for line in everything))


async def test_an_unreadable_update_between_two_people_is_skipped(
    telegram: FakeTelegram, running: RunningBot, unreadable: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    aigul = telegram.user(id=5001, first_name="Айгүл")
    yerzhan = telegram.user(id=5002, first_name="Ержан")
    aigul.send_text("/start")
    bad = telegram.push_raw_update(unreadable)
    yerzhan.send_text("/start")  # the three arrive in one getUpdates batch

    await telegram.settled(SHORT)
    assert greeted(aigul) and greeted(yerzhan)
    assert skipped_once(caplog, bad)
    assert await yerzhan.say("/start", timeout=SHORT)  # polling goes on


async def test_an_unreadable_update_last_in_its_batch_is_passed_over(
    telegram: FakeTelegram, running: RunningBot, unreadable: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    aigul = telegram.user(id=5001, first_name="Айгүл")
    aigul.send_text("/start")
    bad = telegram.push_raw_update(unreadable)

    await telegram.settled(SHORT)  # confirmed: the next poll's offset is past it
    assert greeted(aigul)
    assert await aigul.say("/start", timeout=SHORT)
    assert skipped_once(caplog, bad)  # read once, not fetched again and again


async def test_a_batch_of_nothing_but_an_unreadable_update(
    telegram: FakeTelegram, running: RunningBot, unreadable: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    bad = telegram.push_raw_update(unreadable)
    await telegram.settled(SHORT)
    person = telegram.user(id=5003)
    assert await person.say("/start", timeout=SHORT)
    assert greeted(person)
    assert skipped_once(caplog, bad)
