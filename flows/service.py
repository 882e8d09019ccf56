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
from typing import TYPE_CHECKING, Any, ClassVar

from flows.calendar import add_working_days
from flows.messages import Choice, OutgoingMessage, Text
from flows.steps import Flow

if TYPE_CHECKING:
    from flows.documents import Document
    from flows.terms import Term


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
    # Staff's card only: the other applications made under the same IIN.
    same_iin: tuple[str, ...] = ()


# A term the law sets on a step: None when the step may be taken today with these details
# (none yet when staff only press its button), else why not, for staff.
Guard = Callable[[Snapshot, date, Mapping[str, Any]], Text | None]


@dataclass(frozen=True)
class Entry:
    """One line of a checklist: a document, a ground; the marks staff may give it."""

    code: str
    label: Text
    marks: tuple[str, ...]


@dataclass(frozen=True)
class Checklist:
    """Staff tick lines of a list (missing or expired documents, refusal grounds). A tap
    moves a line to its next mark and back to none; each mark is recorded as the list of
    the codes that carry it (`{"missing": ["court-decision"]}`). The ticks travel in the
    buttons as one number, a digit per line in base 1 + len(marks)."""

    prompt: str  # Fluent id, with $number
    marks: tuple[str, ...]  # every mark a line may take, in the order taps cycle through
    entries: Callable[[Snapshot], tuple[Entry, ...]]
    required: bool = True  # "done" needs a tick (a note that follows may stand instead)

    MAX_STATE: ClassVar[int] = 10**9  # the state's room in a button (flows.payloads)

    @property
    def base(self) -> int:
        return len(self.marks) + 1

    def lines(self, snapshot: Snapshot) -> tuple[Entry, ...]:
        entries = self.entries(snapshot)
        if self.base ** len(entries) > self.MAX_STATE:
            raise ValueError(f"{self.prompt}: too many lines to travel in a button")
        return entries

    def mark_of(self, entries: tuple[Entry, ...], state: int, line: int) -> str | None:
        """The mark of a line in a state; a digit no line may carry (forged) reads as none."""
        digit = state // self.base ** line % self.base
        mark = self.marks[digit - 1] if digit else None
        return mark if mark in entries[line].marks else None

    def tap(self, entries: tuple[Entry, ...], state: int, line: int) -> int:
        """The state after a tap on a line: its next mark, or none after the last."""
        cycle = (None, *entries[line].marks)
        now = self.mark_of(entries, state, line)
        after = cycle[(cycle.index(now) + 1) % len(cycle)]
        digit = self.marks.index(after) + 1 if after else 0
        weight = self.base ** line
        return state - (state // weight % self.base) * weight + digit * weight

    def ticked(self, snapshot: Snapshot, state: int) -> dict[str, list[str]]:
        entries = self.lines(snapshot)
        return {mark: [e.code for line, e in enumerate(entries)
                       if self.mark_of(entries, state, line) == mark]
                for mark in self.marks}


@dataclass(frozen=True)
class Offer:
    """A ready answer staff take with one tap instead of typing (the period asked for)."""

    question: Text
    label: Text
    value: Any


@dataclass(frozen=True)
class Typed:
    """Details staff type in reply to the bot's question; `parse` reads them strictly and
    raises `Invalid` with the staff's error."""

    key: str  # recorded as details[key]
    prompt: str  # Fluent id, with $number
    parse: Callable[[str, date], Any]
    optional: bool = False  # the step may be confirmed without it (a comment)
    offer: Callable[[Snapshot], Offer] | None = None
    other: str = "staff-offer-other"  # the button that asks to type instead of the offer


StaffInput = Checklist | Typed


@dataclass(frozen=True)
class ProcedureStep:
    """One legal step staff take: allowed from these statuses, leading to that one, within
    the terms its guards check, with the details staff enter for it, in order."""

    action: str
    from_: tuple[str, ...]
    to: str
    guards: tuple[Guard, ...] = ()
    inputs: tuple[StaffInput, ...] = ()
    records_day: str | None = None  # a details key that keeps the day the step was taken
    document: str | None = None  # the legal document the step issues (its form, appendix)

    @property
    def second(self) -> Typed | None:
        """The typed input after the first one, if any: asked next, or (optional) on request."""
        later = self.inputs[1:2]
        return later[0] if later and isinstance(later[0], Typed) else None

    def __post_init__(self) -> None:
        # What a button carries is the first input's state only; later ones come by reply.
        for later in self.inputs[1:]:
            if isinstance(later, Checklist) or later.offer is not None:
                raise ValueError(f"{self.action}: a checklist or an offer must come first")


Notice = Callable[[Snapshot], OutgoingMessage]


def never(_snapshot: Snapshot) -> datetime | None:
    return None


def no_extras(_snapshot: Snapshot) -> tuple[Choice, ...]:
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
    permission_days: int | None = None  # a permission's term from the check, within the whole

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
    # Card buttons that are not status changes (the conversation with each child).
    card_extras: Callable[[Snapshot], tuple[Choice, ...]] = no_extras
    # What the morning digest warns staff of before a term runs out, besides what is due.
    digest_warnings: Callable[[Snapshot, date], tuple[Text, ...]] = no_warnings
    hears_the_child: bool = False  # service 2: a conversation with the child is booked
    documents: tuple[Document, ...] = ()  # what the citizen uploads (flows/documents.py)
    # Terms that depend on the answers (a complaint: to the head or the reviewing body).
    terms_for: Callable[[Mapping[str, Any]], Terms] | None = None
    # The dated lines of card, digest and "My applications", when the service's own.
    dates: Callable[[Snapshot], tuple[Term, ...]] | None = None
    # A complaint: filed about one of the citizen's applications, whose applicant and body
    # it takes; no complaint is filed about it in turn.
    complains_about_application: bool = False
    submitted_message: str = "submitted"  # the reply to Submit (number, registered, dates)
    notice_on_submit: bool = False  # the citizen is also sent the notice of "submitted"
    filed_paper: str | None = "application-appendix-1"  # the PDF of what was filed
    # Statuses whose notice offers to complain (the preliminary and the final refusal).
    complaint_after: tuple[str, ...] = ()
    # A status worded the service's own way (a complaint "submitted" is registered and under
    # consideration: it has no documents to check), by its Fluent id.
    status_words: Mapping[str, str] = field(default_factory=dict)

    @property
    def in_menu(self) -> bool:
        return bool(self.menu_label)

    def terms_of(self, answers: Mapping[str, Any]) -> Terms:
        return self.terms_for(answers) if self.terms_for else self.terms

    def document_of(self, answer: str) -> Document | None:
        """The document whose files an answer key holds."""
        return next((d for d in self.documents if d.answer == answer), None)

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
    after_check = entry.get("permission_days")
    terms = Terms(int(entry["check_days"]), int(entry["decision_days"]),
                  bool(entry["to_be_confirmed"]), str(entry["source"]),
                  None if after_check is None else int(after_check))
    if not 0 < terms.check_days <= terms.decision_days:
        raise ValueError(f"{code}: the check must come first, within the decision term")
    return terms
