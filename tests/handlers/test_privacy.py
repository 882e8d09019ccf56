"""Issue 13 over HTTP: a citizen gets everything stored about them (/mydata) and erases
what may be erased now (/forget); an application still under review is kept, and they are
told why."""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from flows.messages import Attachment, OutgoingMessage, Reply, Text
from flows.privacy import MYDATA_FILENAME, MYDATA_MIME
from storage.db import sessions
from storage.models import (
    Application,
    ApplicationChild,
    Consent,
    Conversation,
    Document,
    OutboxMessage,
    ProcessedUpdate,
)
from storage.updates import reply_to_json
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.handlers.conftest import NOW, STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_interview_telegram import booked_with_child, label
from tests.handlers.test_papers_telegram import PERMISSION, codes, fetch, pdf_in
from tests.handlers.test_staff_telegram import (
    NUMBER,
    apply,
    approved_as_asked,
    citizen_gets,
    current,
    seen,
    staff_says,
    staff_tap,
    the_card,
)
from tests.handlers.test_visit_telegram import IIN, open_visit


async def my_data(telegram: FakeTelegram, person: FakeUser, lang: str) -> dict[str, Any]:
    replies = await person.say("/mydata")  # (the outbox may deliver a notice meanwhile)
    assert says("privacy-mydata-sent", lang) in [m.get("text") for m in replies]
    sent = [m for m in replies if (m.get("document") or {}).get("file_name") == "mydata.json"]
    assert len(sent) == 1
    data: dict[str, Any] = json.loads(telegram.file_bytes(sent[0]["document"]["file_id"]))
    return data


async def forgets(person: FakeUser, lang: str) -> list[dict[str, Any]]:
    question = next(m for m in await person.say("/forget")
                    if m.get("text") == says("privacy-forget-confirm", lang))
    assert buttons(question) == [says("privacy-forget-yes", lang), says("privacy-forget-no", lang)]
    return await person.press(question, says("privacy-forget-yes", lang))


async def delivered(bot: RunningBot) -> None:
    assert bot.app is not None
    for _ in range(500):
        async with sessions(bot.app.db)() as session:
            if not await session.scalar(select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.status.in_(("pending", "sending")))):
                return
        await asyncio.sleep(0.02)
    raise AssertionError("the outbox did not drain")


async def the_application(bot: RunningBot) -> Application:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        found = await session.scalar(select(Application).where(Application.number == NUMBER))
        assert found is not None
        return found


def texts_of(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The bot's words, not the PDF the outbox may send meanwhile, in whichever order."""
    return [m for m in replies if "text" in m]


@pytest.mark.parametrize("lang", ["kk", "ru"])
async def test_my_data_then_forget_keeps_the_case_under_review_and_says_why(
    telegram: FakeTelegram, running: RunningBot, lang: str
) -> None:
    citizen = telegram.user(id=6101, first_name="Айгүл")
    await apply(citizen, lang)

    data = await my_data(telegram, citizen, lang)
    [application] = data["applications"]
    assert application["number"] == NUMBER and application["applicant"]["iin"] == IIN
    assert [child["first_name"] for child in application["children"]] == ["Нұрлан", "Дана"]
    assert says("ask-consent", lang) in application["consent"]["text"]
    assert [status["status"] for status in application["statuses"]] == ["submitted"]
    kinds = {document["kind"] for document in application["documents"]}
    assert kinds >= {"id_document", "court_decision"}

    # A new draft is begun, then the citizen asks to be forgotten.
    await citizen.say("/start")
    await citizen.press_latest(says("menu-visit", lang))
    replies = await forgets(citizen, lang)
    texts = [m["text"] for m in texts_of(replies)]
    assert says("privacy-forget-done", lang, drafts=1, closed=0) in texts
    assert says("privacy-forget-open-kept", lang, count=1, numbers=NUMBER) in texts
    assert says("menu-visit", lang) in buttons(texts_of(replies)[-1])

    kept = await the_application(running)
    assert kept.applicant_iin == IIN and kept.status == "submitted"
    assert running.app is not None
    async with sessions(running.app.db)() as session:
        assert await session.scalar(select(Conversation.flow)) is None
    assert (await my_data(telegram, citizen, lang))["conversation"]["answers"] == {}


async def test_forget_can_be_declined(telegram: FakeTelegram, running: RunningBot) -> None:
    citizen = telegram.user(id=6102)
    await open_visit(citizen, "ru")
    question = (await citizen.say("/forget"))[-1]
    replies = await citizen.press(question, says("privacy-forget-no", "ru"))
    assert replies[0]["text"] == says("privacy-forget-kept-all", "ru")
    assert running.app is not None
    async with sessions(running.app.db)() as session:
        assert await session.scalar(select(Conversation.flow)) == "visit"


async def test_forget_erases_a_closed_case_at_once_and_keeps_its_statistics_row(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=6103)
    await apply(citizen, "kk")
    card = await the_card(telegram)
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-approve"))
    offer = telegram.last_message(card["chat"]["id"], card["message_thread_id"])
    await staff_tap(telegram, offer, staff_says("staff-approve-as-asked", **{
        "from": "01.12.2026", "to": "31.12.2026"}))
    assert (await the_application(staffed)).status == "approved"
    await delivered(staffed)  # a file a message still has to carry is kept until it is sent
    files = staffed.folder / "files"
    assert any(files.iterdir())

    replies = await forgets(citizen, "kk")
    done = says("privacy-forget-done", "kk", drafts=0, closed=1)
    assert done in [m.get("text") for m in replies]
    erased = await the_application(staffed)
    assert (erased.number, erased.service, erased.status) == (NUMBER, "visit", "approved")
    assert erased.applicant_iin == "" and erased.applicant_surname == ""
    assert erased.applicant_phone == "" and erased.applicant_address == ""
    assert IIN not in json.dumps(erased.answers, ensure_ascii=False)
    assert staffed.app is not None
    async with sessions(staffed.app.db)() as session:
        assert await session.scalar(select(func.count()).select_from(ApplicationChild)) == 0
        assert await session.scalar(select(Consent.text)) == ""
        assert set(await session.scalars(select(Document.sha256))) == {""}
    assert not [path for path in files.iterdir() if not path.name.endswith(".part")]
    data = await my_data(telegram, citizen, "kk")
    assert IIN not in json.dumps(data, ensure_ascii=False)


async def test_forget_cancels_what_is_still_queued_about_the_erased_case_and_empties_the_rest(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=6104)
    await apply(citizen, "ru")
    card = await the_card(telegram)
    thread = card["message_thread_id"]
    staff = telegram.user(id=STAFF_MEMBER)
    staff.send_text("Айгүл Иванова, ваше заявление у нас.", chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    await citizen_gets(telegram, 6104, says("staff-reply", "ru",
                                            text="Айгүл Иванова, ваше заявление у нас."))
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    await delivered(staffed)
    await staff_tap(telegram, current(telegram, card), staff_says("staff-action-approve"))
    offer = telegram.last_message(STAFF_CHAT, thread)
    telegram.fail_next("sendDocument", 500)  # the decision's PDF waits for a second try
    await staff_tap(telegram, offer, staff_says("staff-approve-as-asked", **{
        "from": "01.12.2026", "to": "31.12.2026"}))
    assert staffed.app is not None
    db = sessions(staffed.app.db)

    async def queued() -> list[OutboxMessage]:
        async with db() as session:
            return list((await session.scalars(select(OutboxMessage).where(
                OutboxMessage.status.in_(("pending", "sending"))))).all())
    for _ in range(200):
        waiting = await queued()
        if waiting and all(m.status == "pending" and m.attempts for m in waiting):
            break  # what is left is what was tried and failed
        await asyncio.sleep(0.025)
    (waiting_pdf,) = waiting  # for the citizen or for staff: whichever went first
    assert waiting_pdf.payload != {}

    replies = await forgets(citizen, "ru")
    assert says("privacy-forget-done", "ru", drafts=0, closed=1) in [
        m.get("text") for m in replies]
    async with db() as session:
        rows = (await session.scalars(select(OutboxMessage).where(
            OutboxMessage.person_id == waiting_pdf.person_id))).all()
    # The card, the notices, the PDFs, the specialist's words: none keeps a word.
    assert {row.key: row.payload for row in rows if row.payload} == {}
    assert {row.status for row in rows if row.id == waiting_pdf.id} == {"cancelled"}

    # Time passes: the PDF would be tried again now; a word from staff comes after it.
    pdfs = len(telegram.calls_of("sendDocument"))
    staffed.advance_to(NOW + timedelta(minutes=5))
    staff.send_text("До свидания!", chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    await citizen_gets(telegram, 6104, says("staff-reply", "ru", text="До свидания!"))
    assert len(telegram.calls_of("sendDocument")) == pdfs  # the erased decision never went


async def test_a_reply_still_owed_when_the_person_forgets_is_not_sent_after_a_restart(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    citizen = telegram.user(id=6105)
    await open_visit(citizen, "kk")
    # A crash cut short the sending of a /mydata reply: a restart would finish it.
    export = OutgoingMessage((Text("privacy-mydata-sent"),), attachment=Attachment(
        MYDATA_FILENAME, json.dumps({"iin": IIN}).encode(), MYDATA_MIME))
    assert running.app is not None
    async with sessions(running.app.db).begin() as session:
        session.add(ProcessedUpdate(channel="telegram", key="999999", status="handled",
                                    chat="6105", payload={},
                                    reply=reply_to_json(Reply("kk", (export,)))))

    await forgets(citizen, "kk")
    await running.restart()
    await citizen.say("/start")
    assert not [m for m in telegram.sent_messages(6105) if "document" in m]
    assert running.app is not None
    async with sessions(running.app.db)() as session:
        owed = await session.get(ProcessedUpdate, ("telegram", "999999"))
    assert owed is not None and owed.reply is None and owed.status == "done"


async def test_my_data_holds_the_conversation_with_the_child_and_the_child_gets_their_own_words(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent, child, card = await booked_with_child(telegram)
    thread = card["message_thread_id"]
    await staff_tap(telegram, card, staff_says("staff-action-session"))
    controls = telegram.last_message(STAFF_CHAT, thread)
    await staff_tap(telegram, controls, staff_says("staff-session-present"))
    telegram.user(id=STAFF_MEMBER).send_text("Как тебе в Берлине?", chat=STAFF_CHAT,
                                             thread_id=thread)
    await telegram.settled()
    await seen(telegram, 5101, lambda m: m.get("text") == label("specialist",
                                                                 "Как тебе в Берлине?"))
    await child.say("Хорошо, но я скучаю по маме")
    await seen(telegram, 4101, lambda m: m.get("text") == label(
        "child", "Хорошо, но я скучаю по маме"))
    await parent.say("Я рядом с ним")
    await seen(telegram, 5101, lambda m: m.get("text") == label("parent", "Я рядом с ним"))
    await staff_tap(telegram, controls, staff_says("staff-session-end"))
    await seen(telegram, 5101, lambda m: m.get("text") == says("session-ended-child", "ru"))

    [application] = (await my_data(telegram, parent, "ru"))["applications"]
    [conversation] = application["interview_conversations"]
    assert conversation["status"] == "closed" and conversation["representative_present"]
    assert [(line["role"], line["text"]) for line in conversation["messages"]] == [
        ("specialist", "Как тебе в Берлине?"), ("child", "Хорошо, но я скучаю по маме"),
        ("parent", "Я рядом с ним")]

    childs = await my_data(telegram, child, "ru")
    assert childs["applications"] == []
    [joined] = childs["interviews_as_child"]
    assert [line["text"] for line in joined["my_messages"]] == ["Хорошо, но я скучаю по маме"]
    told = json.dumps(childs, ensure_ascii=False)
    assert "Я рядом с ним" not in told and "Смагулова" not in told and IIN not in told


async def test_a_permission_erased_with_its_case_is_still_checked_by_its_fingerprint(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """The permission stays valid on paper after the person is forgotten: the verification
    page still gives the paper's SHA-256, to compare with the paper shown (a fingerprint of
    the file, not a personal value); the file itself is gone, and the case's papers with it."""
    citizen = telegram.user(id=6110)
    await approved_as_asked(telegram, citizen, "ru")
    permission = await pdf_in(telegram, 6110, PERMISSION)
    code = (await codes(staffed))["permission-appendix-4/1"]
    await delivered(staffed)
    await citizen.say("/start")
    listing = await citizen.press_latest(says("menu-my-applications", "ru"))
    papers_button = (await citizen.press(listing[-1], says("apps-open", "ru", number=NUMBER)))[-1]

    await forgets(citizen, "ru")
    status, page = await fetch(staffed, f"/verify/{code}?lang=ru")
    assert status == 200 and says("verify-valid", "ru") in page
    assert hashlib.sha256(permission).hexdigest() in page
    files = staffed.folder / "files"
    assert not [path for path in files.iterdir() if not path.name.endswith(".part")]
    await citizen.say("/start")
    listing = await citizen.press_latest(says("menu-my-applications", "ru"))
    detail = (await citizen.press(listing[-1], says("apps-open", "ru", number=NUMBER)))[-1]
    assert says("apps-erased", "ru") in detail["text"]
    assert says("apps-papers", "ru") not in buttons(detail)
    replies = await citizen.press(papers_button, says("apps-papers", "ru"))  # from before
    assert replies[0]["text"] == says("button-stale", "ru")


async def test_my_data_holds_an_enquiry_and_the_staff_topic_named_after_the_person(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """A parent with restricted rights is sent to a specialist (no application): what was
    kept of it, and the title of the staff topic that names them, are theirs to read too."""
    parent = telegram.user(id=6111, first_name="Айгүл")
    question = await open_visit(parent, "ru")
    question = (await parent.press(question, says("region-kostanay", "ru")))[-1]
    question = (await parent.press(question, says("body-kst-rudny-short", "ru")))[-1]
    await parent.press(question, says("rights-restricted", "ru"))
    note = staff_says("staff-enquiry-restricted-rights", body=staff_says("body-kst-rudny"))
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == note)

    data = await my_data(telegram, parent, "ru")
    [enquiry] = data["enquiries"]
    assert (enquiry["kind"], enquiry["body"]) == ("restricted-rights", "kst-rudny")
    assert enquiry["at"].startswith("2026-11-23")
    assert "Айгүл" in data["staff_topic"]["title"]

    await forgets(parent, "ru")  # the body and the day stay counted, no longer theirs
    assert (await my_data(telegram, parent, "ru"))["enquiries"] == []
