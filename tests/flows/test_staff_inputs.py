"""What staff enter at each step, as the services declare it (flows/service.py): the
documents a refusal to accept may name, the grounds a refusal may cite, read without
Telegram. Seed 004 p. 7 (appendix 3) and p. 9; the lists are data marked to be confirmed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from flows.documents import MARKS, load_documents
from flows.grounds import load_grounds
from flows.interview import INTERVIEW_SERVICE
from flows.service import Checklist, Service, Snapshot, Typed
from flows.steps import FilesStep
from flows.validators import Invalid
from flows.visit import VISIT_SERVICE

TODAY = date(2026, 11, 23)


def snapshot(status: str, decision: dict[str, Any] | None = None,
             service: str = "visit") -> Snapshot:
    return Snapshot(1, "ВП-2026-00001", service, status,
                    {"period_from": "2026-12-01", "period_to": "2026-12-31"},
                    TODAY, date(2026, 11, 24), date(2026, 11, 30), decision or {})


def checklist(service: Service, action: str) -> Checklist:
    step = service.step(action)
    assert step is not None and isinstance(step.inputs[0], Checklist)
    return step.inputs[0]


@pytest.mark.parametrize("service", [VISIT_SERVICE, INTERVIEW_SERVICE], ids=lambda s: s.code)
def test_one_list_asks_the_citizen_and_is_what_staff_may_mark(service: Service) -> None:
    """What the citizen must upload is exactly what staff may mark missing; nothing the
    citizen was told is optional can make the application incomplete."""
    uploads = {step.id: step.required for step in service.form.steps
               if isinstance(step, FilesStep)}
    documents = load_documents(service.code)
    assert uploads == {d.answer: d.required for d in documents}
    lines = checklist(service, "incomplete").lines(snapshot("submitted", service=service.code))
    missing = {e.code for e in lines if "missing" in e.marks}
    assert missing == {d.code for d in documents if d.required}
    # The identity document comes through the e-government gateway (004 p. 8): optional,
    # though it may have expired.
    identity = next(d for d in documents if d.code == "identity")
    assert not identity.required and identity.marks == ("expired",)


def test_a_tap_moves_a_document_through_its_own_marks_only() -> None:
    ticks = checklist(VISIT_SERVICE, "incomplete")
    lines = ticks.lines(snapshot("submitted"))
    identity, court = (next(i for i, e in enumerate(lines) if e.code == code)
                       for code in ("identity", "court-decision"))
    state = ticks.tap(lines, 0, identity)
    assert ticks.mark_of(lines, state, identity) == "expired"
    state = ticks.tap(lines, state, court)
    assert ticks.mark_of(lines, state, court) == "missing"
    assert ticks.ticked(snapshot("submitted"), state) == {
        "missing": ["court-decision"], "expired": ["identity"]}
    state = ticks.tap(lines, ticks.tap(lines, state, identity), court)  # both back to none
    assert ticks.ticked(snapshot("submitted"), state) == {"missing": [], "expired": []}


def test_a_forged_state_marks_nothing_a_line_may_not_carry() -> None:
    ticks = checklist(VISIT_SERVICE, "incomplete")
    assert ticks.marks == MARKS
    every_digit_missing = sum(1 * ticks.base ** line for line in range(9))
    ticked = ticks.ticked(snapshot("submitted"), every_digit_missing)
    assert ticked == {"missing": ["court-decision"], "expired": []}  # not the identity


def test_the_preliminary_refusal_offers_every_ground_of_the_list() -> None:
    lines = checklist(VISIT_SERVICE, "hearing").lines(snapshot("under_review"))
    assert [e.code for e in lines] == [g.code for g in load_grounds("visit")]
    assert all(g.to_be_confirmed for g in load_grounds("visit"))  # appendix 2 is not here


def test_the_final_refusal_may_cite_only_the_grounds_put_at_the_hearing() -> None:
    heard = snapshot("hearing_scheduled", {"grounds": ["negative-influence"]})
    lines = checklist(VISIT_SERVICE, "refuse").lines(heard)
    assert [e.code for e in lines] == ["negative-influence"]
    assert VISIT_SERVICE.refusal("refuse", heard, TODAY,
                                 {"refusal_grounds": ["negative-influence"]}) is None
    refused = VISIT_SERVICE.refusal("refuse", heard, TODAY,
                                    {"refusal_grounds": ["unreliable-documents"]})
    assert refused is not None and refused.key == "staff-guard-grounds-not-heard"


def test_the_permission_is_offered_for_the_period_asked_or_typed() -> None:
    step = VISIT_SERVICE.step("approve")
    assert step is not None
    (period,) = step.inputs
    assert isinstance(period, Typed) and period.offer is not None
    offer = period.offer(snapshot("under_review"))
    assert offer.value == {"from": "2026-12-01", "to": "2026-12-31"}
    assert period.parse("01.12.2026 15.12.2026", TODAY) == {"from": "2026-12-01",
                                                             "to": "2026-12-15"}
    with pytest.raises(Invalid):
        period.parse("15.12.2026 01.12.2026", TODAY)


def test_a_step_keeps_the_day_it_was_taken_where_a_term_counts_from_it() -> None:
    """The conversation with the child is due within 4 working days of the check."""
    step = INTERVIEW_SERVICE.step("accept")
    assert step is not None and step.records_day == "accepted_on"
