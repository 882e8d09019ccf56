"""An application after submission, as its service declares it (`flows/service.py`):
which staff action is allowed from which status, the card staff see, what the citizen is
told. Pure: storage and transports use it, and never ask which service it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime

from flows.common import identity_signals
from flows.dates import next_term, preliminary
from flows.dates import terms as dated_terms
from flows.interview import unbooked
from flows.menu import complaint, next_steps, status_id
from flows.messages import Choice, OutgoingMessage, Text
from flows.payloads import CardAction, Tap
from flows.service import Snapshot
from flows.services import SERVICES

__all__ = ["Snapshot"]  # where the staff side has always found it

def allowed(action: str, status: str, service: str) -> bool:
    return SERVICES[service].allows(action, status)


def notice_expires(snapshot: Snapshot) -> datetime | None:
    """A notice whose point is a deadline (book the conversation by..., the hearing is on...)
    is pointless once that day is over: late, it is dropped and staff see it in the digest."""
    return SERVICES[snapshot.service].notice_expires(snapshot)


def citizen_notice(snapshot: Snapshot) -> OutgoingMessage:
    """What the citizen is told when the application reaches its current status."""
    return SERVICES[snapshot.service].notice(snapshot)


def notice_to_act(snapshot: Snapshot, seq: int) -> OutgoingMessage:
    """The citizen's notice with the buttons that do what it asks: the same "My
    applications" shows under the application (`flows/menu.py: next_steps`): choose the
    conversation's time, object to a preliminary refusal, apply again with the documents;
    and Complain where the service lets its decision be appealed (`complaint_after`). They
    are bound to `seq`, the person's conversation turn, so a tap reads as a tap on the
    bot's latest message."""
    service, ref = SERVICES[snapshot.service], str(snapshot.id)
    booked = False if service.hears_the_child and unbooked(snapshot) else None
    rows = next_steps(ref, snapshot.service, snapshot.status, booked)
    if snapshot.status in service.complaint_after:
        rows += complaint(ref, snapshot.service)
    notice = citizen_notice(snapshot)
    return with_buttons(notice, rows, seq)


def with_buttons(notice: OutgoingMessage, rows: list[list[Choice]],
                 seq: int) -> OutgoingMessage:
    """A notice with buttons under it, bound to `seq`, the person's conversation turn, so a
    tap reads as a tap on the bot's latest message."""
    bound = tuple(tuple(replace(choice, payload=Tap.bind(seq, choice.payload)) for choice in row)
                  for row in rows)
    return replace(notice, choices=(*notice.choices, *bound))


REISSUE = "reissue"
OPEN = ("submitted", "under_review", "hearing_scheduled")


def next_date(snapshot: Snapshot, today: date) -> date | None:
    """The application's next legal date, the one the card marks, the digest lists when due
    and "My applications" shows: the completeness check; then the permission (3 working days
    after the check) or, for a service that hears the child, the last conversation day and
    then the decision; after a hearing, the final answer (`flows/dates.py`)."""
    term = next_term(snapshot, today)
    return term.day if term is not None else None


def due_by(dated: Iterable[tuple[Snapshot, date | None]],
           today: date) -> list[tuple[Snapshot, date]]:
    """Of the applications with their next dates, those due today or past: the digest's and
    the console's "Today"."""
    return [(snapshot, day) for snapshot, day in dated if day is not None and day <= today]


def card(snapshot: Snapshot, today: date) -> OutgoingMessage:
    """The application's card in the citizen's staff topic: all fields, its dates with the
    next one marked as the digest marks it, and the next actions. An action a term no
    longer allows loses its button, and the card says why (the preliminary refusal once its
    last day has passed)."""
    service = SERVICES[snapshot.service]
    coming = next_term(snapshot, today)
    lines = [term.marked(today) if term == coming else term.line()
             for term in dated_terms(snapshot)]
    reasons = {action: reason for action in service.actions_from(snapshot.status)
               if (reason := service.refusal(action, snapshot, today, {})) is not None}
    last_for_refusal = preliminary(snapshot, today)
    if last_for_refusal is not None and last_for_refusal not in reasons.values():
        lines.append(last_for_refusal)
    parts = [
        Text("staff-card-title", {"number": snapshot.number,
                                  "status": Text(status_id(snapshot.status,
                                                          snapshot.service))}),
        Text("staff-card-dates", {"registered": snapshot.registered_on,
                                  "terms": tuple(lines)}),
        *reasons.values(),
    ]
    hearing = snapshot.decision.get("hearing")
    if hearing:
        parts.append(Text("staff-card-hearing", {
            "date": date.fromisoformat(hearing["date"]), "time": hearing["time"],
            "place": hearing["place"],
        }))
    parts.extend(service.form.summary_lines(snapshot.answers))
    parts.extend(identity_signals(snapshot.answers))  # what the bot has and has not checked
    if snapshot.same_iin:
        parts.append(Text("identity-same-iin", {"numbers": ", ".join(snapshot.same_iin)}))
    actions = [*(action for action in service.actions_from(snapshot.status)
                 if action not in reasons),
               REISSUE]  # the latest paper again, a new version (the old one reads replaced)
    # The service's own buttons first (the conversation with each child), then its steps.
    rows = tuple((extra,) for extra in service.card_extras(snapshot)) + tuple(
        (Choice(Text(f"staff-action-{action}"), CardAction(snapshot.id, action).pack()),)
        for action in actions
    )
    return OutgoingMessage(tuple(parts), rows)
