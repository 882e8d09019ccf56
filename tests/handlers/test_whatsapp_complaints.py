"""The complaint and the objection / addition flows on WhatsApp, as a citizen on a phone meets
them: a contact card, a photo with words under it, a decision taken outside the 24-hour
window, Back and /help, a 👍. Each was a defect a probe found."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from storage.db import sessions
from storage.models import Application, ApplicationNote, Person
from storage.staff import StaffDesk
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.whatsapp_api import FakeWhatsApp
from tests.flows.documents import jpeg
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_notice_buttons import preliminary_refusal
from tests.handlers.test_staff_telegram import first_line, the_card
from tests.handlers.test_whatsapp import (
    NUMBER,
    fill_to_summary,
    graph_waits,
    person,
    pick,
    texts,
)

COMPLAINT = "ШҒ-2026-00001"


# ------------------------------------------------------------------ helpers


async def applied(who: Any, lang: str) -> list[dict[str, Any]]:
    """Applied on WhatsApp; My applications -> the application's screen."""
    summary = await fill_to_summary(who, lang)
    await pick(who, summary, says("summary-submit", lang))
    return await open_app(who, lang, NUMBER)


async def open_app(who: Any, lang: str, number: str) -> list[dict[str, Any]]:
    shown = await who.say("/start")
    shown = await pick(who, shown, says("menu-my-applications", lang))
    return await pick(who, shown, says("apps-open", lang, number=number))


async def to_text_step(who: Any, lang: str) -> list[dict[str, Any]]:
    """"Complain" on the application's screen, a subject: the bot asks for the text."""
    detail = await applied(who, lang)
    shown = await pick(who, detail, says("apps-complain", lang))
    assert says("complaint-ask-subject", lang) in texts(shown)
    shown = await pick(who, shown, says("complaint-subject-missed-term", lang))
    assert says("complaint-ask-text", lang) in texts(shown)
    return shown


async def filed_complaint(who: Any, lang: str) -> None:
    shown = await to_text_step(who, lang)
    shown = await who.say("Документы не проверили в срок.")
    shown = await pick(who, shown, says("files-none", lang))
    shown = await pick(who, shown, says("complaint-addressee-head", lang))
    await pick(who, shown, says("complaint-summary-submit", lang))


async def all_notes(bot: RunningBot) -> list[tuple[str, str, str | None]]:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        rows = (await session.scalars(select(ApplicationNote))).all()
    return [(n.kind, n.text, n.document_sha256) for n in rows]


async def hearing_notice(telegram: FakeTelegram, graph: FakeWhatsApp, who: Any,
                         lang: str) -> list[dict[str, Any]]:
    """Applied on WhatsApp; staff (Telegram) accept, then refuse preliminarily with a
    hearing: the notice with "Send objections" reaches WhatsApp."""
    summary = await fill_to_summary(who, lang)
    await pick(who, summary, says("summary-submit", lang))
    card = await the_card(telegram)
    await preliminary_refusal(telegram, card)
    head = first_line("notify-hearing", lang)
    await graph_waits(graph, lambda: any(texts([m]).startswith(head)
                                         for m in graph.sent(who.user.wa_id)))
    return [m for m in graph.sent(who.user.wa_id) if texts([m]).startswith(head)]


# ------------------------------------------------------------------ a contact card as words


async def test_another_persons_contact_card_is_not_taken_as_the_complaint_text(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    """At "describe your complaint" the person shares a contact card (the specialist who
    was rude, say). The card is no description: asked again, not moved on to files with
    "+7 701 999 88 77" as the complaint's whole text."""
    who = person(graph, on_whatsapp)
    await to_text_step(who, "ru")
    shown = await who.send(who.user.contacts(phone="+7 701 999 88 77", name="Специалист"))
    assert says("complaint-ask-files", "ru") not in texts(shown)
    assert says("complaint-ask-text", "ru") in texts(shown)


async def test_another_persons_contact_card_is_not_filed_as_an_objection(
    telegram: FakeTelegram, graph: FakeWhatsApp, on_both: RunningBot
) -> None:
    """While objecting, a Kazakh mother shares her lawyer's contact card: it is not an
    objection (a phone number is attached to the application and sent to the specialist)."""
    who = person(graph, on_both)
    notice = await hearing_notice(telegram, graph, who, "kk")
    await pick(who, notice, says("apps-send-objection", "kk"))
    shown = await who.send(who.user.contacts(phone="+7 701 999 88 77", name="Адвокат"))
    assert says("objection-saved", "kk", number=NUMBER) not in texts(shown)
    assert await all_notes(on_both) == []


# ------------------------------------------------------------------ captions


async def test_a_photo_objection_keeps_its_caption(
    telegram: FakeTelegram, graph: FakeWhatsApp, on_both: RunningBot
) -> None:
    """On WhatsApp people send a photo of the statement with a line under it. The bot says
    "Your objection is attached and passed to the specialist", but the words are dropped."""
    who = person(graph, on_both)
    notice = await hearing_notice(telegram, graph, who, "ru")
    await pick(who, notice, says("apps-send-objection-short", "ru"))
    caption = "Психолог ни разу не видел моего сына"
    shown = await who.send(who.user.image(jpeg(1), caption=caption))
    assert says("objection-saved", "ru", number=NUMBER) in texts(shown)
    stored = await all_notes(on_both)
    assert any(caption in text for _k, text, _d in stored), stored


async def test_a_photo_caption_in_the_complaint_files_is_said_to_be_not_kept(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    """A photo of the receipt attached to the complaint, with a caption explaining it: a
    form keeps files only, so the person is told the words under it are not kept, and how
    to pass them on, instead of losing them in silence."""
    who = person(graph, on_whatsapp)
    await to_text_step(who, "ru")
    await who.say("Документы не проверили в срок.")
    shown = await who.send(who.user.image(jpeg(5), caption="Это расписка от 23.11"))
    assert says("files-caption-not-kept", "ru") in texts(shown)
    assert says("files-accepted", "ru", count=1) in texts(shown)
    shown = await who.send(who.user.image(jpeg(6)))
    assert says("files-caption-not-kept", "ru") not in texts(shown)


# ------------------------------------------------------------------ the 24-hour window


async def test_a_complaint_decided_outside_the_window_still_tells_the_reasons(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    """The body rejects the complaint two days after the citizen last wrote: WhatsApp lets
    only the status template go ("ШҒ-2026-00001: в удовлетворении жалобы отказано"). The
    reasons (what the citizen needs to go on to the reviewing body or to court) must reach
    them once they write again, or be readable on the complaint's screen. They never do."""
    who = person(graph, on_whatsapp)
    await filed_complaint(who, "ru")
    registered = says("notify-complaint-head", "ru", number=COMPLAINT, about=NUMBER,
                      registered="", body="", higher="", forward="", decision="")[:15]
    await graph_waits(graph, lambda: any(texts([m]).startswith(registered)
                                         for m in graph.sent(who.user.wa_id)))
    assert on_whatsapp.app is not None
    maker = sessions(on_whatsapp.app.db)
    graph.advance(49 * 3600)
    async with maker.begin() as session:
        row = await session.scalar(select(Person))
        assert row is not None and row.last_inbound_at is not None
        row.last_inbound_at -= timedelta(hours=49)
        complaint = await session.scalar(select(Application).where(
            Application.service == "complaint"))
        assert complaint is not None
        complaint_id = complaint.id
    reasons = "Документы проверены 24.11.2026 в срок, нарушений нет."
    result = await StaffDesk(maker).act(complaint_id, "reject-complaint", "staff:test",
                                        {"reasons": reasons}, on_whatsapp.clock())
    assert result.snapshot is not None and result.snapshot.status == "complaint_rejected"
    on_whatsapp.app.worker.wake()
    await graph_waits(graph, lambda: any(m["type"] == "template"
                                         for m in graph.sent(who.user.wa_id)))
    mark = len(graph.sent(who.user.wa_id))
    await who.say("Здравствуйте, что с жалобой?")  # the window opens again
    await open_app(who, "ru", COMPLAINT)
    await on_whatsapp.settle()
    await graph_waits(graph, lambda: reasons in texts(graph.sent(who.user.wa_id)[mark:]))


# ------------------------------------------------------------------ words of the complaint


async def test_back_and_help_in_a_complaint_speak_of_the_complaint(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    """Back on the complaint's first question, or /help: the bot says "to stop filling in
    the APPLICATION send /cancel" — the citizen fears the application complained about
    would go (cancel, resume and busy already have complaint- forms of their words)."""
    who = person(graph, on_whatsapp)
    detail = await applied(who, "ru")
    subject = await pick(who, detail, says("apps-complain", "ru"))
    back = await pick(who, subject, says("nav-back", "ru"))
    helped = await who.say("/help")
    assert says("flow-at-first-step", "ru") not in texts(back)
    assert says("help-flow", "ru") not in texts(helped)


# ------------------------------------------------------------------ a reaction


async def test_a_thumbs_up_on_added_to_complaint_gets_no_answer(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    """"Added to the complaint" — the citizen reacts 👍 to it, as people do on WhatsApp. A
    reaction answers nothing: the bot says nothing back (not "write your answer as text")."""
    who = person(graph, on_whatsapp)
    await filed_complaint(who, "ru")
    detail = await open_app(who, "ru", NUMBER)
    await pick(who, detail, says("apps-complain", "ru"))
    added = await who.say("И по телефону не отвечают.")
    assert says("complaint-added", "ru", number=COMPLAINT) in texts(added)
    react = await who.send(who.user.reaction(added[-1].get("id", "wamid.X"), "👍"))
    assert react == []  # and the addition is still open: a word after it is added
    more = await who.say("И на письма тоже.")
    assert says("complaint-added", "ru", number=COMPLAINT) in texts(more)
