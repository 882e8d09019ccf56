"""Service 2, the body's decision on taking into account the opinion of a child aged 10+, as a
jurist reads its procedure (seed 001, new p. 5). No Telegram: the service's own declaration.

Staff accept the documents, or refuse to accept them when the set is incomplete; the
conversation with the child is held within 4 working days of that check; then the decision
is issued. The seeds hold no standard of this service, so the check and decision terms are
data marked "to be confirmed" (`flows/data/service_terms.json`); the decision never falls on
or before the conversation's last day.

Days are Kazakhstan working days on the pinned calendar (`tests/flows/test_calendar.py`),
with the days off of 2027: 15.03 (Constitution Day, new), 24.03 (Nauryz, 21 March fell on a
Sunday), 03.05 (1 May fell on a Saturday), 07.05 (Defender's Day), 10.05 (9 May fell on a
Sunday).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from flows.calendar import KZ_TZ, is_working_day, next_working_day
from flows.dates import decision_by, next_term, terms
from flows.interview import INTERVIEW_SERVICE, PROCEDURE
from flows.ports import STATUSES
from flows.procedure import next_date
from flows.service import Snapshot
from flows.slots import free_slots, term_days
from flows.terms import interview_term_end

# What staff may do from each status, and where it leads; anything not listed is refused.
WHAT_STAFF_MAY_DO = {
    "submitted": {"accept": "under_review", "incomplete": "rejected_incomplete"},
    "under_review": {"decide": "decided"},  # a decision, not a permission
    "rejected_incomplete": {},
    "decided": {},
    # the statuses of the visit permission and of a complaint: nothing of this service
    # leads from them
    "hearing_scheduled": {},
    "approved": {},
    "refused": {},
    "satisfied": {},
    "partly_satisfied": {},
    "complaint_rejected": {},
    "forwarded": {},
}


def staff_may(action: str, status: str) -> bool:
    return INTERVIEW_SERVICE.allows(action, status)


def leads_to(action: str) -> str:
    step = INTERVIEW_SERVICE.step(action)
    assert step is not None
    return step.to


def application(registered_on: date, *, checked: date | None = None,
                status: str = "under_review") -> Snapshot:
    """An application of service 2 registered that day, its documents checked on `checked`."""
    decision = {"accepted_on": checked.isoformat()} if checked else {}
    return Snapshot(1, "МР-2027-00001", "interview", status, {}, registered_on,
                    INTERVIEW_SERVICE.terms.check_due(registered_on),
                    INTERVIEW_SERVICE.terms.decision_due(registered_on), decision)


def checked_on(day: date) -> Snapshot:
    """The documents checked on `day`, the day they were due (registered the day before)."""
    registered_on = day - timedelta(days=1)
    while INTERVIEW_SERVICE.terms.check_due(registered_on) != day:
        registered_on -= timedelta(days=1)
    return application(registered_on, checked=day)


def days_a_parent_may_book(checked: date) -> list[date]:
    """The days the bot offers for the conversation, seen at 9:00 on the day of the check."""
    now = datetime.combine(checked, time(9), KZ_TZ)
    return sorted({slot.start.date() for slot in free_slots(checked, now, set())})


# ---------------------------------------------------------------------- the actions


def test_every_status_and_every_action_is_in_the_table() -> None:
    assert set(WHAT_STAFF_MAY_DO) == set(STATUSES)
    assert [step.action for step in PROCEDURE] == ["accept", "incomplete", "decide"]


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("action", [step.action for step in PROCEDURE])
def test_staff_may_take_a_step_only_from_its_statuses(action: str, status: str) -> None:
    allowed_here = WHAT_STAFF_MAY_DO[status]
    if action in allowed_here:
        assert staff_may(action, status)
        assert leads_to(action) == allowed_here[action]
    else:
        assert not staff_may(action, status)


def test_the_result_is_a_decision_and_no_permission_is_ever_granted() -> None:
    assert {leads_to(step.action) for step in PROCEDURE} == \
        {"under_review", "rejected_incomplete", "decided"}
    assert INTERVIEW_SERVICE.hears_the_child


def test_the_day_of_the_check_is_recorded_for_the_conversations_term() -> None:
    accept = INTERVIEW_SERVICE.step("accept")
    assert accept is not None and accept.records_day == "accepted_on"


# ---------------------------------------------------------------------- the conversation


@pytest.mark.parametrize(("checked", "term", "day_off"), [
    # Thursday; Monday 15.03 is Constitution Day, a holiday from 2027
    (date(2027, 3, 11), [date(2027, 3, 12), date(2027, 3, 16), date(2027, 3, 17),
                         date(2027, 3, 18)], date(2027, 3, 15)),
    # Friday; Nauryz 22-23.03 and 24.03 (for 21 March, a Sunday)
    (date(2027, 3, 19), [date(2027, 3, 25), date(2027, 3, 26), date(2027, 3, 29),
                         date(2027, 3, 30)], date(2027, 3, 24)),
    # Thursday; Monday 03.05 is off for 1 May, a Saturday
    (date(2027, 4, 29), [date(2027, 4, 30), date(2027, 5, 4), date(2027, 5, 5),
                         date(2027, 5, 6)], date(2027, 5, 3)),
    # Wednesday; Friday 07.05 (Defender's Day) and Monday 10.05 (for 9 May, a Sunday)
    (date(2027, 5, 5), [date(2027, 5, 6), date(2027, 5, 11), date(2027, 5, 12),
                        date(2027, 5, 13)], date(2027, 5, 10)),
], ids=["constitution-day-15.03", "nauryz-24.03", "may-day-03.05", "victory-day-10.05"])
def test_the_conversation_is_held_within_4_working_days_of_the_check(
    checked: date, term: list[date], day_off: date
) -> None:
    snapshot = checked_on(checked)
    last = term[-1]
    assert not is_working_day(day_off)
    # The day of the check does not count; the 4 working days after it do, no day off.
    assert term_days(checked) == term
    assert interview_term_end(snapshot) == last
    assert days_a_parent_may_book(checked) == term
    assert checked not in term and day_off not in term
    assert next_working_day(checked) == term[0]
    # The card, the digest and "My applications": on the last day the conversation is due
    # today; from the next working day on, the decision is what the application waits for.
    assert next_date(snapshot, last) == last
    assert next_date(snapshot, next_working_day(last)) == decision_by(snapshot)
    assert decision_by(snapshot) > last


def test_before_the_check_the_conversations_term_is_not_yet_running() -> None:
    submitted = application(date(2027, 3, 10), status="submitted")
    assert next_date(submitted, date(2027, 3, 10)) == date(2027, 3, 11)  # the check
    conversation = next(t for t in terms(submitted) if t.what == "dates-conversation")
    assert conversation.day == date(2027, 3, 18) and not conversation.pending


# ---------------------------------------------------------------------- the decision


def test_the_decision_falls_the_working_day_after_the_last_conversation_day() -> None:
    # Registered 30.12.2026, checked 31.12: New Year, 04.01 (moved) and 07.01 are off, so
    # the conversation may run until 11.01.2027 and the decision is due on 12.01.
    snapshot = application(date(2026, 12, 30), checked=date(2026, 12, 31))
    assert interview_term_end(snapshot) == date(2027, 1, 11)
    assert decision_by(snapshot) == date(2027, 1, 12)
    decision = next(t for t in terms(snapshot) if t.what == "dates-decision")
    conversation = next(t for t in terms(snapshot) if t.what == "dates-conversation")
    assert not decision.confirmed  # no term in the seeds: shown "to be confirmed"
    assert conversation.confirmed  # seed 001 p. 5


def test_a_late_check_moves_the_decision_past_the_conversation() -> None:
    # Registered Wednesday 10.03.2027: the check was due on 11.03 and the decision, as data,
    # on 19.03. Checked a working day late, on Friday 12.03, the conversation may run until
    # 19.03 (15.03 is off): the decision would fall on its last day, so it moves to the next
    # working day, 25.03 (22-24.03 are Nauryz days off).
    snapshot = application(date(2027, 3, 10), checked=date(2027, 3, 12))
    assert snapshot.decision_due == date(2027, 3, 19)
    assert interview_term_end(snapshot) == date(2027, 3, 19)
    assert decision_by(snapshot) == date(2027, 3, 25)


def every_day(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@pytest.mark.parametrize("late", [0, 1, 2], ids=["checked-on-time", "1-day-late", "2-days-late"])
def test_the_decision_never_falls_on_or_before_the_last_conversation_day(late: int) -> None:
    for registered_on in every_day(date(2026, 1, 1), date(2027, 12, 31)):
        checked = INTERVIEW_SERVICE.terms.check_due(registered_on)
        for _ in range(late):
            checked = next_working_day(checked)
        snapshot = application(registered_on, checked=checked)
        last_conversation_day = interview_term_end(snapshot)
        decision = decision_by(snapshot)
        assert decision > last_conversation_day, registered_on
        assert is_working_day(decision), registered_on
        if late == 0:  # the declared term alone already keeps the decision after it
            assert snapshot.decision_due > last_conversation_day, registered_on
        term = next_term(snapshot, next_working_day(last_conversation_day))
        assert term is not None and term.day == decision
