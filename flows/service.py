"""What a public service is: its names, its form and its procedure, declared in one object.

Each service lives in its own file (`flows/visit.py`, `flows/interview.py`) and declares a
`Service`; the menu, the staff card, numbering and the storage that applies a staff action
read it, so nothing outside a service's file asks which service it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flows.calendar import add_working_days
from flows.messages import OutgoingMessage, Text
from flows.steps import Flow


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


# A term the law sets on a step: None when the step may be taken today with these details
# (none yet when staff only press its button), else why not, for staff.
Guard = Callable[[Snapshot, date, Mapping[str, Any]], Text | None]


@dataclass(frozen=True)
class ProcedureStep:
    """One legal step staff take: allowed from these statuses, leading to that one, within
    the terms its guards check."""

    action: str
    from_: tuple[str, ...]
    to: str
    guards: tuple[Guard, ...] = ()


Notice = Callable[[Snapshot], OutgoingMessage]


def never(_snapshot: Snapshot) -> datetime | None:
    return None


def no_extras(_snapshot: Snapshot) -> tuple[str, ...]:
    return ()


def no_warnings(_snapshot: Snapshot, _today: date) -> tuple[Text, ...]:
    return ()


@dataclass(frozen=True)
class Terms:
    """A service's terms in working days from registration, as data a department edits."""

    check_days: int
    decision_days: int
    to_be_confirmed: bool  # the seeds do not give it: shown, but not yet law
    source: str

    def check_due(self, registered: date) -> date:
        return add_working_days(registered, self.check_days)

    def decision_due(self, registered: date) -> date:
        return add_working_days(registered, self.decision_days)


@dataclass(frozen=True)
class Service:
    code: str  # the application's service code, stored with it
    prefix: str  # of its numbers, one people can dictate over the phone: ВП-2026-00042
    menu_label: str  # Fluent id of its menu button
    names: Mapping[str, str]  # the official full name by language, from the seeds
    form: Flow
    terms: Terms
    procedure: tuple[ProcedureStep, ...]
    notice: Notice  # what the citizen is told when the application reaches its status
    # A notice whose point is a deadline is dropped once it has passed (see the outbox).
    notice_expires: Callable[[Snapshot], datetime | None] = never
    # Card buttons that are not status changes (the conversation with the child).
    card_extras: Callable[[Snapshot], tuple[str, ...]] = no_extras
    # What the morning digest warns staff of before a term runs out, besides what is due.
    digest_warnings: Callable[[Snapshot, date], tuple[Text, ...]] = no_warnings
    hears_the_child: bool = False  # service 2: a conversation with the child is booked

    def __post_init__(self) -> None:
        if self.form.service != self.code:
            raise ValueError(f"{self.code}: its form is declared for {self.form.service}")
        actions = [step.action for step in self.procedure]
        if len(set(actions)) != len(actions):
            raise ValueError(f"{self.code}: an action is declared twice")

    def step(self, action: str) -> ProcedureStep | None:
        return next((step for step in self.procedure if step.action == action), None)

    def allows(self, action: str, status: str) -> bool:
        step = self.step(action)
        return step is not None and status in step.from_

    def refusal(self, action: str, snapshot: Snapshot, today: date,
                details: Mapping[str, Any]) -> Text | None:
        """Why this step may not be taken today, by the terms; None when it may."""
        step = self.step(action)
        reasons = (guard(snapshot, today, details) for guard in step.guards) if step else ()
        return next((reason for reason in reasons if reason is not None), None)

    def actions_from(self, status: str) -> list[str]:
        return [step.action for step in self.procedure if status in step.from_]


TERMS_PATH = Path(__file__).parent / "data" / "service_terms.json"


def load_terms(code: str, path: Path = TERMS_PATH) -> Terms:
    entry = json.loads(path.read_text(encoding="utf-8"))[code]
    terms = Terms(int(entry["check_days"]), int(entry["decision_days"]),
                  bool(entry["to_be_confirmed"]), str(entry["source"]))
    if not 0 < terms.check_days <= terms.decision_days:
        raise ValueError(f"{code}: the check must come first, within the decision term")
    return terms
