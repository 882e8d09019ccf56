"""The main menu and the screens reached from it: contacts, "My applications"."""

from __future__ import annotations

from collections.abc import Sequence

from flows.interview import slot_text
from flows.messages import Arg, Text
from flows.payloads import (
    Book,
    Contacts,
    Menu,
    MyApplications,
    OpenApplication,
    Specialist,
    StartFlow,
    StartObjection,
    Unbook,
)
from flows.ports import ApplicationView, SlotOffer
from flows.services import SERVICES
from flows.turn import Turn, button


def greet(turn: Turn) -> None:
    turn.say(Text("start-greeting"))


def show(turn: Turn) -> None:
    rows = [[button(service.menu_label, StartFlow(service.form.id))]
            for service in SERVICES.values()]
    rows += [
        [button("menu-my-applications", MyApplications())],
        [button("menu-specialist", Specialist())],
        [button("menu-contacts", Contacts())],
    ]
    turn.say(Text("menu-title"), choices=rows)


def show_contacts(turn: Turn) -> None:
    turn.say(Text("contacts-text"))
    show(turn)


def show_applications(turn: Turn, views: Sequence[ApplicationView]) -> None:
    if not views:
        turn.say(Text("apps-empty"))
        show(turn)
        return
    lines = tuple(_line(view) for view in views)
    rows = [[button("apps-open", OpenApplication(view.ref), number=view.number)]
            for view in views]
    rows.append([button("nav-menu", Menu())])
    turn.say(Text("apps-title"), *lines, choices=rows)


def show_application(turn: Turn, view: ApplicationView | None,
                     offer: SlotOffer | None = None) -> None:
    if view is None:
        turn.say(Text("apps-not-found"))
        show(turn)
        return
    history = tuple(
        Text("apps-history-line", {"at": entry.at, "status": Text(status_id(entry.status))})
        for entry in view.history
    )
    rows = [[button("apps-back", MyApplications())], [button("nav-menu", Menu())]]
    if view.status == "hearing_scheduled":  # the citizen may object to a preliminary refusal
        rows.insert(0, [button("apps-send-objection", StartObjection(view.ref))])
    parts = [_line(view), Text("apps-history-title"), *history]
    if offer is not None:  # the child's opinion: the conversation's time
        if offer.booked is not None:
            parts.append(Text("booking-current", {"slot": slot_text(offer.booked, offer.zone)}))
            rows[:0] = [[button("booking-change", Book(view.ref))],
                        [button("booking-cancel", Unbook(view.ref))]]
        else:
            rows.insert(0, [button("booking-choose", Book(view.ref))])
    turn.say(*parts, choices=rows)


def _line(view: ApplicationView) -> Text:
    args: dict[str, Arg] = {
        "number": view.number,
        "service": Text(f"service-{view.service}"),
        "status": Text(status_id(view.status)),
        "date": view.submitted_at,
    }
    if view.next_deadline is None:
        return Text("apps-line", args)
    return Text("apps-line-deadline", {**args, "deadline": view.next_deadline})


def status_id(status: str) -> str:
    """Message id of a status: `under_review` -> `status-under-review` (ids are kebab-case)."""
    return "status-" + status.replace("_", "-")
