"""Issue 18, item 5: one date everywhere. The notice, "My applications", the staff card and
the morning digest give an application's next date from one function (`next_date`, over
`flows/dates.py: next_term`), so they cannot disagree.

The walk that found it: registered on Wednesday 02.12.2026 (the check by 03.12, the
permission by 08.12, the 5-day term ends 09.12), accepted on 03.12; the preliminary refusal
sets the hearing on Friday 04.12, so the final answer is due by Monday 07.12 (seed 004
p. 9). Every place must say 07.12 from then on, never the permission's 08.12 nor the term's
end, 09.12.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from flows.calendar import add_working_days, is_working_day, subtract_working_days
from flows.menu import next_steps
from flows.messages import Text
from flows.procedure import card, citizen_notice, next_date
from flows.service import Snapshot
from flows.services import SERVICES
from flows.terms import preliminary_by
from handlers.telegram.digest import due_lines
from storage.applications import next_deadline
from storage.models import Application

REGISTERED = date(2026, 12, 2)
ACCEPTED = date(2026, 12, 3)
HEARING_DAY = date(2026, 12, 4)
FINAL = date(2026, 12, 7)
VISIT = SERVICES["visit"]


def hearing_on(day: date) -> dict[str, Any]:
    return {"date": day.isoformat(), "time": "15:00", "place": "каб. 5", "details": "—"}


def snapshot(status: str, registered: date = REGISTERED, service: str = "visit",
             **decision: Any) -> Snapshot:
    terms = SERVICES[service].terms
    return Snapshot(7, "ВП-2026-00007", service, status,
                    {"body": "kst-rudny", "period_from": "2027-01-01",
                     "period_to": "2027-01-31"},
                    registered, terms.check_due(registered), terms.decision_due(registered),
                    decision)


def heard(registered: date = REGISTERED, accepted: date = ACCEPTED,
          hearing: date = HEARING_DAY) -> Snapshot:
    return snapshot("hearing_scheduled", registered, accepted_on=accepted.isoformat(),
                    hearing=hearing_on(hearing))


# ---------------------------------------------------------------------- the four places
def notice_date(application: Snapshot) -> date:
    """The date the citizen's notice promises (the only date it names)."""
    (words,) = citizen_notice(application).parts
    (day,) = [value for key, value in words.args.items()
              if isinstance(value, date) and key not in ("date", "from", "to")]
    return day


def my_applications_date(application: Snapshot, today: date) -> date | None:
    """What "My applications" shows, computed by storage from the stored row."""
    row = Application(id=application.id, number=application.number,
                      service=application.service, status=application.status,
                      answers=dict(application.answers),
                      registered_on=application.registered_on,
                      check_due=application.check_due,
                      decision_due=application.decision_due,
                      decision=dict(application.decision))
    return next_deadline(row, today)


def marked_on_card(application: Snapshot, today: date) -> date:
    """The date the card marks due today or overdue (a date not yet due reads plain)."""
    block = next(part for part in card(application, today).parts
                 if part.key == "staff-card-dates")
    lines = block.args["terms"]
    assert isinstance(lines, tuple)
    marked = [line.args["term"] for line in lines
              if line.key in ("dates-due-today", "dates-overdue")]
    (term,) = marked
    assert isinstance(term, Text)
    day = term.args["date"]
    assert isinstance(day, date)
    return day


def on_card(application: Snapshot, today: date) -> set[date]:
    """Every date the card lists as still to be met, marked or not (besides the day the
    documents were checked and the term's end, which it always shows)."""
    block = next(part for part in card(application, today).parts
                 if part.key == "staff-card-dates")
    lines = block.args["terms"]
    assert isinstance(lines, tuple)
    found = set()
    for line in lines:
        while line.key in ("dates-due-today", "dates-overdue", "dates-last-day-today"):
            line = line.args["term"]
        if line.key not in ("dates-checked", "dates-term-end"):
            found.add(line.args["date"])
    return found


def in_digest(application: Snapshot, today: date) -> date | None:
    """The date the morning digest lists for it, if it is due today or overdue."""
    day = next_date(application, today)
    if day is None or day > today:  # as the staff desk selects them (due_or_overdue)
        return None
    (line,) = due_lines([application], today)
    term = line.args["term"]
    assert isinstance(term, Text)
    inner = term.args["term"]
    assert isinstance(inner, Text)
    found = inner.args["date"]
    assert isinstance(found, date)
    return found


# ---------------------------------------------------------------------- the walk
def test_the_final_answer_after_the_hearing_is_the_one_date_everywhere() -> None:
    application = heard()
    assert notice_date(application) == FINAL
    for today in (ACCEPTED, HEARING_DAY, date(2026, 12, 5), FINAL):
        assert my_applications_date(application, today) == FINAL, today
        assert next_date(application, today) == FINAL, today
        assert on_card(application, today) == {FINAL}, today  # no 08.12 permission line
    assert in_digest(application, HEARING_DAY) is None  # not due yet
    assert in_digest(application, FINAL) == FINAL
    assert marked_on_card(application, FINAL) == FINAL
    later = date(2026, 12, 9)  # the term's end: the final answer is overdue, not replaced
    assert my_applications_date(application, later) == FINAL
    assert in_digest(application, later) == FINAL
    assert marked_on_card(application, later) == FINAL


def test_before_the_hearing_the_permission_is_the_one_date_everywhere() -> None:
    accepted = snapshot("under_review", accepted_on=ACCEPTED.isoformat())
    permission = date(2026, 12, 8)
    assert notice_date(accepted) == permission
    assert my_applications_date(accepted, ACCEPTED) == permission
    assert on_card(accepted, ACCEPTED) == {permission, preliminary_by(accepted)}
    assert in_digest(accepted, permission) == permission


# ---------------------------------------------------------------------- every such day
def hearings() -> Iterator[tuple[date, date, date]]:
    """(registered, accepted, hearing) for every working day of two months that allows a
    hearing: accepted on the check's day or the next, the hearing after the notice and
    early enough for the final answer within the term."""
    day = date(2026, 11, 2)
    while day < date(2027, 1, 15):
        if is_working_day(day):
            check = VISIT.terms.check_due(day)
            for accepted in (day, check):
                application = snapshot("under_review", day, accepted_on=accepted.isoformat())
                last = preliminary_by(application)
                latest = subtract_working_days(application.decision_due, 1)
                hearing = add_working_days(accepted, 1)
                while hearing <= latest and accepted <= last:
                    yield day, accepted, hearing
                    hearing = add_working_days(hearing, 1)
        day += timedelta(days=1)


def test_after_any_hearing_the_notice_and_my_applications_agree() -> None:
    cases = list(hearings())
    assert len(cases) > 100
    for registered, accepted, hearing in cases:
        application = heard(registered, accepted, hearing)
        promised = notice_date(application)
        day = accepted
        while day <= promised + timedelta(days=3):
            assert my_applications_date(application, day) == promised, (hearing, day)
            assert in_digest(application, day) in (None, promised), (hearing, day)
            day += timedelta(days=1)


@pytest.mark.parametrize("service", ["visit", "interview"])
def test_the_accepted_notice_names_the_date_my_applications_shows(service: str) -> None:
    day = date(2026, 11, 2)
    while day < date(2027, 1, 15):
        if is_working_day(day):
            for late in range(3):
                accepted = add_working_days(day, late)
                application = snapshot("under_review", day, service,
                                       accepted_on=accepted.isoformat())
                assert notice_date(application) == my_applications_date(application, accepted)
        day += timedelta(days=1)


def test_the_notice_and_my_applications_offer_the_same_step() -> None:
    """Issue 18, item 4, at the flows' level: a preliminary refusal's notice carries the
    objection My applications shows (end to end: tests/handlers/test_notice_buttons.py)."""
    from flows.procedure import notice_to_act

    notice = notice_to_act(heard(), seq=41)
    shown = [choice.label.key for row in next_steps("7", "visit", "hearing_scheduled")
             for choice in row]
    assert [choice.label.key for row in notice.choices for choice in row][:len(shown)] == \
        shown == ["apps-send-objection"]
    assert all(choice.payload.startswith("41:") for row in notice.choices for choice in row)
