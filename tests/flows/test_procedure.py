"""Each service's procedure as its seed states it: which step staff may take from which
status, and where it leads. Read against seed 004 p. 7-12 (service 1) and seed 001 p. 5
(service 2)."""

from __future__ import annotations

from datetime import date

import pytest

from flows.interview import INTERVIEW_SERVICE
from flows.messages import Text
from flows.ports import STATUSES
from flows.service import Service, Snapshot
from flows.terms import interview_term_end
from flows.visit import VISIT_SERVICE

# status -> {action: the status it leads to}; every action not listed is refused there.
VISIT_PERMISSION = {
    "submitted": {"accept": "under_review", "incomplete": "rejected_incomplete"},
    "under_review": {"hearing": "hearing_scheduled", "approve": "approved"},
    "hearing_scheduled": {"approve": "approved", "refuse": "refused"},
    "rejected_incomplete": {},
    "approved": {},
    "refused": {},
}
CHILD_OPINION = {
    "submitted": {"accept": "under_review", "incomplete": "rejected_incomplete"},
    "under_review": {"decide": "decided"},  # a decision, not a permission
    "rejected_incomplete": {},
    "decided": {},
}


def cases(service: Service, table: dict[str, dict[str, str]]) -> list[tuple[str, str, str | None]]:
    actions = [step.action for step in service.procedure]
    return [(status, action, table[status].get(action)) for status in table
            for action in actions]


@pytest.mark.parametrize(("service", "table"), [(VISIT_SERVICE, VISIT_PERMISSION),
                                                (INTERVIEW_SERVICE, CHILD_OPINION)],
                         ids=["visit", "interview"])
def test_each_step_is_allowed_only_from_its_statuses(
    service: Service, table: dict[str, dict[str, str]]
) -> None:
    for status, action, leads_to in cases(service, table):
        assert service.allows(action, status) is (leads_to is not None), (status, action)
        if leads_to is not None:
            step = service.step(action)
            assert step is not None and step.to == leads_to
    assert set(table) <= set(STATUSES)


def test_the_services_are_told_apart_by_what_they_declare() -> None:
    assert (VISIT_SERVICE.prefix, INTERVIEW_SERVICE.prefix) == ("ВП", "МР")
    assert INTERVIEW_SERVICE.hears_the_child and not VISIT_SERVICE.hears_the_child
    # the official names, as the seeds give them (004 title; 001 item 1)
    assert VISIT_SERVICE.names["kk"].endswith("баламен кездесуіне рұқсат беру")
    assert INTERVIEW_SERVICE.names["kk"].startswith("Он жасқа толған баланың пікірін ескеру")


def registered(on: date, check: date, end: date) -> Snapshot:
    return Snapshot(1, "ВП-2026-00001", "visit", "under_review", {}, on, check, end)


# RULES.md, "Sample computed terms": registered 19.03.2026, the term ends 31.03 (Nauryz
# 21-25 March off), the preliminary refusal by 26.03.
NAURYZ = registered(date(2026, 3, 19), date(2026, 3, 20), date(2026, 3, 31))


def test_the_preliminary_refusal_may_go_out_until_its_last_day_and_not_after() -> None:
    assert VISIT_SERVICE.refusal("hearing", NAURYZ, date(2026, 3, 26), {}) is None
    late = VISIT_SERVICE.refusal("hearing", NAURYZ, date(2026, 3, 27), {})
    assert late is not None and late.key == "staff-guard-preliminary-late"
    assert late.args["last"] == date(2026, 3, 26)


def test_the_hearing_leaves_a_working_day_for_the_final_answer_within_the_term() -> None:
    def hearing_on(day: date) -> Text | None:
        return VISIT_SERVICE.refusal("hearing", NAURYZ, date(2026, 3, 20),
                                     {"hearing": {"date": day.isoformat()}})

    assert hearing_on(date(2026, 3, 30)) is None  # the final answer on 31.03
    assert hearing_on(date(2026, 3, 31)) is not None  # no day left for it
    assert hearing_on(date(2026, 3, 20)) is not None  # not on the day of the notice


def test_the_child_opinion_decision_never_falls_on_the_last_conversation_day() -> None:
    # Registered 30.12.2026: the check on 31.12; New Year, 04.01 (moved) and 07.01 are off,
    # so the conversation may run until 11.01.2027 and the decision is due the day after.
    registered_on = date(2026, 12, 30)
    terms = INTERVIEW_SERVICE.terms
    checked = terms.check_due(registered_on)
    snapshot = Snapshot(1, "МР-2026-00001", "interview", "under_review", {}, registered_on,
                        checked, terms.decision_due(registered_on),
                        {"accepted_on": checked.isoformat()})
    assert checked == date(2026, 12, 31)
    assert interview_term_end(snapshot) == date(2027, 1, 11)
    assert snapshot.decision_due == date(2027, 1, 12)
    assert terms.to_be_confirmed and not VISIT_SERVICE.terms.to_be_confirmed
    assert VISIT_SERVICE.terms.decision_due(registered_on) == date(2027, 1, 11)  # 004 p. 12
