"""The visit-permission flow as a person taps through it, against in-memory ports."""

from __future__ import annotations

from datetime import timedelta

from flows.engine import Engine, Ports
from flows.messages import Text
from flows.visit import CATALOGUE, VISIT
from tests.flows.chat import Chat
from tests.flows.conftest import NOW
from tests.flows.documents import EXE, PDF, jpeg

VALID_IIN = "871008401427"
KOSTANAY_BODY = CATALOGUE.region("kostanay").bodies[0].code


async def open_visit(chat: Chat) -> None:
    await chat.command("start")
    await chat.tap("language-kk")
    assert "menu-title" in chat.said()
    await chat.tap("menu-visit")
    assert chat.said()[0] == "visit-intro"
    assert "ask-region" in chat.said()


async def fill_until_children(chat: Chat) -> None:
    await open_visit(chat)
    await chat.tap("region-kostanay")
    await chat.tap(f"body-{KOSTANAY_BODY}-short")
    await chat.tap("rights-deprived")
    await chat.say("Иванова")
    await chat.say("Айгүл")
    await chat.tap("nav-skip")
    await chat.say(VALID_IIN)
    await chat.say("Қостанай қ., Гоголь көшесі, 75-үй")
    await chat.say("8 (701) 123-45-67")
    await chat.tap("residence-guardianship-short")


async def add_child(chat: Chat, surname: str, name: str, birth: str) -> None:
    await chat.say(surname)
    await chat.say(name)
    await chat.tap("nav-skip")
    await chat.say(birth)
    assert "group-added" in chat.said()


async def fill_to_summary(chat: Chat, start: str = "01.12.2026") -> None:
    await fill_until_children(chat)
    await add_child(chat, "Иванов", "Нұрлан", "05.09.2015")
    await chat.tap("group-more-yes")
    await add_child(chat, "Иванова", "Дана", "2018-01-31")
    await chat.tap("group-more-no")
    await chat.say(start)
    await chat.say("31.12.2026")
    await chat.tap("consent-yes")
    await chat.upload(jpeg(1), "front.jpg")
    await chat.upload(PDF, "back.pdf")
    await chat.tap("files-done")
    assert chat.question() == "ask-document-court-decision"
    await chat.upload(PDF + b"court", "court-decision.pdf")
    await chat.tap("files-done")
    await chat.tap("files-none")
    assert chat.said()[0] == "summary-title"


async def test_whole_flow_submits_every_field(chat: Chat, ports: Ports) -> None:
    await fill_to_summary(chat)
    await chat.tap("summary-submit")
    assert "submitted" in chat.said()
    assert "menu-title" in chat.said()
    (entry,) = ports.applications.submitted.values()  # type: ignore[attr-defined]
    answers = entry["answers"]
    assert answers["body"] == KOSTANAY_BODY
    assert answers["surname"] == "Иванова" and answers["first_name"] == "Айгүл"
    assert answers["patronymic"] is None
    assert answers["iin"] == VALID_IIN
    assert answers["phone"] == "+77011234567"
    assert answers["residence"] == "guardianship"
    assert [c["birth_date"] for c in answers["children"]] == ["2015-09-05", "2018-01-31"]
    assert (answers["period_from"], answers["period_to"]) == ("2026-12-01", "2026-12-31")
    assert [f["mime"] for f in answers["id_document"]] == ["image/jpeg", "application/pdf"]
    assert [f["name"] for f in answers["court_decision"]] == ["court-decision.pdf"]
    assert answers["other_documents"] == []


async def test_progress_mark_counts_sections(chat: Chat) -> None:
    await open_visit(chat)
    progress = chat.replies[-1].messages[-1].parts[0]
    assert progress.key == "flow-progress"
    assert progress.args == {"current": 1, "total": 11}


async def test_submit_tapped_twice_makes_one_application(chat: Chat, ports: Ports) -> None:
    await fill_to_summary(chat)
    submit = chat.button("summary-submit")
    await chat.press(submit)
    second = await chat.press(submit)
    assert second.notice is not None and second.notice.key == "button-already-done"
    assert len(ports.applications.submitted) == 1  # type: ignore[attr-defined]


async def test_wrong_iin_is_explained_and_asked_again(chat: Chat) -> None:
    await open_visit(chat)
    await chat.tap("region-kostanay")
    await chat.tap(f"body-{KOSTANAY_BODY}-short")
    await chat.tap("rights-deprived")
    await chat.say("Иванова")
    await chat.say("Айгүл")
    await chat.tap("nav-skip")
    await chat.say("871008401428")
    assert chat.said()[0] == "error-iin-checksum"
    assert chat.question() == "ask-iin"
    await chat.say("8710084014")
    assert chat.said()[0] == "error-iin-format"
    await chat.sticker()
    assert chat.said()[0] == "error-text-expected"
    assert chat.question() == "ask-iin"


async def test_impossible_and_past_dates(chat: Chat) -> None:
    await fill_until_children(chat)
    await chat.say("Иванов")
    await chat.say("Нұрлан")
    await chat.tap("nav-skip")
    await chat.say("31.02.2016")
    assert chat.said()[0] == "error-date-invalid"
    assert chat.question() == "visit-ask-child-birth-date"
    await chat.say("01.01.2001")
    assert chat.said()[0] == "error-child-too-old"
    await chat.say("05.09.2015")
    await chat.tap("group-more-no")
    await chat.say("01.01.2020")
    assert chat.said()[0] == "error-date-past"
    await chat.say("10.12.2026")
    await chat.say("09.12.2026")
    assert chat.said()[0] == "error-date-not-after"
    assert chat.question() == "visit-ask-period-to"


async def test_no_consent_keeps_everything_and_asks_again(chat: Chat) -> None:
    await fill_until_children(chat)
    await add_child(chat, "Иванов", "Нұрлан", "05.09.2015")
    await chat.tap("group-more-no")
    await chat.say("01.12.2026")
    await chat.say("31.12.2026")
    await chat.tap("consent-no")
    assert chat.said()[0] == "consent-required"
    assert chat.question() == "ask-consent"
    await chat.tap("consent-yes")
    assert "ask-document-identity" in chat.said()


async def test_bad_files_are_refused(chat: Chat) -> None:
    await fill_until_children(chat)
    await add_child(chat, "Иванов", "Нұрлан", "05.09.2015")
    await chat.tap("group-more-no")
    await chat.say("01.12.2026")
    await chat.say("31.12.2026")
    await chat.tap("consent-yes")
    await chat.say("here it is")
    assert chat.said()[0] == "error-file-expected"
    await chat.upload(EXE, "scan.pdf")
    assert chat.said()[0] == "error-file-type"
    await chat.upload(jpeg(2), "big.jpg", size=25 * 1024 * 1024)
    assert chat.said()[0] == "error-file-too-big"
    await chat.upload(jpeg(3), "a.jpg")
    await chat.upload(jpeg(3), "a-again.jpg")
    assert chat.said()[0] == "error-file-duplicate"
    # the question is asked again, and the document that was accepted is still there
    assert chat.question() == "ask-document-identity"
    received = chat.replies[-1].messages[-1].parts[-1]
    assert received.key == "files-received" and received.args == {"count": 1}


async def test_back_keeps_answers_and_edit_returns_to_summary(chat: Chat, ports: Ports) -> None:
    await fill_to_summary(chat)
    await chat.tap("summary-edit", section=chat.button("summary-edit").label.args["section"])
    # the first section is the body: region, then district
    assert chat.question() == "ask-region"
    await chat.tap("region-kostanay")
    await chat.tap(f"body-{KOSTANAY_BODY}-short")
    assert chat.said()[0] == "summary-title"
    # Back from the summary to the last question, then forward again with "done"
    await chat.tap("nav-back")
    assert chat.question() == "ask-document-other"
    await chat.tap("nav-back")
    assert chat.question() == "ask-document-court-decision"
    assert "files-received" in chat.said()  # the court decision is kept
    await chat.tap("nav-back")
    assert "files-received" in chat.said()  # and so is the identity document


async def test_old_button_is_recognised(chat: Chat) -> None:
    await open_visit(chat)
    menu_reply = chat.replies[-2]
    await chat.tap("region-kostanay")
    stale = await chat.tap("menu-visit", reply=menu_reply)
    assert stale.notice is not None and stale.notice.key == "button-stale"
    assert chat.question() == "ask-body"


async def test_cancel_asks_before_discarding(chat: Chat) -> None:
    await open_visit(chat)
    await chat.tap("region-kostanay")
    await chat.command("cancel")
    assert chat.said() == ["cancel-confirm"]
    await chat.tap("cancel-no")
    assert chat.question() == "ask-body"
    await chat.command("cancel")
    await chat.tap("cancel-yes")
    assert chat.said()[0] == "cancel-done"
    assert chat.said()[-1] == "menu-title"


async def test_two_people_never_share_answers(chat: Chat) -> None:
    other = Chat(chat.engine, user_id="2002")
    await open_visit(chat)
    await open_visit(other)
    await chat.tap("region-kostanay")
    await other.tap("region-astana")
    states = chat.engine.ports.conversations.states  # type: ignore[attr-defined]
    assert states[("test", "1001")].answers == {"region": "kostanay"}
    assert states[("test", "2002")].answers == {"region": "astana"}


async def test_period_buttons_give_ready_dates(chat: Chat, ports: Ports) -> None:
    await fill_until_children(chat)
    await add_child(chat, "Иванов", "Нұрлан", "05.09.2015")
    await chat.tap("group-more-no")
    await chat.tap("suggest-date")  # the first day of next month
    assert chat.question() == "visit-ask-period-to"
    three = chat.button("suggest-months", count=3)
    assert three.label.args["date"].isoformat() == "2027-02-28"
    await chat.press(three)
    assert chat.question() == "ask-consent"
    state = ports.conversations.states[("test", "1001")]  # type: ignore[attr-defined]
    assert (state.answers["period_from"], state.answers["period_to"]) == (
        "2026-12-01", "2027-02-28")


async def test_editing_the_children_loses_none_of_them(chat: Chat, ports: Ports) -> None:
    await fill_to_summary(chat)
    section = next(c.label.args["section"] for m in chat.replies[-1].messages
                   for row in m.choices for c in row
                   if getattr(c.label.args.get("section"), "key", "") == "section-children")
    await chat.tap("summary-edit", section=section)
    assert chat.question() == "visit-ask-child-surname"
    assert "step-current" in chat.said()  # the first child's surname, to keep or retype
    # surname, first name, patronymic (skipped: Skip again, nothing to keep), date of birth
    for button in ("nav-keep", "nav-keep", "nav-skip", "nav-keep"):
        await chat.tap(button)
    assert chat.question() == "visit-ask-child-surname"  # straight on to the second child
    await chat.say("Иванова-Серікова")  # the second child's surname is corrected
    for button in ("nav-keep", "nav-skip", "nav-keep"):
        await chat.tap(button)
    assert chat.question() == "visit-ask-more-children"
    await chat.tap("group-more-no")
    assert chat.said()[0] == "summary-title"
    state = ports.conversations.states[("test", "1001")]  # type: ignore[attr-defined]
    children = state.answers["children"]
    assert [c["surname"] for c in children] == ["Иванов", "Иванова-Серікова"]
    assert [c["birth_date"] for c in children] == ["2015-09-05", "2018-01-31"]


async def test_a_kept_end_before_a_new_start_is_refused_and_asked_again(
    chat: Chat, ports: Ports
) -> None:
    """The period edited: a start moved past the end, then the end kept as it was. A kept
    answer is checked again, as if typed, since what it depends on has changed."""
    await fill_to_summary(chat)
    await chat.tap("summary-edit", section=Text("section-period"))
    await chat.say("15.01.2027")  # after the end kept so far, 31.12.2026
    assert chat.question() == "visit-ask-period-to"
    await chat.tap("nav-keep")
    assert chat.said()[0] == "error-date-not-after"
    assert chat.question() == "visit-ask-period-to"
    await chat.say("31.01.2027")
    assert chat.said()[0] == "summary-title"
    state = ports.conversations.states[("test", "1001")]  # type: ignore[attr-defined]
    assert (state.answers["period_from"], state.answers["period_to"]) == (
        "2027-01-15", "2027-01-31")


async def test_a_draft_whose_start_has_passed_asks_it_again_before_filing(
    ports: Ports,
) -> None:
    """Filled on Monday for a period from Tuesday, submitted on Thursday: the start is asked
    again (it may not be in the past), nothing is filed, and the rest is kept."""
    now = [NOW]
    chat = Chat(Engine(ports, [VISIT], clock=lambda: now[0],
                       coming_soon=frozenset({"interview"})))
    await fill_to_summary(chat, start="24.11.2026")
    now[0] = NOW + timedelta(days=3)  # Thursday
    await chat.tap("summary-submit")
    assert chat.said()[0] == "error-date-past"
    assert chat.question() == "visit-ask-period-from"
    assert ports.applications.submitted == {}  # type: ignore[attr-defined]
    await chat.say("01.12.2026")
    assert chat.question() == "visit-ask-period-to"  # the period's other half, to keep
    await chat.tap("nav-keep")  # 31.12.2026, still after the new start
    assert chat.said()[0] == "summary-title"
    await chat.tap("summary-submit")
    (filed,) = ports.applications.submitted.values()  # type: ignore[attr-defined]
    assert filed["answers"]["period_from"] == "2026-12-01"
