"""The main menu and the screens reached from it: contacts, "My applications"."""

from __future__ import annotations

from collections.abc import Sequence

from flows.dates import PRELIMINARY_REFUSAL
from flows.interview import slot_text
from flows.messages import Arg, Choice, Text
from flows.payloads import (
    Book,
    Contacts,
    HowChildJoins,
    Menu,
    MyApplications,
    OpenApplication,
    OtherServices,
    ShowFiled,
    ShowPapers,
    Specialist,
    StartComplaint,
    StartFlow,
    StartObjection,
    Unbook,
)
from flows.ports import ApplicationView, Filed, SlotOffer
from flows.services import SERVICES
from flows.turn import Turn, button


def greet(turn: Turn) -> None:
    turn.say(Text("start-greeting"))


def show(turn: Turn) -> None:
    rows = [[button(service.menu_label, StartFlow(service.form.id))]
            for service in SERVICES.values() if service.in_menu]
    rows += [
        [button("menu-my-applications", MyApplications())],
        [button("menu-other-services", OtherServices())],
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
                     offer: SlotOffer | None = None, papers: bool = False) -> None:
    if view is None:
        turn.say(Text("apps-not-found"))
        show(turn)
        return
    history = tuple(
        Text("apps-history-line", {"at": entry.at,
                                   "status": Text(status_id(entry.status, view.service))})
        for entry in view.history
    )
    parts = [_line(view), Text("apps-history-title"), *history]
    if view.erased:  # nothing left to show or to complain with: the person's data are gone
        turn.say(*parts, Text("apps-erased"), choices=[
            [button("apps-back", MyApplications())], [button("nav-menu", Menu())]])
        return
    if offer is not None and offer.booked is not None:  # the conversation's time
        parts.append(Text("booking-current", {"slot": slot_text(offer.booked, offer.zone)}))
    booked = None if offer is None else offer.booked is not None
    rows = next_steps(view.ref, view.service, view.status, booked)
    if offer is not None:
        rows += child_ways(offer)
    if papers:  # a copy of one's own application, and every document issued on it
        rows += [[button("apps-filed", ShowFiled(view.ref))],
                 [button("apps-papers", ShowPapers(view.ref))]]
    rows += complaint(view.ref, view.service)
    rows += [[button("apps-back", MyApplications())], [button("nav-menu", Menu())]]
    turn.say(*parts, choices=rows)


# Refused to accept (004 p. 7): the citizen may apply again with every document.
NOT_ACCEPTED = "rejected_incomplete"


def next_steps(ref: str, service: str, status: str,
               booked: bool | None = None) -> list[list[Choice]]:
    """What the application now waits for from the citizen, a button each: "My
    applications" shows them under the application, and the notice that asks for it
    carries the same ones (`flows/procedure.py: notice_to_act`). `booked` is the
    conversation with the child: None when there is none to book now, else whether its
    time is booked (then it may be changed or cancelled)."""
    rows: list[list[Choice]] = []
    if booked is False:
        rows.append([button("booking-choose", Book(ref))])
    elif booked:
        rows += [[button("booking-change", Book(ref))], [button("booking-cancel", Unbook(ref))]]
    if status == PRELIMINARY_REFUSAL:  # an objection before the hearing (004 p. 9)
        rows.append([button("apps-send-objection", StartObjection(ref))])
    if status == NOT_ACCEPTED:  # a new application, this time with the documents
        rows.append([button("apps-apply-again", StartFlow(SERVICES[service].form.id))])
    return rows


def child_ways(offer: SlotOffer) -> list[list[Choice]]:
    """A child abroad with a booked time: how they join the conversation, to switch it (by
    e-mail or by messenger); with siblings, a button for each child booked."""
    if offer.zone is None:
        return []
    if not offer.siblings:
        return [[child_way_button(offer.ref, offer.child)]] if offer.booked is not None else []
    return [[child_way_button(offer.ref, kid.child, kid.name)] for kid in offer.children
            if kid.booked is not None]


def child_way_button(ref: str, child: int = 0, name: str = "") -> Choice:
    """"How the child joins": the child's channel, and a switch to another (issue 16). A
    notice carries it too (the mail to the child bounced), bound to the parent's seq by
    `flows.procedure.with_buttons`; `name`, the child's, for an application of siblings."""
    if name:
        return button("booking-child-way-child", HowChildJoins(ref, child), child=name)
    return button("booking-child-way", HowChildJoins(ref, child))


def complaint(ref: str, service: str) -> list[list[Choice]]:
    """The button to complain about the application (seed 004 p. 13); none about a
    complaint."""
    if SERVICES[service].complains_about_application:
        return []
    return [[button("apps-complain", StartComplaint(ref))]]


def show_filed(turn: Turn, ref: str, filed: Filed, lines: tuple[Text, ...]) -> None:
    """The answers as filed, and the application's PDF (the first paper) with them."""
    if filed.erased:
        return _erased(turn, ref)
    first = filed.papers[0] if filed.papers else None
    turn.say(Text("apps-filed-title", {"number": filed.number}), *lines, attachment=first,
             choices=[[button("apps-back", OpenApplication(ref))]])


def show_papers(turn: Turn, ref: str, filed: Filed) -> None:
    """Every paper issued so far, one file each, then the way back."""
    if filed.erased:
        return _erased(turn, ref)
    back = [[button("apps-back", OpenApplication(ref))]]
    if not filed.papers:
        turn.say(Text("apps-papers-none", {"number": filed.number}), choices=back)
        return
    for paper in filed.papers:
        turn.say(Text("value-plain", {"value": paper.filename}), attachment=paper)
    turn.say(Text("apps-papers-sent", {"number": filed.number, "count": len(filed.papers)}),
             choices=back)


def _erased(turn: Turn, ref: str) -> None:
    """An old button to a copy or the papers of an application since anonymised."""
    turn.say(Text("apps-erased"), choices=[[button("apps-back", OpenApplication(ref))]])


def _line(view: ApplicationView) -> Text:
    args: dict[str, Arg] = {
        "number": view.number,
        "service": Text(f"service-{view.service}"),
        "status": Text(status_id(view.status, view.service)),
        "date": view.submitted_at,
    }
    if view.next_deadline is None:
        return Text("apps-line", args)
    return Text("apps-line-deadline", {**args, "deadline": view.next_deadline})


def status_id(status: str, service: str = "") -> str:
    """Message id of a status: `under_review` -> `status-under-review` (ids are kebab-case),
    unless the service words it its own way."""
    own = SERVICES[service].status_words.get(status) if service in SERVICES else None
    return own or "status-" + status.replace("_", "-")
