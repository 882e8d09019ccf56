"""Each service's procedure as its seed states it: which step staff may take from which
status, and where it leads. Read against seed 004 p. 7-12 (service 1) and seed 001 p. 5
(service 2)."""

from __future__ import annotations

import pytest

from flows.interview import INTERVIEW_SERVICE
from flows.ports import STATUSES
from flows.service import Service
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
    "under_review": {"decide": "approved"},
    "rejected_incomplete": {},
    "approved": {},
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
