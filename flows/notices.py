"""Notices both services send in the same words."""

from __future__ import annotations

from flows.documents import MARKS
from flows.messages import OutgoingMessage, Text
from flows.service import Snapshot


def incomplete(snapshot: Snapshot) -> OutgoingMessage:
    """The application was not accepted: the documents missing or expired (seed 004 p. 7,
    app. 3), and what else staff wrote."""
    decision = snapshot.decision
    missing = tuple(Text(f"notify-document-{mark}", {"document": Text(f"document-{code}")})
                    for mark in MARKS for code in decision.get(mark, ()))
    if decision.get("comment"):
        missing += (Text("value-plain", {"value": decision["comment"]}),)
    return OutgoingMessage((Text("notify-incomplete", {
        "number": snapshot.number, "service": Text(f"service-{snapshot.service}"),
        "missing": tuple(Text("notify-list-item", {"item": m}) for m in missing),
    }),))
