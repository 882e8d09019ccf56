"""An application's dates, one list for everyone who reads them.

The staff card lists them all, the morning digest and "My applications" show the next one,
and the card and the digest mark it the same way ("due today", "overdue"). The days are
counted by `flows/calendar.py` from the terms the service declares (`Terms`, edited in
`flows/data/service_terms.json`) and those of `flows/terms.py`:

- the completeness check, 1 working day after registration (seed 004 p. 7);
- a permission (the status "approved", 004 appendix 4) within the declared working days of
  the check (3, 004 p. 9 ¶1), never after the service's whole term (5, 004 p. 12);
- after a preliminary refusal, the final answer 1 working day after the hearing (p. 9 ¶4);
- a service that hears the child: the conversation within 4 working days of the check
  (seed 001 p. 5), then the decision, whose term the seeds do not give (shown "to be
  confirmed") and which never falls on or before the last conversation day.

What a status still has to meet is "pending"; the next date is the first pending one not yet
past, or the last pending one once all are past (then it is overdue).
"""

from __future__ import annotations

from datetime import date

from flows.calendar import next_working_day
from flows.messages import Text
from flows.service import ProcedureStep, Service, Snapshot
from flows.services import SERVICES
from flows.terms import (
    Term,
    checked_on,
    final_after_hearing_by,
    interview_term_end,
    preliminary_by,
)
from flows.terms import permission_by as terms_permission_by

PERMISSION = "approved"  # the status of a granted permission
PRELIMINARY_REFUSAL = "hearing_scheduled"  # the status a preliminary refusal leads to


def grants_permission(service: Service) -> bool:
    return any(step.to == PERMISSION for step in service.procedure)


def permission_by(snapshot: Snapshot) -> date:
    return terms_permission_by(snapshot, SERVICES[snapshot.service].terms.permission_days or 0)


def decision_by(snapshot: Snapshot) -> date:
    """The declared decision term; for a service that hears the child, never on or before
    the last day of the conversation (a late check moves that day on)."""
    if not SERVICES[snapshot.service].hears_the_child:
        return snapshot.decision_due
    return max(snapshot.decision_due, next_working_day(interview_term_end(snapshot)))


def terms(snapshot: Snapshot) -> tuple[Term, ...]:
    """Every date of the application, in order, each marked pending while its status has
    to meet it; a closed application keeps only the day its documents were checked."""
    service = SERVICES[snapshot.service]
    if service.dates is not None:  # a service with dates of its own (a complaint)
        return service.dates(snapshot)
    confirmed = not service.terms.to_be_confirmed
    status = snapshot.status
    checked = checked_on(snapshot)
    found: list[Term] = []
    if status == "submitted":
        found.append(Term("dates-check", snapshot.check_due, True, confirmed))
    elif checked is not None:
        found.append(Term("dates-checked", checked))
    if not service.actions_from(status):  # closed: nothing left to meet
        return tuple(found)
    if status == "hearing_scheduled":
        hearing_day = date.fromisoformat(snapshot.decision["hearing"]["date"])
        found.append(Term("dates-final", final_after_hearing_by(hearing_day), True))
    else:
        reviewing = status == "under_review"
        if service.hears_the_child:
            found.append(Term("dates-conversation", interview_term_end(snapshot), reviewing))
        if grants_permission(service):
            found.append(Term("dates-permission", permission_by(snapshot), reviewing))
        else:
            found.append(Term("dates-decision", decision_by(snapshot), reviewing, confirmed))
    if grants_permission(service):
        found.append(Term("dates-term-end", snapshot.decision_due))
    return tuple(found)


def next_term(snapshot: Snapshot, today: date) -> Term | None:
    """The date the application waits for next: the one the card marks, the digest lists
    when it is due or past, and "My applications" shows."""
    pending = [term for term in terms(snapshot) if term.pending]
    if not pending:
        return None
    return next((term for term in pending if term.day >= today), pending[-1])


def _preliminary_step(service: Service) -> ProcedureStep | None:
    return next((step for step in service.procedure if step.to == PRELIMINARY_REFUSAL), None)


def _statuses_before(service: Service, step: ProcedureStep) -> set[str]:
    """The statuses from which the procedure can still reach `step`."""
    found = set(step.from_)
    grew = True
    while grew:
        more = {status for earlier in service.procedure if earlier.to in found
                for status in earlier.from_}
        grew = not more <= found
        found |= more
    return found


def preliminary(snapshot: Snapshot, today: date) -> Text | None:
    """The last day for a preliminary refusal while one may still come, or once it is past,
    why it cannot (its last day and the term's end), as the step's own guard says it."""
    service = SERVICES[snapshot.service]
    step = _preliminary_step(service)
    if step is None or snapshot.status not in _statuses_before(service, step):
        return None
    reason = service.refusal(step.action, snapshot, today, {})
    if reason is not None:
        return reason
    last = preliminary_by(snapshot)
    line = Text("dates-preliminary", {"date": last})
    return Text("dates-last-day-today", {"term": line}) if last == today else line
