"""The legal procedure of an application after submission (seed 004 p. 7-14), as data.

Which staff action is allowed from which status, the dates the seed sets, the card staff
see, and what the citizen is told at each step. Pure: storage and transports use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flows.calendar import add_working_days, end_of_day, subtract_working_days
from flows.common import full_name
from flows.menu import status_id
from flows.messages import Choice, OutgoingMessage, Text
from flows.payloads import CardAction
from flows.services import FLOWS
from flows.slots import term_end

Transitions = Mapping[str, tuple[tuple[str, ...], str]]

# action -> (statuses it is allowed from, the status it leads to)
TRANSITIONS: Transitions = {
    "accept": (("submitted",), "under_review"),
    "incomplete": (("submitted",), "rejected_incomplete"),
    "hearing": (("under_review",), "hearing_scheduled"),
    "approve": (("under_review", "hearing_scheduled"), "approved"),
    "refuse": (("hearing_scheduled",), "refused"),
}
# The child-opinion decision: documents checked, the conversation held, the decision issued.
INTERVIEW_TRANSITIONS: Transitions = {
    "accept": (("submitted",), "under_review"),
    "incomplete": (("submitted",), "rejected_incomplete"),
    "decide": (("under_review",), "approved"),
}


def transitions(service: str) -> Transitions:
    return INTERVIEW_TRANSITIONS if service == "interview" else TRANSITIONS

# The documents of the visit-permission service a receipt (appendix 3) may list as missing.
REQUIRED_DOCUMENTS = ("application", "identity", "court-decision")

PRELIMINARY_NOTICE_DAYS = 3  # the preliminary refusal goes out 3 working days before the term
AFTER_HEARING_DAYS = 1  # the final answer within 1 working day of the hearing
COMPLAINT_HEAD_DAYS = 5
COMPLAINT_REVIEW_DAYS = 15


def allowed(action: str, status: str, service: str = "visit") -> bool:
    rules = transitions(service)
    return action in rules and status in rules[action][0]


def actions_from(status: str, service: str = "visit") -> list[str]:
    return [action for action, (sources, _t) in transitions(service).items()
            if status in sources]


@dataclass(frozen=True)
class Snapshot:
    """What the procedure needs to know of an application."""

    id: int
    number: str
    service: str
    status: str
    answers: Mapping[str, Any]
    registered_on: date
    check_due: date
    decision_due: date
    decision: Mapping[str, Any] = field(default_factory=dict)


def interview_term_end(snapshot: Snapshot) -> date:
    """The last day of the conversation: 4 working days after the documents were checked."""
    checked = date.fromisoformat(snapshot.decision.get("accepted_on", snapshot.check_due
                                                       .isoformat()))
    return term_end(checked)


def preliminary_by(snapshot: Snapshot) -> date:
    return subtract_working_days(snapshot.decision_due, PRELIMINARY_NOTICE_DAYS)


def final_after_hearing_by(hearing_day: date) -> date:
    return add_working_days(hearing_day, AFTER_HEARING_DAYS)


def notice_expires(snapshot: Snapshot) -> datetime | None:
    """A notice whose point is a deadline (book the conversation by..., the hearing is on...)
    is pointless once that day is over: late, it is dropped and staff see it in the digest."""
    if snapshot.status == "under_review" and snapshot.service == "interview":
        return end_of_day(interview_term_end(snapshot))
    if snapshot.status == "hearing_scheduled":
        return end_of_day(date.fromisoformat(snapshot.decision["hearing"]["date"]))
    return None


def card(snapshot: Snapshot) -> OutgoingMessage:
    """The application's card in the citizen's staff topic: all fields, dates, next actions."""
    parts = [
        Text("staff-card-title", {"number": snapshot.number,
                                  "status": Text(status_id(snapshot.status))}),
        Text("staff-card-dates", {
            "registered": snapshot.registered_on,
            "check": snapshot.check_due,
            "decision": snapshot.decision_due,
            "preliminary": preliminary_by(snapshot),
        }),
    ]
    hearing = snapshot.decision.get("hearing")
    if hearing:
        parts.append(Text("staff-card-hearing", {
            "date": date.fromisoformat(hearing["date"]), "time": hearing["time"],
            "place": hearing["place"],
            "final": final_after_hearing_by(date.fromisoformat(hearing["date"])),
        }))
    flow = FLOWS[snapshot.service]
    for number, section in enumerate(flow.shown_sections(snapshot.answers), start=1):
        shown = section.show(snapshot.answers)
        parts.append(Text("summary-line", {"n": number, "label": Text(section.label),
                                           "value": shown}))
    actions = actions_from(snapshot.status, snapshot.service)
    if snapshot.service == "interview" and snapshot.status == "under_review":
        actions.insert(0, "session")  # the conversation with the child, at the booked time
    rows = tuple(
        (Choice(Text(f"staff-action-{action}"), CardAction(snapshot.id, action).pack()),)
        for action in actions
    )
    return OutgoingMessage(tuple(parts), rows)


def _children(answers: Mapping[str, Any]) -> tuple[Text, ...]:
    return tuple(
        Text("summary-child", {"name": full_name(child),
                               "birth": date.fromisoformat(child["birth_date"])})
        for child in answers.get("children", [])
    )


def citizen_notice(snapshot: Snapshot) -> OutgoingMessage:
    """What the citizen is told when the application reaches its current status."""
    number, decision, answers = snapshot.number, snapshot.decision, snapshot.answers
    status = snapshot.status
    if status == "under_review" and snapshot.service == "interview":
        return OutgoingMessage((Text("notify-interview-accepted", {
            "number": number, "term": interview_term_end(snapshot)}),))
    if status == "approved" and snapshot.service == "interview":
        return OutgoingMessage((Text("notify-interview-decision", {
            "number": number, "body": Text(f"body-{answers['body']}"),
            "child": full_name(answers, "child_"), "decision": decision.get("text", "")}),))
    if status == "under_review":
        text = Text("notify-under-review", {"number": number, "decision": snapshot.decision_due})
        return OutgoingMessage((text,))
    if status == "rejected_incomplete":
        missing = tuple(Text(f"document-{code}") for code in decision.get("missing", ()))
        if decision.get("comment"):
            missing += (Text("value-plain", {"value": decision["comment"]}),)
        return OutgoingMessage((Text("notify-incomplete", {
            "number": number, "service": Text(f"service-{snapshot.service}"),
            "missing": tuple(Text("notify-list-item", {"item": m}) for m in missing),
        }),))
    if status == "hearing_scheduled":
        hearing = decision["hearing"]
        day = date.fromisoformat(hearing["date"])
        return OutgoingMessage((Text("notify-hearing", {
            "number": number, "grounds": hearing["grounds"], "date": day,
            "time": hearing["time"], "place": hearing["place"],
            "final": final_after_hearing_by(day),
        }),))
    if status == "approved":
        period = decision["period"]
        return OutgoingMessage((Text("notify-approved", {
            "number": number,
            "body": Text(f"body-{answers['body']}"),
            "from": date.fromisoformat(period["from"]),
            "to": date.fromisoformat(period["to"]),
            "children": _children(answers),
            "residence": Text(f"residence-{answers.get('residence')}"),
        }),))
    if status == "refused":
        return OutgoingMessage((Text("notify-refused", {
            "number": number, "reasons": decision["reasons"],
            "head_days": COMPLAINT_HEAD_DAYS, "review_days": COMPLAINT_REVIEW_DAYS,
        }),))
    raise ValueError(f"no notice for status {status!r}")
