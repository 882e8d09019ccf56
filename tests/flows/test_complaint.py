"""The complaint (seed 004 p. 13) as declared in flows/complaint.py, read without Telegram:
which step the body may take, until when, and what the citizen is told."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from flows.complaint import COMPLAINT_SERVICE, terms_of
from flows.service import Snapshot

REGISTERED = date(2026, 11, 25)  # Wednesday


def complaint(addressee: str, status: str = "submitted",
              decision: dict[str, Any] | None = None) -> Snapshot:
    terms = terms_of({"addressee": addressee})
    return Snapshot(1, "ШҒ-2026-00001", "complaint", status,
                    {"addressee": addressee, "body": "kst-rudny", "about_number": "ВП-2026-00001"},
                    REGISTERED, terms.check_due(REGISTERED), terms.decision_due(REGISTERED),
                    decision or {})


def test_the_terms_count_working_days_from_registration() -> None:
    head, reviewing = complaint("head"), complaint("reviewing")
    assert head.decision_due == date(2026, 12, 2)  # 5 working days
    assert reviewing.check_due == date(2026, 11, 30)  # forwarded within 3 working days
    assert reviewing.decision_due == date(2026, 12, 17)  # 15; 16.12 is Independence Day


@pytest.mark.parametrize(("addressee", "action", "allowed"), [
    ("head", "satisfy", True), ("head", "satisfy-partly", True),
    ("head", "reject-complaint", True), ("head", "forward", False),
    ("reviewing", "satisfy", True), ("reviewing", "satisfy-partly", False),
    ("reviewing", "reject-complaint", False), ("reviewing", "forward", True),
])
def test_who_decides_follows_the_addressee(addressee: str, action: str, allowed: bool) -> None:
    refused = COMPLAINT_SERVICE.refusal(action, complaint(addressee), REGISTERED, {})
    assert (refused is None) is allowed


def test_the_body_may_satisfy_a_complaint_to_the_reviewing_body_only_within_three_days() -> None:
    to_reviewing = complaint("reviewing")
    assert COMPLAINT_SERVICE.refusal("satisfy", to_reviewing, date(2026, 11, 30), {}) is None
    late = COMPLAINT_SERVICE.refusal("satisfy", to_reviewing, date(2026, 12, 1), {})
    assert late is not None and late.key == "staff-guard-complaint-forward-only"
    assert COMPLAINT_SERVICE.refusal("forward", to_reviewing, date(2026, 12, 1), {}) is None


def test_a_closed_complaint_allows_no_step_and_each_outcome_is_told() -> None:
    for status in ("satisfied", "partly_satisfied", "complaint_rejected", "forwarded"):
        assert COMPLAINT_SERVICE.actions_from(status) == []
    told = COMPLAINT_SERVICE.notice(complaint("reviewing", "forwarded",
                                              {"forwarded_on": "2026-11-27"}))
    assert told.parts[0].key == "notify-complaint-forwarded"
    assert told.parts[0].args["on"] == date(2026, 11, 27)
    assert COMPLAINT_SERVICE.notice(complaint("head")).parts[0].key == "notify-complaint-head"
    assert not COMPLAINT_SERVICE.in_menu and COMPLAINT_SERVICE.filed_paper is None
