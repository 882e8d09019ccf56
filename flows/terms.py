"""The terms of the procedure (seed 004 p. 7-14; seed 001 p. 5), counted in Kazakhstan
working days by `flows.calendar`: what the card, the notices and the digest show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flows.calendar import add_working_days, subtract_working_days
from flows.messages import Text
from flows.service import Snapshot
from flows.slots import term_end

PRELIMINARY_NOTICE_DAYS = 3  # the preliminary refusal goes out 3 working days before the term
AFTER_HEARING_DAYS = 1  # the final answer within 1 working day of the hearing
COMPLAINT_HEAD_DAYS = 5  # a complaint decided by the body (seed 004 p. 13)
COMPLAINT_REVIEW_DAYS = 15  # by the body that assesses the quality of public services
COMPLAINT_FORWARD_DAYS = 3  # the body forwards a complaint to the reviewing body


def interview_term_end(snapshot: Snapshot) -> date:
    """The last day of the conversation: 4 working days after the documents were checked."""
    checked = date.fromisoformat(snapshot.decision.get("accepted_on", snapshot.check_due
                                                       .isoformat()))
    return term_end(checked)


def preliminary_by(snapshot: Snapshot) -> date:
    return subtract_working_days(snapshot.decision_due, PRELIMINARY_NOTICE_DAYS)


def final_after_hearing_by(hearing_day: date) -> date:
    return add_working_days(hearing_day, AFTER_HEARING_DAYS)


def checked_on(snapshot: Snapshot) -> date | None:
    """The day staff accepted the documents as complete (None before that)."""
    accepted = snapshot.decision.get("accepted_on")
    return date.fromisoformat(accepted) if accepted else None


def permission_by(snapshot: Snapshot, after_check_days: int) -> date:
    """A permission within so many working days of the check (or of its due day, before
    it), never after the service's whole term (seed 004 p. 9 ¶1, p. 12)."""
    checked = checked_on(snapshot) or snapshot.check_due
    return min(add_working_days(checked, after_check_days), snapshot.decision_due)


@dataclass(frozen=True)
class Term:
    """One dated line: `what` is its Fluent id (which takes `date`), `day` its last day."""

    what: str
    day: date
    pending: bool = False  # the application's status still has to meet it
    confirmed: bool = True  # False: the seeds give no such term; shown "to be confirmed"

    def line(self) -> Text:
        text = Text(self.what, {"date": self.day})
        return text if self.confirmed else Text("dates-to-be-confirmed", {"term": text})

    def marked(self, today: date) -> Text:
        """The line, marked due today or overdue (the card and the digest both use it)."""
        if self.day == today:
            return Text("dates-due-today", {"term": self.line()})
        if self.day < today:
            return Text("dates-overdue", {"term": self.line()})
        return self.line()
