"""An application after submission, as its service declares it (`flows/service.py`):
which staff action is allowed from which status, the card staff see, what the citizen is
told. Pure: storage and transports use it, and never ask which service it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from flows.menu import status_id
from flows.messages import Choice, OutgoingMessage, Text
from flows.payloads import CardAction
from flows.service import Snapshot
from flows.services import SERVICES
from flows.terms import final_after_hearing_by, preliminary_by

__all__ = ["Snapshot"]  # where the staff side has always found it

# The documents of the visit-permission service a receipt (appendix 3) may list as missing.
REQUIRED_DOCUMENTS = ("application", "identity", "court-decision")


def transitions(service: str) -> Mapping[str, tuple[tuple[str, ...], str]]:
    """action -> (statuses it is allowed from, the status it leads to)."""
    return {step.action: (step.from_, step.to) for step in SERVICES[service].procedure}


def allowed(action: str, status: str, service: str) -> bool:
    return SERVICES[service].allows(action, status)


def actions_from(status: str, service: str) -> list[str]:
    return SERVICES[service].actions_from(status)


def notice_expires(snapshot: Snapshot) -> datetime | None:
    """A notice whose point is a deadline (book the conversation by..., the hearing is on...)
    is pointless once that day is over: late, it is dropped and staff see it in the digest."""
    return SERVICES[snapshot.service].notice_expires(snapshot)


def citizen_notice(snapshot: Snapshot) -> OutgoingMessage:
    """What the citizen is told when the application reaches its current status."""
    return SERVICES[snapshot.service].notice(snapshot)


OPEN = ("submitted", "under_review", "hearing_scheduled")


def next_date(snapshot: Snapshot) -> date | None:
    """The application's next legal date, the one the digest and "My applications" show:
    the completeness check, then the decision, or after a hearing the final answer."""
    if snapshot.status == "submitted":
        return snapshot.check_due
    if snapshot.status == "hearing_scheduled":
        return final_after_hearing_by(date.fromisoformat(snapshot.decision["hearing"]["date"]))
    return snapshot.decision_due if snapshot.status in OPEN else None


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
    service = SERVICES[snapshot.service]
    flow = service.form
    for number, section in enumerate(flow.shown_sections(snapshot.answers), start=1):
        shown = section.show(snapshot.answers)
        parts.append(Text("summary-line", {"n": number, "label": Text(section.label),
                                           "value": shown}))
    actions = [*service.card_extras(snapshot), *service.actions_from(snapshot.status)]
    rows = tuple(
        (Choice(Text(f"staff-action-{action}"), CardAction(snapshot.id, action).pack()),)
        for action in actions
    )
    return OutgoingMessage(tuple(parts), rows)
