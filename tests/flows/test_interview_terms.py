"""Service 2 within its term, read against seed 001 p. 5 and issue 10, without a messenger:
the conversation in person or by video call, where to come, what the child is told the
decision is about, and the notices when no time is booked, each at its edge day on the
pinned calendar."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from flows import interview
from flows.calendar import KZ_TZ
from flows.delivery import CITIZEN, STAFF
from flows.engine import Engine, Ports
from flows.interview import (
    INTERVIEW,
    INTERVIEW_SERVICE,
    SUBJECTS,
    booking_nudges,
    child_about,
    load_rooms,
    meeting_place,
    staff_meeting_place,
)
from flows.messages import Text
from flows.payloads import Book, Tap, unpack
from flows.service import Snapshot
from flows.visit import VISIT
from tests.flows.chat import Chat
from tests.flows.conftest import NOW
from tests.flows.test_interview_flow import finish, to_where_the_child_lives

IN_ASTANA = {"body": "astana-edu", "lives": "kz", "meeting": "in-person", "subject": "residence"}


def accepted_on(day: date, booked: str | None = None, **answers: Any) -> Snapshot:
    """An application whose documents were accepted on `day` (its number is МР-2026-00007)."""
    decision: dict[str, Any] = {"accepted_on": day.isoformat()}
    if booked:
        decision["booked"] = booked
    return Snapshot(id=7, number="МР-2026-00007", service="interview", status="under_review",
                    answers={**IN_ASTANA, **answers}, registered_on=day, check_due=day,
                    decision_due=day, decision=decision)


def told(snapshot: Snapshot, today: date, seq: int = 3) -> list[str]:
    """Who is told that no time is booked, on `today`."""
    return [nudge.audience for nudge in booking_nudges(snapshot, today, seq)]


# ---------------------------------------------------------------------- in person or by video
async def test_a_child_in_kazakhstan_may_come_in_person(ports: Ports) -> None:
    chat = Chat(Engine(ports, [VISIT, INTERVIEW], clock=lambda: NOW))
    await to_where_the_child_lives(chat)
    await chat.tap("lives-kz")
    assert chat.question() == "interview-ask-meeting"
    assert [c.label.key for m in chat.replies[-1].messages for row in m.choices
            for c in row][:2] == ["meeting-in-person", "meeting-video"]
    await chat.tap("meeting-in-person")
    assert chat.question() == "interview-ask-present"
    await finish(chat)
    lives = next(part for part in chat.replies[-1].messages[0].parts
                 if part.key == "summary-line"
                 and part.args["label"] == Text("section-lives"))
    assert lives.args["value"] == (Text("summary-lives-kz-in-person"),)
    await chat.tap("summary-submit")
    (entry,) = ports.applications.submitted.values()  # type: ignore[attr-defined]
    assert entry["answers"]["meeting"] == "in-person"


async def test_a_child_abroad_is_not_asked_to_come(ports: Ports) -> None:
    chat = Chat(Engine(ports, [VISIT, INTERVIEW], clock=lambda: NOW))
    await to_where_the_child_lives(chat)
    await chat.tap("lives-abroad")
    await chat.tap("country-de")
    assert chat.question() == "interview-ask-present"


def test_in_person_the_place_is_the_body_its_address_and_the_room_to_be_told() -> None:
    # bodies.json holds no verified room yet: the parent is told staff will say it
    assert meeting_place(IN_ASTANA) == Text("interview-place-room-later", {
        "body": Text("body-astana-edu"), "address": Text("body-astana-edu-address")})
    assert staff_meeting_place(IN_ASTANA) == Text("staff-interview-in-person-no-room",
                                                  {"body": "astana-edu"})


def test_a_room_in_the_data_is_given(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bodies = {"regions": [{"code": "astana", "bodies": [{"code": "astana-edu",
                                                          "room": "712"}]}]}
    path = tmp_path / "bodies.json"
    path.write_text(json.dumps(bodies), encoding="utf-8")
    monkeypatch.setattr(interview, "ROOMS", load_rooms(path))
    assert meeting_place(IN_ASTANA) == Text("interview-place", {
        "body": Text("body-astana-edu"), "address": Text("body-astana-edu-address"),
        "room": "712"})
    assert staff_meeting_place(IN_ASTANA) == Text("staff-interview-in-person", {"room": "712"})


def test_no_room_is_invented() -> None:
    assert set(load_rooms().values()) == {None}  # "to be confirmed" until a body gives one


@pytest.mark.parametrize("answers", [
    {**IN_ASTANA, "meeting": "video"},
    {**IN_ASTANA, "lives": "abroad", "country": "de"},  # abroad: through a messenger
    {key: value for key, value in IN_ASTANA.items() if key != "meeting"},  # applied before
])
def test_by_video_or_from_abroad_there_is_no_place(answers: dict[str, Any]) -> None:
    assert meeting_place(answers) is None and staff_meeting_place(answers) is None


# ---------------------------------------------------------------------- what it is about
@pytest.mark.parametrize("subject", SUBJECTS)
def test_the_child_is_told_the_subject_the_parent_chose(subject: str) -> None:
    assert child_about({"subject": subject}) == Text(f"child-about-{subject}")


def test_an_unknown_subject_reads_as_another_question() -> None:
    assert child_about({}) == Text("child-about-other")


# ---------------------------------------------------------------------- no time booked
def test_accepted_on_monday_the_parent_is_reminded_on_tuesday_and_staff_on_thursday() -> None:
    snapshot = accepted_on(date(2026, 11, 23))  # the conversation's last day: Fri 27.11
    assert told(snapshot, date(2026, 11, 23)) == []
    assert told(snapshot, date(2026, 11, 24)) == [CITIZEN]
    assert told(snapshot, date(2026, 11, 25)) == [CITIZEN]
    assert told(snapshot, date(2026, 11, 26)) == [CITIZEN, STAFF]
    assert told(snapshot, date(2026, 11, 27)) == [CITIZEN, STAFF]
    assert told(snapshot, date(2026, 11, 30)) == []  # the term is over: nothing to book


@pytest.mark.parametrize(("accepted", "remind", "alert", "last"), [
    # Nauryz 21-25.03.2026: the days off do not count
    (date(2026, 3, 20), date(2026, 3, 26), date(2026, 3, 30), date(2026, 3, 31)),
    # 2027: 3 May (1 May moved), 7 May and 10 May (9 May moved) are off
    (date(2027, 4, 29), date(2027, 4, 30), date(2027, 5, 5), date(2027, 5, 6)),
    # New Year 2027: 1, 2 (moved to 4) and 7 January are off
    (date(2026, 12, 30), date(2026, 12, 31), date(2027, 1, 6), date(2027, 1, 8)),
])
def test_the_days_are_working_days(accepted: date, remind: date, alert: date,
                                   last: date) -> None:
    snapshot = accepted_on(accepted)
    day_before = date.fromordinal(remind.toordinal() - 1)
    assert told(snapshot, day_before) == []
    assert told(snapshot, remind) == [CITIZEN]
    assert told(snapshot, date.fromordinal(alert.toordinal() - 1)) == [CITIZEN]
    assert told(snapshot, alert) == [CITIZEN, STAFF]
    assert told(snapshot, last) == [CITIZEN, STAFF]
    assert told(snapshot, date.fromordinal(last.toordinal() + 1)) == []


def test_a_booked_time_or_a_decision_needs_no_notice() -> None:
    assert told(accepted_on(date(2026, 11, 23), booked="202611251000"),
                date(2026, 11, 26)) == []
    decided = replace(accepted_on(date(2026, 11, 23)), status="decided")
    assert told(decided, date(2026, 11, 26)) == []


def test_the_parents_reminder_has_the_button_to_book_and_ends_with_the_term() -> None:
    (parent, staff) = booking_nudges(accepted_on(date(2026, 11, 23)), date(2026, 11, 26), 3)
    assert parent.message.parts == (Text("booking-remind-parent", {
        "number": "МР-2026-00007", "term": date(2026, 11, 27)}),)
    ((button,),) = parent.message.choices
    assert button.label == Text("booking-choose")
    assert unpack(button.payload) == Tap(3, Book("7"))  # as if tapped in the chat just now
    assert staff.message.parts == (Text("staff-interview-unbooked", {
        "number": "МР-2026-00007", "term": date(2026, 11, 27)}),)
    assert parent.until == staff.until
    assert parent.until == datetime(2026, 11, 28, tzinfo=KZ_TZ)  # the last day is over


def test_the_digest_warns_from_the_day_before_the_last_day() -> None:
    snapshot = accepted_on(date(2026, 11, 23))
    warning = (Text("staff-digest-interview-unbooked", {"number": "МР-2026-00007",
                                                        "term": date(2026, 11, 27)}),)
    warnings = INTERVIEW_SERVICE.digest_warnings
    assert warnings(snapshot, date(2026, 11, 25)) == ()
    assert warnings(snapshot, date(2026, 11, 26)) == warning
    assert warnings(snapshot, date(2026, 11, 27)) == warning
    assert warnings(snapshot, date(2026, 11, 30)) == ()
    booked = accepted_on(date(2026, 11, 23), booked="202611271000")
    assert warnings(booked, date(2026, 11, 26)) == ()
