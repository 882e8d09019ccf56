"""Issue 10, item 4 over HTTP: a person who submits has given consent to words that are
kept exactly as Telegram showed them, and staff see when and to which version."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from flows.common import consent_version
from storage.clock import from_db
from storage.db import sessions
from storage.models import Application, Consent
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import NOW, STAFF_CHAT, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_interview_telegram import apply as apply_for_the_childs_opinion
from tests.handlers.test_staff_telegram import seen, staff_says
from tests.handlers.test_visit_telegram import fill_to_summary


async def consents_in(bot: RunningBot) -> list[tuple[str, Consent]]:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        rows = await session.execute(
            select(Application.number, Consent)
            .join(Consent, Consent.application_id == Application.id).order_by(Consent.id))
        return [(number, consent) for number, consent in rows]


def consent_question(telegram: FakeTelegram, chat: int, lang: str) -> dict[str, Any]:
    """The consent question as the bot sent it to the person."""
    (question,) = [m for m in telegram.sent_messages(chat)
                   if says("ask-consent", lang) in m.get("text", "")]
    return question


async def test_a_submitted_application_keeps_the_consent_as_shown_and_the_card_shows_it(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=5001, first_name="Айгүл")
    summary = await fill_to_summary(citizen, "kk")  # "I consent" is tapped at NOW
    staffed.advance_to(NOW + timedelta(minutes=9))
    await citizen.press(summary, says("summary-submit", "kk"))

    ((number, consent),) = await consents_in(staffed)
    assert number == "ВП-2026-00001"
    question = consent_question(telegram, 5001, "kk")
    statement, tapped = consent.text.split("\n\n")
    assert statement == says("ask-consent", "kk") and statement in question["text"]
    assert tapped == says("consent-yes", "kk") and tapped in buttons(question)
    assert consent.language == "kk"
    assert consent.version == consent_version(consent.text, "kk")
    tapped_at = from_db(consent.given_at)
    assert NOW <= tapped_at < NOW + timedelta(minutes=1)  # the tap, not the submission

    line = staff_says("consent-given", at=tapped_at, version=consent.version)
    assert "23.11.2026 10:00" in line
    card = await seen(telegram, STAFF_CHAT, lambda m: number in m.get("text", "")
                      and bool(buttons(m)))
    assert line in card["text"]


async def test_the_childs_opinion_keeps_the_consent_in_russian(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=5002, first_name="Динара")
    await apply_for_the_childs_opinion(parent)

    ((number, consent),) = await consents_in(staffed)
    assert number == "МР-2026-00001"
    assert consent.language == "ru"
    assert consent.text == says("ask-consent", "ru") + "\n\n" + says("consent-yes", "ru")
    assert says("ask-consent", "ru") in consent_question(telegram, 5002, "ru")["text"]
    card = await seen(telegram, STAFF_CHAT, lambda m: number in m.get("text", "")
                      and bool(buttons(m)))
    line = staff_says("consent-given", at=from_db(consent.given_at), version=consent.version)
    assert line in card["text"]


async def test_consent_in_a_draft_left_unsubmitted_is_kept_nowhere(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    person = telegram.user(id=5003)
    await fill_to_summary(person, "ru")
    confirm = (await person.say("/cancel"))[-1]
    await person.press(confirm, says("cancel-yes", "ru"))
    assert await consents_in(running) == []  # no application, so no consent to anything
