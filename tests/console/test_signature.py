"""A specialist enters, once, the name and position their papers are signed with (the
console's "signature on papers"): a paper they issue afterwards carries them, in the
applicant's language, instead of their Telegram name and "official of the service
provider"; one issued before says in the topic where to enter them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from storage.db import sessions
from storage.models import Application, AuditEntry, Person
from tests.console.conftest import (
    STAFF_CHAT,
    VIEWER,
    Browser,
    asks_for_a_link,
    signed_in,
    submitted,
)
from tests.console.test_application import text_of
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_papers_telegram import pdf_in
from tests.handlers.test_papers_telegram import text_of as pdf_text
from tests.handlers.test_staff_telegram import NUMBER, seen

PERMISSION = f"{NUMBER}-permission-appendix-4.pdf"
NAME = "Маманова Дана Ержановна"
POSITION_KK = "Рудный қаласы білім бөлімінің бас маманы"
POSITION_RU = "Главный специалист отдела образования города Рудного"


def signature(**changed: str) -> dict[str, str]:
    return {"full_name": NAME, "position_kk": POSITION_KK, "position_ru": POSITION_RU,
            **changed}


async def approved(telegram: FakeTelegram) -> None:
    """Staff member 77 accepts and approves the application from its card in the topic."""
    card = await seen(telegram, STAFF_CHAT, lambda m: m.get("text", "").startswith(says(
        "staff-card-title", "ru", number=NUMBER, status=says("status-submitted", "ru"))))
    staff = telegram.user(id=77)
    staff.tap(card, says("staff-action-accept", "ru"))
    await telegram.settled()
    staff.tap(telegram.message(STAFF_CHAT, card["message_id"]), says("staff-action-approve", "ru"))
    await telegram.settled()
    offer = telegram.last_message(STAFF_CHAT, card["message_thread_id"])
    assert offer is not None
    staff.tap(offer, says("staff-approve-as-asked", "ru", **{"from": "01.12.2026",
                                                              "to": "31.12.2026"}))
    await telegram.settled()


def issued_note(telegram: FakeTelegram) -> dict[str, Any]:
    return next(m for m in telegram.sent_messages(STAFF_CHAT)
                if (m.get("document") or {}).get("file_name") == PERMISSION)


async def test_a_paper_is_signed_with_the_name_and_position_entered(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    browser = await signed_in(console, browsers)
    page = await browser.get("/console/me")
    assert page.status == 200 and 'data-test="nav-me"' in page.text
    assert says("console-me-unset", "ru", name="Дана Маман") in text_of(page)

    wrong = await browser.post("/console/me", {"csrf": page.csrf, **signature(
        full_name="Дана", position_kk="🙂")})
    assert wrong.status == 422
    assert says("console-error-official-name", "ru", max=150) in text_of(wrong)
    assert says("console-error-position", "ru", max=300) in text_of(wrong)
    assert POSITION_RU in text_of(wrong)  # what was typed is kept
    assert 'data-test="me-error-position_ru"' not in wrong.text

    saved = await browser.post("/console/me", {"csrf": page.csrf, **signature(
        full_name="  Маманова   Дана Ержановна ")}, follow=True)
    assert saved.status == 200 and says("console-me-saved", "ru") in text_of(saved)
    assert f">{NAME}</textarea>" in saved.text and f">{POSITION_KK}</textarea>" in saved.text
    assert console.app is not None
    async with sessions(console.app.db)() as session:
        audit = (await session.scalars(select(AuditEntry).where(
            AuditEntry.action == "official.set"))).all()
    assert [a.actor for a in audit] == ["staff:77"]

    await submitted(console)
    await approved(telegram)
    permission = pdf_text(await pdf_in(telegram, 3001, PERMISSION))  # in Kazakh, hers
    flat = " ".join(permission.split())
    assert NAME in flat and POSITION_KK in flat
    assert POSITION_RU not in flat and says("paper-official", "kk") not in flat
    await pdf_in(telegram, STAFF_CHAT, PERMISSION)
    assert says("issued-staff-unsigned", "ru") not in issued_note(telegram).get("caption", "")


async def test_without_an_entry_the_topic_says_where_to_enter_it(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    await submitted(console)
    await approved(telegram)
    await pdf_in(telegram, STAFF_CHAT, PERMISSION)
    assert says("issued-staff-unsigned", "ru") in issued_note(telegram)["caption"]
    permission = " ".join(pdf_text(await pdf_in(telegram, 3001, PERMISSION)).split())
    assert "Дана Маман" in permission and says("paper-official", "kk") in permission


async def test_a_viewer_signs_nothing(telegram: FakeTelegram, console: RunningBot,
                                      browsers: list[Browser]) -> None:
    viewer = await signed_in(console, browsers, VIEWER)
    page = await viewer.get("/console/me")
    assert 'data-test="nav-me"' not in page.text and 'data-test="me-viewer"' in page.text
    refused = await viewer.post("/console/me", {"csrf": page.csrf, **signature()})
    assert refused.status == 403


async def test_an_english_readers_paper_names_the_position_in_russian(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    """Her paper is the Russian original with an English courtesy translation."""
    browser = await signed_in(console, browsers)
    page = await browser.get("/console/me")
    await browser.post("/console/me", {"csrf": page.csrf, **signature()})
    await submitted(console)
    assert console.app is not None
    async with sessions(console.app.db).begin() as session:
        owner = await session.scalar(select(Application.person_id))
        person = await session.get(Person, owner)
        assert person is not None
        person.language = "en"
    await approved(telegram)
    flat = " ".join(pdf_text(await pdf_in(telegram, 3001, PERMISSION)).split())
    assert NAME in flat and POSITION_RU in flat and POSITION_KK not in flat


async def test_a_form_of_an_older_session_keeps_what_was_typed(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    """The page was left open across a new sign-in: nothing is saved, the page says why,
    and what was typed is there to send again."""
    browser = await signed_in(console, browsers)
    old = await browser.get("/console/me")
    assert (await browser.get(await asks_for_a_link(telegram, 77))).status == 200
    typed = signature(full_name="Ахметова Әсел Нұрланқызы")
    stale = await browser.post("/console/me", {"csrf": old.csrf, **typed})
    assert stale.status == 403
    shown = text_of(stale)
    assert says("console-page-old", "ru") in shown
    assert "Ахметова Әсел Нұрланқызы" in shown and POSITION_KK in shown
