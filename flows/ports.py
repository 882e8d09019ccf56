"""What the engine needs from the outside world, as Protocols (storage implements them)."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from flows.messages import Attachment, Reply, Text
from flows.slots import Slot

# Every status an application can have, in the order of the legal procedure (seed 004).
STATUSES = (
    "submitted",
    # a complaint (flows/complaint.py)
    "satisfied",
    "partly_satisfied",
    "complaint_rejected",
    "forwarded",
    "under_review",
    "rejected_incomplete",
    "hearing_scheduled",
    "approved",
    "refused",
    "decided",  # service 2: a decision on taking the child's opinion into account
)


@dataclass
class ConversationState:
    """Everything the engine knows about one person's conversation; saved after every step."""

    language: str | None = None
    flow: str | None = None  # None: the main menu
    cursor: str = ""  # where in the flow: "step", "group/2/sub", "__summary__"
    answers: dict[str, Any] = field(default_factory=dict)
    seq: int = 0  # bumped on every turn; buttons carry it, so old buttons are recognised
    pending: str | None = None  # an overlay (flows.payloads.Overlay), packed
    editing: str | None = None  # a section being edited from the summary
    last_tap: str | None = None  # the last accepted button payload (double taps)
    draft_key: str | None = None  # one application per draft, whatever the taps on Submit
    invite: str | None = None  # a child's opened invite: "ref|slot key|zone"
    # The last reply offered the messenger's own "share my number" keyboard: Telegram keeps
    # it up under every later question until a reply takes it away.
    contact_keyboard: bool = False


@dataclass(frozen=True)
class Receipt:
    """The transport's update a turn answered, and the reply it got: saved with the new state
    in one transaction, so a crash leaves either the update to handle again or the reply to
    send, never a changed state with the reply lost."""

    update: str
    reply: Reply


class HandledBefore(Exception):
    """The receipt's update was handled already: nothing of this turn is saved."""


class ConversationStore(Protocol):
    def turn(self, channel: str, user_id: str) -> AbstractAsyncContextManager[None]:
        """Held from loading a person's state to saving it: nobody else, in this process or
        another, takes a turn of theirs meanwhile."""
        ...

    async def load(self, channel: str, user_id: str) -> ConversationState | None: ...

    async def save(
        self, channel: str, user_id: str, state: ConversationState, display_name: str = "",
        receipt: Receipt | None = None,
    ) -> None:
        """Raises `HandledBefore` when `receipt` names an update handled already."""
        ...


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    mime: str


class UnreadableFile(Exception):
    """A stored file that is there but cannot be opened: altered on disk, or sealed with a
    key the bot no longer holds. Said, never sent half-read."""


class FileStore(Protocol):
    async def save(self, data: bytes, mime: str) -> StoredFile: ...


@dataclass(frozen=True)
class Submitted:
    number: str
    registered_on: date
    check_due: date
    decision_due: date


@dataclass(frozen=True)
class HistoryEntry:
    status: str
    at: datetime


@dataclass(frozen=True)
class ApplicationView:
    ref: str  # ASCII id for buttons (numbers like "ВП-2026-00042" are Cyrillic)
    number: str
    service: str
    status: str
    submitted_at: datetime
    next_deadline: date | None
    history: tuple[HistoryEntry, ...] = ()
    about: str | None = None  # a complaint: the ref of the application it is about
    erased: bool = False  # anonymised (/forget, retention): its number, dates, statuses stay


class Applications(Protocol):
    async def submit(
        self,
        channel: str,
        user_id: str,
        service: str,
        answers: dict[str, Any],
        draft_key: str,
        at: datetime,
    ) -> Submitted: ...

    async def list_for(self, channel: str, user_id: str) -> list[ApplicationView]: ...

    async def get_for(self, channel: str, user_id: str, ref: str) -> ApplicationView | None: ...

    async def add_objection(
        self, channel: str, user_id: str, ref: str, text: str, document: StoredFile | None
    ) -> str | None:
        """Attach a citizen's objection to their application; its number, or None."""
        ...


@dataclass(frozen=True)
class ChildTime:
    """One child of an application, and the time booked for their own conversation."""

    child: int  # the child's place in the application's list of children
    name: str
    booked: Slot | None


@dataclass(frozen=True)
class SlotOffer:
    """The free times of the conversation with one child of an application."""

    ref: str
    number: str
    slots: tuple[Slot, ...]
    zone: str | None  # the child's zone code when abroad ("berlin"), else None
    # This child's booked time. Asked for the application as a whole (no child named), an
    # application of several children has no one time: None, each child's is in `children`.
    booked: Slot | None
    child: int = 0
    children: tuple[ChildTime, ...] = ()  # every child of the application, with their time

    @property
    def siblings(self) -> bool:
        return len(self.children) > 1

    @property
    def child_name(self) -> str:
        return next((c.name for c in self.children if c.child == self.child), "")


@dataclass(frozen=True)
class Booking:
    ref: str
    number: str
    slot: Slot
    zone: str | None
    code: str  # the one-time invite code for the child
    calendar: bytes  # the .ics file
    place: Text | None = None  # in person: the body's name, address and room
    child: int = 0
    child_name: str = ""  # with siblings, whose conversation it is; "" for an only child
    # A child already in the conversation (joined by messenger, or invited by e-mail) who
    # has been sent this new time; the address of one reached by e-mail, "" otherwise.
    child_told: bool = False
    child_address: str = ""


@dataclass(frozen=True)
class ChildWay:
    """How the child abroad of a booked conversation joins it (issue 16)."""

    ref: str
    child: int
    child_name: str  # with siblings, whose conversation it is; "" for an only child
    address: str  # the child's e-mail address when invited by e-mail, else ""
    joined: bool  # the child opened the invite in a messenger and said it is them
    code: str  # the one-time invite code the parent forwards (by messenger)


@dataclass(frozen=True)
class ByMessengerNow:
    """The child joins by messenger with this code; `left` is the e-mail address the child
    was invited at before ("" when the child was not invited by e-mail)."""

    code: str
    left: str = ""


@dataclass(frozen=True)
class Joined:
    """A child who opened an invite: whose conversation, and when."""

    ref: str
    number: str
    slot: Slot
    zone: str | None
    subject: str = ""  # what the decision is about (the parent's choice); "" if unknown
    child: int = 0  # the child's place in the application's list of children


@dataclass(frozen=True)
class Invitation:
    """An invite someone opened, before they say they are the child it names."""

    child_name: str  # the child's first name: "Yes, I am Arman"
    # The language the parent chose for the child when booking (the parent's own for an
    # invite made before that was asked); None when neither is known.
    language: str | None = None


class Interviews(Protocol):
    async def offer(self, channel: str, user_id: str, ref: str, now: datetime,
                    child: int | None = None) -> SlotOffer | None:
        """The free times for this child's conversation (the first child's when None)."""
        ...

    async def book(self, channel: str, user_id: str, ref: str, key: str,
                   now: datetime, child: int = 0, language: str | None = None) -> Booking | str:
        """Book a free time; `language`, when given, is the one the bot speaks to the child
        who opens the invite (kept with it, also when the time is changed later)."""
        ...

    async def cancel(self, channel: str, user_id: str, ref: str, child: int = 0) -> bool: ...

    async def invite_by_mail(self, channel: str, user_id: str, ref: str, child: int,
                             address: str, now: datetime) -> str | None:
        """The child of this booked conversation joins by e-mail at `address` (checked and
        lower-cased): the invite becomes theirs, the invitation with the calendar file goes
        there, and so do their reminders. None when done; else why not (a message id)."""
        ...

    async def child_way(self, channel: str, user_id: str, ref: str, child: int,
                        now: datetime) -> ChildWay | None:
        """How the child of this booked conversation abroad joins it; None when there is
        no such conversation to join (no time booked, not abroad, or no longer open)."""
        ...

    async def by_messenger(self, channel: str, user_id: str, ref: str, child: int,
                           now: datetime) -> ByMessengerNow | str:
        """The child joins by messenger: a child invited by e-mail gets a new code (the
        mail's one no longer works) and nothing more is sent to that address; a child not
        yet in keeps the code. Or why not (a message id)."""
        ...

    async def invitation(self, channel: str, user_id: str, code: str,
                         now: datetime) -> Invitation | str:
        """Whom an invite is for, without using it; or why it cannot be used (a message id):
        unknown, used, expired, or opened by the applicant, whose child it is for."""
        ...

    async def join(self, channel: str, user_id: str, code: str,
                   now: datetime) -> Joined | str:
        """The child says it is them: the invite becomes theirs, once; or why not."""
        ...

    async def child_reply(self, channel: str, user_id: str, ref: str, confirmed: bool,
                          child: int = 0) -> bool:
        """The child's answer about the time; False (nothing told to anyone) unless this
        person is the child who joined that child's invite of that interview application."""
        ...

    async def no_slots(self, channel: str, user_id: str, ref: str) -> None:
        """Tell staff that a parent found no free time within the term."""
        ...


@dataclass(frozen=True)
class Seat:
    """A person's place in a conversation with the child."""

    session_id: int
    application_id: int
    role: str  # parent or child
    open: bool  # False: ended, but the child may still add something
    child: int = 0  # whose conversation: the child's place in the application


@dataclass(frozen=True)
class MailInvite:
    """A child's invite, as a mail that carries its code names it: whose conversation."""

    language: str  # the child's, "" when none is known
    application_id: int
    child: int  # the child's place in the application


class Sessions(Protocol):
    async def seat_of(self, channel: str, external_id: str, now: datetime) -> Seat | None: ...

    async def relay(self, session_id: int, role: str, text: str, now: datetime) -> bool: ...


@dataclass(frozen=True)
class Filed:
    """An application as its owner filed it, and its papers (legal documents) so far."""

    number: str
    service: str
    answers: dict[str, Any]
    papers: tuple[Attachment, ...]  # oldest first; the application itself comes first
    erased: bool = False  # anonymised: no answers, no papers any more


class Papers(Protocol):
    async def filed(self, channel: str, user_id: str, ref: str) -> Filed | None: ...


class ServiceInterest(Protocol):
    """"Tell me when I can apply here": a person's interest in a related service that the bot
    does not take yet (flows/related.py), kept once per person and service."""

    async def record(self, channel: str, user_id: str, service: str, at: datetime) -> bool:
        """True when it is recorded now; False when this person had asked already."""
        ...

    async def recorded(self, channel: str, user_id: str, service: str) -> bool: ...


# ---------------------------------------------------------------------- personal data (issue 13)
@dataclass(frozen=True)
class Forgotten:
    """What `/forget` erased, and the open applications it had to keep until they close."""

    drafts: int  # 1 when a draft (a flow in progress) was erased
    erased: tuple[str, ...]  # numbers of closed applications anonymised now
    kept: tuple[str, ...]  # numbers of open applications kept


@dataclass(frozen=True)
class Erased:
    """What the retention job erased (the staff digest counts it)."""

    drafts: int = 0
    anonymised: int = 0
    updates: int = 0


class PersonalData(Protocol):
    """Everything stored about a person, to give them (`/mydata`) or erase (`/forget`)."""

    async def export(self, channel: str, user_id: str) -> dict[str, Any]: ...

    async def forget(self, channel: str, user_id: str, now: datetime) -> Forgotten: ...
