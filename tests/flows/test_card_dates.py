"""The staff card's dates for the visit permission (seed 004 p. 7-12), day by day.

RULES.md, "Sample computed terms": registered 19.03.2026, the check on 20.03, the permission
on 30.03 (3 working days after the check; Nauryz 21-25 March is off), the 5-day term ends on
31.03, the preliminary refusal may go out until 26.03. The card marks the next date "due
today" or "overdue" as the digest does, and once the last day for a preliminary refusal is
past it says so, with that day and the term's end, instead of offering the button.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flows.dates import next_term, terms
from flows.messages import OutgoingMessage, Text
from flows.procedure import card, next_date
from flows.service import Snapshot
from flows.visit import VISIT_SERVICE

REGISTERED = date(2026, 3, 19)
ANSWERS = {"period_from": "2026-04-01", "period_to": "2026-04-30"}
HEARING = {"date": "2026-03-27", "time": "15:00", "place": "каб. 5", "details": "—"}


def application(status: str = "submitted", registered_on: date = REGISTERED,
                **decision: Any) -> Snapshot:
    return Snapshot(7, "ВП-2026-00007", "visit", status, ANSWERS, registered_on,
                    VISIT_SERVICE.terms.check_due(registered_on),
                    VISIT_SERVICE.terms.decision_due(registered_on), decision)


def accepted_on(day: date) -> Snapshot:
    return application("under_review", accepted_on=day.isoformat())


def line(what: str, day: date) -> Text:
    return Text(f"dates-{what}", {"date": day})


def due_today(text: Text) -> Text:
    return Text("dates-due-today", {"term": text})


def overdue(text: Text) -> Text:
    return Text("dates-overdue", {"term": text})


def dates_on_card(message: OutgoingMessage) -> tuple[Text, ...]:
    block = next(part for part in message.parts if part.key == "staff-card-dates")
    assert block.args["registered"] == REGISTERED
    lines = block.args["terms"]
    assert isinstance(lines, tuple)
    return lines


def buttons(message: OutgoingMessage) -> list[str]:
    return [choice.label.key.removeprefix("staff-action-")
            for row in message.choices for choice in row]


def test_the_sample_dates_of_the_rules() -> None:
    assert dates_on_card(card(application(), date(2026, 3, 19))) == (
        line("check", date(2026, 3, 20)),
        line("permission", date(2026, 3, 30)),
        line("term-end", date(2026, 3, 31)),
        line("preliminary", date(2026, 3, 26)),
    )
    # 29.04.2027: 3 May (for 1 May), 7 May and 10 May (for 9 May) are off
    may = application(registered_on=date(2027, 4, 29))
    assert [(t.what, t.day) for t in terms(may)] == [
        ("dates-check", date(2027, 4, 30)), ("dates-permission", date(2027, 5, 6)),
        ("dates-term-end", date(2027, 5, 11))]


def test_the_check_is_due_today_then_overdue_on_the_card_and_for_the_digest() -> None:
    check = line("check", date(2026, 3, 20))
    assert dates_on_card(card(application(), date(2026, 3, 20)))[0] == due_today(check)
    assert dates_on_card(card(application(), date(2026, 3, 23)))[0] == overdue(check)
    term = next_term(application(), date(2026, 3, 23))
    assert term is not None and term.marked(date(2026, 3, 23)) == overdue(check)


def test_the_permission_counts_from_the_day_the_documents_were_checked() -> None:
    on_time = accepted_on(date(2026, 3, 20))
    early = accepted_on(date(2026, 3, 19))  # the very day of registration
    assert next_date(on_time, date(2026, 3, 20)) == date(2026, 3, 30)
    assert next_date(early, date(2026, 3, 19)) == date(2026, 3, 27)
    assert dates_on_card(card(on_time, date(2026, 3, 20)))[:2] == (
        line("checked", date(2026, 3, 20)), line("permission", date(2026, 3, 30)))
    # checked late, the permission still falls within the 5-day term
    late = accepted_on(date(2026, 3, 27))
    assert next_date(late, date(2026, 3, 27)) == date(2026, 3, 31)


def test_after_the_last_day_for_a_preliminary_refusal_the_card_says_why_it_is_gone() -> None:
    snapshot = accepted_on(date(2026, 3, 20))
    last_day = card(snapshot, date(2026, 3, 26))
    assert Text("dates-last-day-today", {"term": line("preliminary", date(2026, 3, 26))}) \
        in dates_on_card(last_day)
    assert "hearing" in buttons(last_day)

    too_late = card(snapshot, date(2026, 3, 27))
    reason = Text("staff-guard-preliminary-late", {
        "number": "ВП-2026-00007", "last": date(2026, 3, 26), "end": date(2026, 3, 31)})
    assert reason in too_late.parts
    assert "hearing" not in buttons(too_late) and "approve" in buttons(too_late)
    assert line("preliminary", date(2026, 3, 26)) not in dates_on_card(too_late)


def test_after_a_hearing_the_final_answer_replaces_the_permission() -> None:
    snapshot = application("hearing_scheduled", accepted_on="2026-03-20", hearing=HEARING)
    final = line("final", date(2026, 3, 30))
    assert dates_on_card(card(snapshot, date(2026, 3, 27))) == (
        line("checked", date(2026, 3, 20)), final, line("term-end", date(2026, 3, 31)))
    assert dates_on_card(card(snapshot, date(2026, 3, 30)))[1] == due_today(final)
    assert next_date(snapshot, date(2026, 3, 27)) == date(2026, 3, 30)


def test_a_closed_application_has_nothing_due() -> None:
    approved = application("approved", accepted_on="2026-03-20")
    assert next_date(approved, date(2026, 4, 30)) is None
    assert dates_on_card(card(approved, date(2026, 4, 30))) == (
        line("checked", date(2026, 3, 20)),)
