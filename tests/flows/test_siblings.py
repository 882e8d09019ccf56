"""Service 2 with siblings ("баламен (балалармен)", seed 001 p. 5; issue 10), without a
messenger: one application for several children, each with their own age check and their
own conversation; the time is booked when every child has one; one decision names them all.
An application made before siblings were taken (one child, flat answers) reads as one child.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pytest

from flows.delivery import CITIZEN, STAFF
from flows.engine import Engine, Ports
from flows.interview import (
    INTERVIEW,
    INTERVIEW_SERVICE,
    booked_times,
    booking_nudges,
    children,
    record_booking,
    unbooked,
)
from flows.messages import Choice, Text
from flows.payloads import (
    Book,
    BookDay,
    BookFor,
    BookTime,
    CardAction,
    ChildConversation,
    ChildReply,
    InviteJoined,
    Stale,
    Tap,
    Unbook,
    child_of,
    conversation_button,
    invite_state,
    unpack,
)
from flows.ports import ChildTime, SlotOffer
from flows.procedure import card, citizen_notice
from flows.service import Snapshot
from flows.slots import Slot
from flows.visit import VISIT
from handlers.l10n import LANGUAGES
from tests.flows.chat import Chat
from tests.flows.conftest import NOW
from tests.flows.test_interview_flow import finish, open_interview
from tests.test_locales import all_ids

ARMAN = {"surname": "Смагулов", "first_name": "Арман", "patronymic": None,
         "birth_date": "2013-03-10"}
DANA = {"surname": "Смагулова", "first_name": "Дана", "patronymic": "Ерланқызы",
        "birth_date": "2014-05-05"}
ONE_CHILD_BEFORE = {"child_surname": "Смагулов", "child_first_name": "Арман",
                    "child_patronymic": None, "child_birth_date": "2013-03-10"}
BASE = {"body": "astana-edu", "lives": "abroad", "country": "de", "subject": "residence"}
MONDAY = date(2026, 11, 23)


def chat_for(ports: Ports) -> Chat:
    return Chat(Engine(ports, [VISIT, INTERVIEW], clock=lambda: NOW))


def application(*, booked: dict[str, str] | str | None = None, status: str = "under_review",
                **answers: Any) -> Snapshot:
    """An application whose documents were accepted on Monday 23.11.2026 (МР-2026-00007)."""
    decision: dict[str, Any] = {"accepted_on": MONDAY.isoformat()}
    if booked is not None:
        decision["booked"] = booked
    return Snapshot(id=7, number="МР-2026-00007", service="interview", status=status,
                    answers={**BASE, **answers}, registered_on=MONDAY, check_due=MONDAY,
                    decision_due=MONDAY, decision=decision)


SIBLINGS = {"children": [ARMAN, DANA]}


async def adds_a_child(chat: Chat, surname: str, name: str, born: str,
                       patronymic: str | None = None) -> None:
    await chat.say(surname)
    await chat.say(name)
    if patronymic is None:
        await chat.tap("nav-skip")
    else:
        await chat.say(patronymic)
    await chat.say(born)


def summary_children(chat: Chat) -> tuple[Text, ...]:
    line = next(part for part in chat.replies[-1].messages[0].parts
                if part.key == "summary-line"
                and part.args["label"] == Text("section-interview-children"))
    value = line.args["value"]
    assert isinstance(value, tuple)
    return value


# ---------------------------------------------------------------------- the form
async def test_a_parent_applies_for_a_brother_and_a_sister_in_one_application(
    ports: Ports,
) -> None:
    chat = chat_for(ports)
    await open_interview(chat)  # the first child's surname, first name, no patronymic
    await chat.say("10.03.2013")
    assert chat.question() == "interview-ask-more-children"
    await chat.tap("group-more-yes")
    assert chat.question() == "interview-ask-children-surname"
    assert chat.replies[-1].messages[0].parts[1].args == {"n": 2}  # "Child 2: surname"
    await adds_a_child(chat, "Смагулова", "Дана", "05.05.2014", patronymic="Ерланқызы")
    await chat.tap("group-more-no")
    await chat.tap("subject-residence")
    await chat.say("С кем из родителей будут жить дети")
    await chat.tap("lives-abroad")
    await chat.tap("country-de")
    await finish(chat)
    assert summary_children(chat) == (
        Text("summary-child", {"name": "Смагулов Арман", "birth": date(2013, 3, 10)}),
        Text("summary-child", {"name": "Смагулова Дана Ерланқызы", "birth": date(2014, 5, 5)}),
    )
    await chat.tap("summary-submit")
    (entry,) = ports.applications.submitted.values()  # type: ignore[attr-defined]
    assert entry["answers"]["children"] == [ARMAN, DANA]
    assert not any(key.startswith("child_") for key in entry["answers"])


async def test_a_sibling_under_ten_is_refused_and_nothing_entered_is_lost(ports: Ports) -> None:
    chat = chat_for(ports)
    await open_interview(chat)
    await chat.say("10.03.2013")
    await chat.tap("group-more-yes")
    # 10 only in 2027: too young for a conversation within this term
    await adds_a_child(chat, "Смагулова", "Айша", "15.01.2017")
    assert chat.said()[0] == "error-sibling-under-ten"
    assert chat.question() == "interview-ask-children-birth-date"  # the same question again
    state = ports.conversations.states[("test", "1001")]  # type: ignore[attr-defined]
    assert state.answers["children"] == [
        ARMAN, {"surname": "Смагулова", "first_name": "Айша", "patronymic": None}]
    # a mistyped year is simply typed again
    await chat.say("15.01.2014")
    assert chat.question() == "interview-ask-more-children"


async def test_a_sibling_too_young_is_left_out_with_back_and_the_others_stay(
    ports: Ports,
) -> None:
    chat = chat_for(ports)
    await open_interview(chat)
    await chat.say("10.03.2013")
    await chat.tap("group-more-yes")
    await adds_a_child(chat, "Смагулова", "Айша", "15.01.2017")
    assert chat.said()[0] == "error-sibling-under-ten"
    for _ in range(4):  # patronymic, first name, surname, then out of the application
        await chat.tap("nav-back")
    assert chat.question() == "interview-ask-more-children"
    await chat.tap("group-more-no")
    assert chat.question() == "interview-ask-subject"
    state = ports.conversations.states[("test", "1001")]  # type: ignore[attr-defined]
    assert state.answers["children"] == [ARMAN]


async def test_the_only_child_under_ten_is_told_as_before(ports: Ports) -> None:
    chat = chat_for(ports)
    await open_interview(chat)
    await chat.say("15.01.2017")
    assert chat.said()[0] == "error-child-under-ten"
    assert chat.question() == "interview-ask-children-birth-date"


async def test_a_draft_begun_with_one_child_before_siblings_finishes_as_it_began(
    ports: Ports,
) -> None:
    chat = chat_for(ports)
    await open_interview(chat)
    state = ports.conversations.states[("test", "1001")]  # type: ignore[attr-defined]
    # as the version before siblings left it: the child's first answers flat, asked next
    del state.answers["children"]
    state.answers.update({"child_surname": "Смагулов", "child_first_name": "Арман",
                          "child_patronymic": None})
    state.cursor = "child_birth_date"
    await chat.command("start")
    assert chat.question() == "interview-ask-child-birth-date"
    await chat.say("10.03.2013")
    assert chat.question() == "interview-ask-subject"  # no "another child?" for it
    await chat.tap("subject-residence")
    await chat.say("С кем будет жить сын")
    await chat.tap("lives-kz")
    await chat.tap("meeting-video")
    await finish(chat)
    child = next(part for part in chat.replies[-1].messages[0].parts
                 if part.key == "summary-line" and part.args["label"] == Text("section-child"))
    assert child.args["value"] == (
        Text("summary-child", {"name": "Смагулов Арман", "birth": date(2013, 3, 10)}),)
    await chat.tap("summary-submit")
    (entry,) = ports.applications.submitted.values()  # type: ignore[attr-defined]
    assert children(entry["answers"]) == (ARMAN,)


def test_an_application_of_before_reads_as_one_child() -> None:
    assert children(ONE_CHILD_BEFORE) == (ARMAN,)
    assert children(SIBLINGS) == (ARMAN, DANA)
    assert children({}) == ()


# ---------------------------------------------------------------------- booked: every child
def test_the_time_is_booked_when_every_child_has_one() -> None:
    assert unbooked(application(**SIBLINGS)) == (0, 1)
    assert unbooked(application(booked={"0": "202611251000"}, **SIBLINGS)) == (1,)
    assert unbooked(application(booked={"0": "202611251000", "1": "202611251030"},
                                **SIBLINGS)) == ()
    # the one time recorded before siblings is the only child's
    assert unbooked(application(booked="202611251000", **ONE_CHILD_BEFORE)) == ()


def test_a_booked_time_is_recorded_per_child() -> None:
    decision = record_booking({"accepted_on": "2026-11-23"}, 1, "202611251030")
    assert decision == {"accepted_on": "2026-11-23", "booked": {"1": "202611251030"}}
    decision = record_booking(decision, 0, "202611251000")
    assert booked_times(decision) == {0: "202611251000", 1: "202611251030"}
    assert record_booking(record_booking(decision, 0, None), 1, None) == {
        "accepted_on": "2026-11-23"}
    assert booked_times({"booked": "202611251000"}) == {0: "202611251000"}


def test_the_parent_is_reminded_of_the_child_with_no_time_and_staff_alerted_of_it() -> None:
    only_arman_booked = application(booked={"0": "202611251000"}, **SIBLINGS)
    assert booking_nudges(only_arman_booked, date(2026, 11, 23), 3) == ()
    (parent,) = booking_nudges(only_arman_booked, date(2026, 11, 24), 3)  # Tuesday
    assert (parent.audience, parent.child) == (CITIZEN, 1)
    assert parent.message.parts == (Text("booking-remind-parent-child", {
        "number": "МР-2026-00007", "term": date(2026, 11, 27),
        "child": "Смагулова Дана Ерланқызы"}),)
    ((book,),) = parent.message.choices
    assert unpack(book.payload) == Tap(3, BookFor("7", 1))  # straight to Dana's days
    thursday = booking_nudges(only_arman_booked, date(2026, 11, 26), 3)
    assert [(n.audience, n.child) for n in thursday] == [(CITIZEN, 1), (STAFF, 1)]
    assert thursday[1].message.parts == (Text("staff-interview-unbooked-child", {
        "number": "МР-2026-00007", "term": date(2026, 11, 27),
        "child": "Смагулова Дана Ерланқызы"}),)
    nobody = application(**SIBLINGS)
    assert [(n.audience, n.child) for n in booking_nudges(nobody, date(2026, 11, 26), 3)] == [
        (CITIZEN, 0), (STAFF, 0), (CITIZEN, 1), (STAFF, 1)]
    both = application(booked={"0": "202611251000", "1": "202611251030"}, **SIBLINGS)
    assert booking_nudges(both, date(2026, 11, 26), 3) == ()


def test_the_digest_names_each_child_with_no_time() -> None:
    warnings = INTERVIEW_SERVICE.digest_warnings
    only_arman_booked = application(booked={"0": "202611251000"}, **SIBLINGS)
    assert warnings(only_arman_booked, date(2026, 11, 25)) == ()
    assert warnings(only_arman_booked, date(2026, 11, 26)) == (
        Text("staff-digest-interview-unbooked-child", {
            "number": "МР-2026-00007", "term": date(2026, 11, 27),
            "child": "Смагулова Дана Ерланқызы"}),)


# ---------------------------------------------------------------------- card and decision
def test_the_card_has_a_conversation_button_per_child() -> None:
    rows = card(application(**SIBLINGS), date(2026, 11, 24)).choices
    starts = [row[0] for row in rows if row[0].label.key.startswith("staff-action-session")]
    assert [choice.label for choice in starts] == [
        Text("staff-action-session-child", {"child": "Смагулов Арман"}),
        Text("staff-action-session-child", {"child": "Смагулова Дана Ерланқызы"})]
    assert [unpack(choice.payload) for choice in starts] == [
        CardAction(7, "session"), ChildConversation(7, "session", 1)]
    # an only child's card is as it was
    (only,) = [row[0] for row in card(application(children=[ARMAN]), date(2026, 11, 24)).choices
               if row[0].label.key.startswith("staff-action-session")]
    assert only.label == Text("staff-action-session") and only.payload == "st:7:session"


def test_one_decision_names_every_child() -> None:
    decided = application(status="decided", **SIBLINGS)
    decided = Snapshot(**{**decided.__dict__, "decision": {"text": "Учесть мнение детей."}})
    assert citizen_notice(decided).parts == (Text("notify-interview-decision-children", {
        "number": "МР-2026-00007", "body": Text("body-astana-edu"),
        "children": "Смагулов Арман, Смагулова Дана Ерланқызы",
        "decision": "Учесть мнение детей."}),)
    one_before = Snapshot(**{**decided.__dict__, "answers": {**BASE, **ONE_CHILD_BEFORE}})
    assert citizen_notice(one_before).parts[0] == Text("notify-interview-decision", {
        "number": "МР-2026-00007", "body": Text("body-astana-edu"),
        "child": "Смагулов Арман", "decision": "Учесть мнение детей."})


# ---------------------------------------------------------------------- buttons
def test_each_childs_buttons_carry_the_child_and_those_of_before_read_as_the_first() -> None:
    assert unpack("5:day:42:20261125:1") == Tap(5, BookDay("42", "20261125", 1))
    assert unpack("5:slot:42:202611251000:1") == Tap(5, BookTime("42", "202611251000", 1))
    assert unpack("5:unbook:42:1") == Tap(5, Unbook("42", 1))
    assert unpack("5:child:42:yes:1") == Tap(5, ChildReply("42", True, 1))
    assert unpack("5:for:42:0") == Tap(5, BookFor("42", 0))
    # buttons sent before siblings: the only child, who is the first
    assert unpack("5:day:42:20261125") == Tap(5, BookDay("42", "20261125", 0))
    assert unpack("5:slot:42:202611251000") == Tap(5, BookTime("42", "202611251000", 0))
    assert unpack("5:child:42:no") == Tap(5, ChildReply("42", False, 0))
    assert unpack("5:book:42") == Tap(5, Book("42"))
    # ...and the first child's buttons are packed as they always were, one way only
    assert BookTime("42", "202611251000", 0).pack() == "slot:42:202611251000"
    assert isinstance(unpack("5:slot:42:202611251000:0"), Stale)
    # staff: the first child's conversation keeps the card's buttons
    assert conversation_button(42, "end", 0).pack() == "st:42:end"
    assert conversation_button(42, "end", 1).pack() == "st:42:end:1"
    assert child_of(unpack("st:42:end:1")) == 1  # type: ignore[arg-type]
    assert child_of(unpack("st:42:end")) == 0  # type: ignore[arg-type]
    for stale in ("st:42:end:0", "st:42:accept:1", "st:42:session:100"):
        assert isinstance(unpack(stale), Stale)
    # the invite a child joined before siblings is the first child's
    assert invite_state("42|202611251000|de-berlin|residence") == InviteJoined(
        "42", "202611251000", "de-berlin", "residence", 0)
    joined = InviteJoined("42", "202611251000", "de-berlin", "residence", 1)
    assert invite_state(joined.pack()) == joined


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_naming_a_child_exists(lang: str) -> None:
    """Notices of one child's conversation are built as `<id>-child` (with siblings)."""
    named = {"booking-remind-parent", "staff-interview-unbooked",
             "staff-digest-interview-unbooked", "staff-interview-booked", "reminder-parent",
             "reminder-staff", "notify-child-confirmed", "notify-child-another-time",
             "staff-session-started", "staff-session-ended", "staff-session-not-booked"}
    assert {f"{key}-child" for key in named} <= all_ids(lang)


# ---------------------------------------------------------------------- the booking screens
@dataclass
class TwoChildren:
    """The conversations of МР-2026-00007: Arman's booked on Wednesday at 10:00, Dana's not."""

    cancelled: list[tuple[str, int]] = field(default_factory=list)

    async def offer(self, channel: str, user_id: str, ref: str, now: datetime,
                    child: int | None = None) -> SlotOffer:
        kids = (ChildTime(0, "Смагулов Арман", Slot.from_key("202611251000")),
                ChildTime(1, "Смагулова Дана", None))
        place = 0 if child is None else child
        return SlotOffer(ref, "МР-2026-00007", (Slot.from_key("202611261000"),), None,
                         None if child is None else kids[place].booked, place, kids)

    async def cancel(self, channel: str, user_id: str, ref: str, child: int = 0) -> bool:
        self.cancelled.append((ref, child))
        return True


async def test_the_parent_picks_the_child_then_sees_and_may_cancel_that_childs_time(
    ports: Ports,
) -> None:
    interviews = TwoChildren()
    chat = Chat(Engine(Ports(ports.conversations, ports.files, ports.applications,
                             interviews=interviews),  # type: ignore[arg-type]
                       [VISIT, INTERVIEW], clock=lambda: NOW))
    await chat.command("start")
    await chat.tap("language-ru")
    seq = ports.conversations.states[("test", "1001")].seq  # type: ignore[attr-defined]
    await chat.press(Choice(Text("booking-choose"), Tap.bind(seq, Book("7").pack())))
    assert chat.said() == ["booking-ask-child"]
    assert [c.label.key for m in chat.replies[-1].messages for row in m.choices
            for c in row] == ["booking-child", "booking-child-unbooked", "nav-menu"]
    await chat.tap("booking-child", child="Смагулов Арман")
    assert chat.said() == ["booking-current-child", "booking-ask-day-child"]
    await chat.tap("booking-cancel")
    assert interviews.cancelled == [("7", 0)]
    assert chat.said()[0] == "booking-cancelled"
