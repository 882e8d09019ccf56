"""What a button sends back: every kind of button payload, packed and read in this one place.

Each kind is a small frozen dataclass: a prefix and typed fields. `pack()` writes it,
`unpack()` reads any text back into a kind, or into `Stale` when the text is not one: a
forged button, a button of an older version, bytes from nowhere. Reading never raises.

The wire is ASCII, `prefix:field:field`. A citizen's button is bound to the question it
belongs to (`<seq>:<action>`, see `Tap`); staff buttons on an application's card are
`st:<application>:<verb>`, a format that must keep working for cards already posted; the
questions that follow a card's button are `in:<application>:<verb>:<action>:<state>`.
Telegram carries at most 64 bytes of callback_data: every field declares its longest form,
and a kind that could ever pack longer than its budget fails when it is declared, so no
value can overflow at run time.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Any, ClassVar, TypeVar, cast, get_args, get_type_hints

from flows.messages import MAX_PAYLOAD_BYTES

SEP = ":"
SEQ_DIGITS = 15  # the room kept for the seq in front of a citizen's action ("<seq>:")
ACTION_BYTES = MAX_PAYLOAD_BYTES - SEQ_DIGITS - len(SEP)


@dataclass(frozen=True)
class Wire:
    """How one field travels: the exact shape of its text, its longest form, and the two
    conversions between the text and the value."""

    shape: str  # a regular expression of ASCII characters only
    longest: int
    read: Callable[[str], Any] = str
    write: Callable[[Any], str] = str
    # A field added to a kind after its buttons were out (see `added`): the text it holds
    # when it is left off; None for a field every button of the kind carries.
    omitted: str | None = None

    def fits(self, text: str) -> bool:
        return len(text) <= self.longest and re.fullmatch(self.shape, text) is not None


def number(digits: int) -> Wire:
    """A whole number 0..10**digits-1, written without sign or leading zeros, so that
    `unpack(pack(x)) == x` and no number can overflow the database's 64-bit integers."""
    return Wire(rf"0|[1-9][0-9]{{0,{digits - 1}}}", digits, int)


def one_of(*values: str) -> Wire:
    return Wire("|".join(re.escape(value) for value in values), max(map(len, values)))


def added(wire: Wire, omitted: str) -> Wire:
    """A last field added to a kind whose buttons are already out: a button without it reads
    as if it held `omitted`, and a value that writes as `omitted` is left off, so such a
    button packs exactly as before (and that one way is the only one read)."""
    return replace(wire, omitted=omitted)


ID_DIGITS = 18  # below 2**63: any id the database can hold
Id = Annotated[int, number(ID_DIGITS)]
# An application's id as the ports take it: a string of digits, never a number from nowhere.
Ref = Annotated[str, Wire(rf"[1-9][0-9]{{0,{ID_DIGITS - 1}}}", ID_DIGITS)]
Index = Annotated[int, number(3)]
Word = Annotated[str, Wire(r"[a-z0-9][a-z0-9_-]{0,23}", 24)]  # flow, section, option codes
Day = Annotated[str, Wire(r"[0-9]{8}", 8)]  # YYYYMMDD
SlotKey = Annotated[str, Wire(r"[0-9]{12}", 12)]  # YYYYMMDDHHMM
CHILD_DIGITS = 2  # a child's place in an application's list of children (flows/interview.py)
Child = Annotated[int, number(CHILD_DIGITS)]
# The child on a button that spoke of the one child an application had: the first, if left off.
FirstChild = Annotated[int, added(number(CHILD_DIGITS), "0")]
YES_NO = Wire("yes|no", 3, lambda text: text == "yes", lambda value: "yes" if value else "no")
YesNo = Annotated[bool, YES_NO]
SEQ = number(SEQ_DIGITS)


@dataclass(frozen=True)
class Stale:
    """Data that is no button of ours (any more): answered as a stale button, never raised."""

    why: str  # a short reason for a log line; never the data itself


class Payload:
    """A kind of button. Subclasses are frozen dataclasses declared with their prefix:

        @dataclass(frozen=True)
        class Book(Action, prefix="book"):
            application: Ref
    """

    prefix: ClassVar[str]
    wires: ClassVar[tuple[tuple[str, Wire], ...]]
    budget: ClassVar[int] = MAX_PAYLOAD_BYTES
    kinds: ClassVar[dict[tuple[str, int], type[Payload]]]  # one table per family

    def __init_subclass__(cls, prefix: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if not prefix:  # a family of kinds (Action, StaffPayload): its own table
            cls.kinds = {}
            return
        cls.prefix = prefix
        hints = get_type_hints(cls, include_extras=True)
        cls.wires = tuple((name, _wire_of(cls, name, hints[name]))
                          for name in inspect.get_annotations(cls))
        longest = len(prefix) + sum(len(SEP) + wire.longest for _, wire in cls.wires)
        if longest > cls.budget:
            raise TypeError(f"{cls.__name__} may pack {longest} bytes, over {cls.budget}")
        always = len(cls.wires)
        while always and cls.wires[always - 1][1].omitted is not None:
            always -= 1
        if any(wire.omitted is not None for _, wire in cls.wires[:always]):
            raise TypeError(f"{cls.__name__}: only the last fields may be added later")
        for count in range(always, len(cls.wires) + 1):  # with and without the added ones
            key = (prefix, count)
            if key in cls.kinds:
                raise TypeError(f"{cls.__name__} reads like {cls.kinds[key].__name__}")
            cls.kinds[key] = cls

    def pack(self) -> str:
        parts = [self.prefix]
        for name, wire in self.wires:
            text = wire.write(getattr(self, name))
            if not wire.fits(text):  # a programming error: such a button must not be shown
                raise ValueError(f"{type(self).__name__}.{name} cannot travel as {text!r}")
            parts.append(text)
        while len(parts) > 1 and parts[-1] == self.wires[len(parts) - 2][1].omitted:
            parts.pop()  # an added field at its old meaning: the button packs as before
        return SEP.join(parts)

    @classmethod
    def read(cls, texts: Sequence[str]) -> Payload | Stale:
        values = {}
        for index, (name, wire) in enumerate(cls.wires):
            if index >= len(texts):  # an added field a button of before does not carry
                assert wire.omitted is not None  # the kinds' table holds no shorter reading
                values[name] = wire.read(wire.omitted)
                continue
            text = texts[index]
            if not wire.fits(text):
                return Stale(f"bad {cls.prefix} {name}")
            if text == wire.omitted and index == len(texts) - 1:
                return Stale(f"{cls.prefix} {name} is never written so")  # not canonical
            values[name] = wire.read(text)
        return cls(**values)


def _wire_of(cls: type, name: str, hint: Any) -> Wire:
    wires = [arg for arg in get_args(hint)[1:] if isinstance(arg, Wire)]
    if len(wires) != 1:
        raise TypeError(f"{cls.__name__}.{name} needs one Wire (Annotated[..., Wire])")
    return wires[0]


Family = TypeVar("Family", bound=Payload)


def _read(family: type[Family], text: str) -> Family | Stale:
    prefix, *fields = text.split(SEP)
    kind = family.kinds.get((prefix, len(fields)))
    if kind is None:
        return Stale("unknown kind")
    # Each family's table holds only its own kinds, so what it reads is of that family.
    return cast("Family | Stale", kind.read(fields))


# ---------------------------------------------------------------------- a citizen's buttons
class Action(Payload):
    """What a citizen's button does; it travels bound to its question (see `Tap`)."""

    budget = ACTION_BYTES


@dataclass(frozen=True)
class Tap:
    """A citizen's button as it comes back: the seq of its question, and what it does.
    The engine binds every action of a reply to the seq at the end of the turn."""

    seq: int
    action: Action

    @classmethod
    def bind(cls, seq: int, packed_action: str) -> str:
        return f"{SEQ.write(seq)}{SEP}{packed_action}"

    def pack(self) -> str:
        return self.bind(self.seq, self.action.pack())


@dataclass(frozen=True)
class Specialist(Action, prefix="specialist"):
    pass


@dataclass(frozen=True)
class Resume(Action, prefix="resume"):
    """Back from the specialist or the objection to where the person was."""


@dataclass(frozen=True)
class Language(Action, prefix="lang"):
    code: Word


@dataclass(frozen=True)
class CancelAnswer(Action, prefix="cancel"):
    confirmed: YesNo


@dataclass(frozen=True)
class Menu(Action, prefix="menu"):
    pass


@dataclass(frozen=True)
class StartFlow(Action, prefix="flow"):
    flow: Word


@dataclass(frozen=True)
class MyApplications(Action, prefix="apps"):
    pass


@dataclass(frozen=True)
class OpenApplication(Action, prefix="app"):
    application: Ref


@dataclass(frozen=True)
class Contacts(Action, prefix="contacts"):
    pass


@dataclass(frozen=True)
class StartComplaint(Action, prefix="complain"):
    """Complain about this application (seed 004 p. 13): a new complaint, or more words
    for the one still open."""

    application: Ref


@dataclass(frozen=True)
class ShowFiled(Action, prefix="filed"):
    """What I filed: the answers and the application's PDF again."""

    application: Ref


@dataclass(frozen=True)
class ShowPapers(Action, prefix="papers"):
    """Every paper issued on the application so far, sent again as files."""

    application: Ref


@dataclass(frozen=True)
class StartObjection(Action, prefix="obj"):
    application: Ref


@dataclass(frozen=True)
class Book(Action, prefix="book"):
    """Choose (or change) the time of the conversation with the child: the days; with
    several children, first which child (each has their own conversation)."""

    application: Ref


@dataclass(frozen=True)
class BookFor(Action, prefix="for"):
    """The days for the conversation with one of the application's children."""

    application: Ref
    child: Child


@dataclass(frozen=True)
class BookDay(Action, prefix="day"):
    application: Ref
    day: Day
    child: FirstChild = 0


@dataclass(frozen=True)
class BookTime(Action, prefix="slot"):
    application: Ref
    slot: SlotKey
    child: FirstChild = 0


@dataclass(frozen=True)
class Unbook(Action, prefix="unbook"):
    application: Ref
    child: FirstChild = 0


@dataclass(frozen=True)
class ChildChannel(Action, prefix="channel"):
    """How the child abroad joins the conversation just booked: by messenger or by e-mail."""

    application: Ref
    child: FirstChild = 0


@dataclass(frozen=True)
class ByMessenger(Action, prefix="bymsg"):
    """The child joins by messenger: the parent forwards the invite (today's way)."""

    application: Ref
    child: FirstChild = 0


@dataclass(frozen=True)
class ByMail(Action, prefix="bymail"):
    """The child joins by e-mail: the parent types the child's address next."""

    application: Ref
    child: FirstChild = 0


@dataclass(frozen=True)
class HowChildJoins(Action, prefix="joins"):
    """How the child abroad joins the booked conversation, and a way to switch: the child
    by e-mail to the messenger (or to another address), the child by messenger to e-mail.
    "My applications" shows it under the application; a notice may carry it too (a mail to
    the child that bounced)."""

    application: Ref
    child: FirstChild = 0


@dataclass(frozen=True)
class MessengerInstead(Action, prefix="tomsg"):
    """The child invited by e-mail joins by messenger instead: a new one-time code for the
    parent to forward; the mail's code and the reminders by mail stop."""

    application: Ref
    child: FirstChild = 0


@dataclass(frozen=True)
class MailInstead(Action, prefix="tomail"):
    """The child joins by e-mail (instead of the messenger, or at another address): the
    parent types the address next."""

    application: Ref
    child: FirstChild = 0


@dataclass(frozen=True)
class ItsMe(Action, prefix="me"):
    """Whoever opened the child's invite says whether they are that child."""

    confirmed: YesNo


@dataclass(frozen=True)
class ChildReply(Action, prefix="child"):
    """The child can, or cannot, talk at the booked time."""

    application: Ref
    confirmed: YesNo
    child: FirstChild = 0


@dataclass(frozen=True)
class Back(Action, prefix="back"):
    pass


@dataclass(frozen=True)
class Submit(Action, prefix="submit"):
    pass


@dataclass(frozen=True)
class Edit(Action, prefix="edit"):
    section: Word


@dataclass(frozen=True)
class More(Action, prefix="more"):
    pass


@dataclass(frozen=True)
class Remove(Action, prefix="remove"):
    """"Take a child out": the list of those entered, to pick from."""


@dataclass(frozen=True)
class RemoveItem(Action, prefix="rmitem"):
    index: Index


@dataclass(frozen=True)
class Done(Action, prefix="done"):
    pass


@dataclass(frozen=True)
class Keep(Action, prefix="keep"):
    pass


@dataclass(frozen=True)
class Skip(Action, prefix="skip"):
    pass


@dataclass(frozen=True)
class UseSuggestion(Action, prefix="s"):
    index: Index


@dataclass(frozen=True)
class ChooseOption(Action, prefix="o"):
    code: Word


@dataclass(frozen=True)
class OtherServices(Action, prefix="other"):
    """The list of the related guardianship services (flows/related.py)."""


@dataclass(frozen=True)
class RelatedService(Action, prefix="svc"):
    """One related service's screen."""

    code: Word


@dataclass(frozen=True)
class NotifyMe(Action, prefix="notify"):
    """"Tell me when I can apply for this service here in the bot": recorded once."""

    code: Word


# ---------------------------------------------------------------------- staff buttons
class StaffPayload(Payload):
    """A button on an application's card (or its follow-ups) in the staff group."""

    application: int
    verb: str


SESSION_VERBS = ("session", "present", "video", "end")  # the conversation with a child
CARD_VERBS = ("accept", "incomplete", "hearing", "approve", "refuse", "decide",
              "satisfy", "satisfy-partly", "reject-complaint", "forward",  # a complaint
              *SESSION_VERBS, "reissue")
# What staff do with the first input of a step (flows.service): tick a line of its
# checklist, confirm it, go on to the note that may follow, take the offer, or type instead.
INPUT_VERBS = ("tick", "done", "note", "take", "type")
STATE_DIGITS = 9  # a checklist's ticks (flows.service.Checklist.MAX_STATE)


@dataclass(frozen=True)
class CardAction(StaffPayload, prefix="st"):
    """A step of the procedure, or of the conversation with the child."""

    application: Id
    verb: Annotated[str, one_of(*CARD_VERBS)]


@dataclass(frozen=True)
class ChildConversation(StaffPayload, prefix="st"):
    """The conversation with a child after the first, of an application with siblings: each
    child has their own (the first child's buttons are the card's, as they always were)."""

    application: Id
    verb: Annotated[str, one_of(*SESSION_VERBS)]
    child: Annotated[int, Wire(rf"[1-9][0-9]{{0,{CHILD_DIGITS - 1}}}", CHILD_DIGITS, int)]


def conversation_button(application: int, verb: str, child: int) -> StaffPayload:
    """A button of the conversation with the application's child at `child`."""
    return CardAction(application, verb) if child == 0 else \
        ChildConversation(application, verb, child)


def child_of(pressed: StaffPayload) -> int:
    """Whose conversation a staff button is for: the first child unless it names another."""
    return pressed.child if isinstance(pressed, ChildConversation) else 0


@dataclass(frozen=True)
class StepInput(StaffPayload, prefix="in"):
    """A button of a step's first input: `state` holds the checklist's ticks so far."""

    application: Id
    verb: Annotated[str, one_of(*INPUT_VERBS)]
    action: Word
    state: Annotated[int, number(STATE_DIGITS)]


# ---------------------------------------------------------------------- a person's overlay
class Overlay(Payload):
    """A question over whatever the person is doing, kept in their conversation state (not
    a button): answering it, or a command, brings them back."""

    budget = 255  # a database column, not a button


@dataclass(frozen=True)
class Cancelling(Overlay, prefix="cancel"):
    """"Cancel the application you are filling in?" waits for yes or no."""


@dataclass(frozen=True)
class ChoosingLanguage(Overlay, prefix="language"):
    pass


@dataclass(frozen=True)
class WithSpecialist(Overlay, prefix="specialist"):
    """Every message goes to a specialist; the first is yet to be confirmed."""


@dataclass(frozen=True)
class WithSpecialistConfirmed(Overlay, prefix="specialist"):
    """Every message goes to a specialist; the person was told the first one went."""

    sent: Annotated[str, one_of("sent")] = "sent"


@dataclass(frozen=True)
class Objecting(Overlay, prefix="objection"):
    """The next message or file is an objection to a preliminary refusal."""

    application: Ref


@dataclass(frozen=True)
class AddingToComplaint(Overlay, prefix="adding"):
    """The next message or file is added to the complaint still open (not a second one)."""

    application: Ref


@dataclass(frozen=True)
class AskingChildMail(Overlay, prefix="childmail"):
    """The next message is the e-mail address of this child, whose time is booked; asked
    while `switching` from "How the child joins", Back goes there, not to the channels."""

    application: Ref
    child: FirstChild = 0
    switching: Annotated[bool, added(YES_NO, "no")] = False


# The screens of booking a conversation time (flows/booking.py): each is the question the
# parent is asked until a button answers it, so a typed word, a sticker or a photo gets the
# same screen again, also after a restart.
@dataclass(frozen=True)
class ChoosingChild(Overlay, prefix="bookchild"):
    """With siblings: whose conversation to book first."""

    application: Ref


@dataclass(frozen=True)
class ChoosingDay(Overlay, prefix="bookday"):
    application: Ref
    child: FirstChild = 0


@dataclass(frozen=True)
class ChoosingTime(Overlay, prefix="booktime"):
    application: Ref
    day: Day
    child: FirstChild = 0


@dataclass(frozen=True)
class ChoosingChildLanguage(Overlay, prefix="booklang"):
    """A time of a child abroad was tapped: in which language the bot speaks to the child."""

    application: Ref
    slot: SlotKey
    child: FirstChild = 0


@dataclass(frozen=True)
class ChoosingChildChannel(Overlay, prefix="bookchannel"):
    """The time is booked: does the child abroad join by messenger or by e-mail."""

    application: Ref
    child: FirstChild = 0


BookingScreen = ChoosingChild | ChoosingDay | ChoosingTime | ChoosingChildLanguage \
    | ChoosingChildChannel


def overlay(stored: str | None) -> Overlay | None:
    """The overlay kept in a conversation state; whatever is not one reads as none."""
    read = _read(Overlay, stored) if stored else None
    return read if isinstance(read, Overlay) else None


# ---------------------------------------------------------------------- a child's invite
class InviteState(Payload):
    """The invite on the conversation of whoever opened it (kept in their state)."""

    budget = 255  # a database column, not a button


InviteCode = Annotated[str, Wire(r"[A-HJ-NP-Z2-9]{8}", 8)]  # no 0/O, 1/I: read aloud safely
Zone = Annotated[str, Wire(r"|[a-z0-9][a-z0-9-]{0,39}", 40)]  # "de-berlin"; "" in Kazakhstan
Subject = Annotated[str, Wire(r"|[a-z0-9][a-z0-9_-]{0,23}", 24)]  # "" if not known


@dataclass(frozen=True)
class InviteOpened(InviteState, prefix="opened"):
    """Opened, not yet answered "is it you?"."""

    code: InviteCode


@dataclass(frozen=True)
class InviteJoined(InviteState, prefix="joined"):
    """The child said it is them: whose conversation, when, where, about what."""

    application: Ref
    slot: SlotKey
    zone: Zone
    subject: Subject
    child: FirstChild = 0


def invite_state(stored: str | None) -> InviteOpened | InviteJoined | None:
    """The invite kept in a state; what was stored before this codec ("opened|<code>",
    "<ref>|<slot>|<zone>[|<subject>]") still reads, anything else reads as none."""
    if not stored:
        return None
    if "|" in stored:
        head, *rest = stored.split("|")
        stored = SEP.join(["opened", *rest] if head == "opened" else
                          ["joined", head, *rest, *([""] if len(rest) == 2 else [])])
    read = _read(InviteState, stored)
    return read if isinstance(read, InviteOpened | InviteJoined) else None


# ---------------------------------------------------------------------- reading
def unpack(data: str) -> Tap | StaffPayload | Stale:
    """Any button's data back into its kind; whatever is not one is `Stale`."""
    if not data.isascii() or len(data) > MAX_PAYLOAD_BYTES:
        return Stale("not a button")
    head, _, rest = data.partition(SEP)
    if SEQ.fits(head):
        action = _read(Action, rest)
        return action if isinstance(action, Stale) else Tap(int(head), action)
    return _read(StaffPayload, data)
