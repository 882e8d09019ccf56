"""Screens of the child-opinion conversation: choosing a time, and the child who joins.

The parent picks a day, then a time; each time shows in Astana time and, for a child
abroad, in the child's time too. The child opens a one-time invite, says "yes, I am <name>"
(only then is the invite used, so a wrong person who opened it leaves it for the child), and
reads, in plain words, what the decision is about and what will happen. A child in
Kazakhstan may instead come to the body in person: the parent is then told where to come.

With siblings, each child has their own conversation: the parent first picks the child (a
button each, with the time booked so far), and every screen after that names the child.

A child abroad lives by another clock: times at night for the child (21:00-07:00 there,
`flows.slots.at_night`) are marked and listed after the others, and a parent whose days hold
no daytime time for the child is told so. Before such a child's time is booked the parent
picks the language the bot speaks to the child (their own first); the invite keeps it, and
the child who opens it reads the bot in it from the first message.

A child abroad with no messenger may join by e-mail (issue 16): once the time is booked, the
parent chooses how the child joins, by messenger (forwarding the invite, as before) or by
e-mail, and then types the child's address. The invitation goes there with the calendar
file, and so do the reminders and, when the time is changed, the new time. The booking is
made first, so the time is held while the parent types; a wrong address is explained and
asked again.

Each of these screens (whose conversation, the days, the times, the child's language, the
child's channel) is the parent's pending question (`BookingScreen`) until a button answers
it: a typed word, a sticker or a photo gets a hint and the same screen, as it is now (a time
another parent took meanwhile is gone from it), also after a restart.

Later, "How the child joins" (from "My applications", or from a notice that the mail to the
child bounced) shows how the child joins and switches it: a child invited by e-mail to the
messenger (a new code to forward; the mail's code and the reminders by mail stop), or to
another address; a child by messenger to e-mail.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from flows import menu
from flows.catalogue import body_label_id
from flows.countries import city_label
from flows.interview import COUNTRIES, child_about, child_first_name, child_slot_text, slot_text
from flows.messages import Arg, Attachment, EventKind, OutgoingMessage, Text
from flows.payloads import (
    Action,
    AskingChildMail,
    Book,
    BookDay,
    BookFor,
    BookingScreen,
    BookTime,
    ByMail,
    ByMessenger,
    ChildChannel,
    ChildReply,
    ChoosingChild,
    ChoosingChildChannel,
    ChoosingChildLanguage,
    ChoosingDay,
    ChoosingTime,
    FirstChild,
    HowChildJoins,
    InviteJoined,
    InviteOpened,
    ItsMe,
    MailInstead,
    Menu,
    MessengerInstead,
    OpenApplication,
    Ref,
    SlotKey,
    Unbook,
    invite_state,
    one_of,
)
from flows.ports import (
    Booking,
    ByMessengerNow,
    ChildWay,
    ConversationState,
    Interviews,
    Invitation,
    Joined,
    SlotOffer,
)
from flows.slots import (
    MIN_NOTICE,
    Availability,
    Slot,
    at_night,
    daytime_first,
    has_daytime,
    term_over,
)
from flows.turn import Turn, button
from flows.validators import Invalid, parse_email, shown_email

CODE_RE = re.compile(r"^[A-HJ-NP-Z2-9]{8}$")  # the invite code's alphabet (no 0/O, 1/I)
InviteText = Callable[[str, str], Text]  # (the parent's channel, the code) -> how to forward it
CHILD_LANGUAGES = ("kk", "ru", "en")  # the languages the bot speaks (flows.engine.LANGUAGES)
MAIL = "email"  # the channel of a person reached by e-mail (handlers/email), address lower-case
# A time tapped when the term is over: no other to pick, so the parent is not sent to the days;
# staff are told (`term_ended_alert`) as the refusal is recorded.
TERM_ENDED = "booking-term-ended"


@dataclass(frozen=True)
class BookIn(Action, prefix="slotin"):
    """A time for a child abroad, booked with the language the bot will speak to the child."""

    application: Ref
    slot: SlotKey
    language: Annotated[str, one_of(*CHILD_LANGUAGES)]
    child: FirstChild = 0


def looks_like_code(text: str) -> bool:
    return bool(CODE_RE.match(text.strip().upper()))


def show_children(turn: Turn, offer: SlotOffer) -> None:
    """Whose conversation: each child has their own time, chosen one child at a time."""
    rows = [[button("booking-child", BookFor(offer.ref, kid.child), child=kid.name,
                    slot=slot_text(kid.booked, offer.zone))] if kid.booked is not None
            else [button("booking-child-unbooked", BookFor(offer.ref, kid.child),
                         child=kid.name)]
            for kid in offer.children]
    rows.append([button("nav-menu", Menu())])
    turn.state.pending = ChoosingChild(offer.ref).pack()
    turn.say(Text("booking-ask-child", {"number": offer.number, "count": len(offer.children)}),
             choices=rows)


def _days_of(offer: SlotOffer) -> Action:
    """Back to this child's days: with one child the application's, as it always was."""
    return BookFor(offer.ref, offer.child) if offer.siblings else Book(offer.ref)


def _child_tz(zone: str | None) -> ZoneInfo | None:
    """The child's time zone when abroad (`SlotOffer.zone`), else None."""
    return COUNTRIES.zone(zone).zone if zone else None


def _no_daytime(offer: SlotOffer, day: bool) -> Text:
    """No time between 07:00 and 21:00 for the child: that day, or in all the days offered."""
    assert offer.zone is not None
    return Text("booking-no-daytime-day" if day else "booking-no-daytime",
                {"city": city_label(offer.zone)})


def show_days(turn: Turn, offer: SlotOffer) -> None:
    days: dict[str, list[Slot]] = {}
    for slot in offer.slots:
        days.setdefault(slot.key[:8], []).append(slot)
    if not days:
        turn.state.pending = None
        turn.say(Text("booking-no-slots", {"number": offer.number}))
        menu.show(turn)
        return
    turn.state.pending = ChoosingDay(offer.ref, offer.child).pack()
    child_tz = _child_tz(offer.zone)
    rows = [[button("booking-day" if has_daytime(slots, child_tz) else "booking-day-night",
                    BookDay(offer.ref, day, offer.child),
                    date=slots[0].start.date(), count=len(slots))]
            for day, slots in days.items()]
    night = [] if has_daytime(offer.slots, child_tz) else [_no_daytime(offer, day=False)]
    if not offer.siblings:
        rows.append([button("nav-menu", Menu())])
        turn.say(*night, Text("booking-ask-day", {"number": offer.number}), choices=rows)
        return
    parts = [*night, Text("booking-ask-day-child", {"number": offer.number,
                                                    "child": offer.child_name})]
    if offer.booked is not None:  # this child's time so far: changed here, or cancelled
        parts.insert(0, Text("booking-current-child", {
            "child": offer.child_name, "slot": slot_text(offer.booked, offer.zone)}))
        rows.append([button("booking-cancel", Unbook(offer.ref, offer.child))])
    rows.append([button("nav-back", Book(offer.ref))])  # to the children
    turn.say(*parts, choices=rows)


def show_times(turn: Turn, offer: SlotOffer, day: str) -> None:
    """The day's times, those at night for a child abroad marked 🌙 and listed last."""
    child_tz = _child_tz(offer.zone)
    slots = daytime_first((slot for slot in offer.slots if slot.key.startswith(day)),
                          child_tz)
    if not slots:
        show_days(turn, offer)
        return
    rows = [[button("booking-slot-night" if at_night(slot, child_tz) else "booking-slot",
                    BookTime(offer.ref, slot.key, offer.child),
                    slot=slot_text(slot, offer.zone))] for slot in slots]
    rows.append([button("nav-back", _days_of(offer))])
    turn.state.pending = ChoosingTime(offer.ref, day, offer.child).pack()
    parts: list[Text] = []
    if not has_daytime(slots, child_tz):
        parts.append(_no_daytime(offer, day=True))
    elif child_tz is not None and any(at_night(slot, child_tz) for slot in slots):
        assert offer.zone is not None
        parts.append(Text("booking-night-mark", {"city": city_label(offer.zone)}))
    parts.append(Text("booking-ask-time-child", {"child": offer.child_name}) if offer.siblings
                 else Text("booking-ask-time"))
    turn.say(*parts, choices=rows)


def not_free(key: str, accepted_on: date, now: datetime, taken: Iterable[str],
             availability: Availability) -> str:
    """Why a tapped time (`key`) is not among the free ones, as the parent is told (a message
    id). Not always "someone just took it": a screen shown earlier keeps its buttons while
    the clock moves on, and staff close times. In this order:
    - the whole term is over (`term_over`): no other time to pick, staff are told;
    - the time has passed, or starts within the hour's notice: pick another;
    - another booking (another parent's, or a sibling's) holds it: pick another;
    - else staff closed it, or it is no time of the term: it is no longer offered."""
    if term_over(accepted_on, now, availability):
        return TERM_ENDED
    try:
        slot = Slot.from_key(key)
    except ValueError:  # no payload carries a malformed key; read as a time no longer offered
        return "booking-slot-gone"
    if slot.start < now + MIN_NOTICE:
        return "booking-slot-passed"
    if any(slot.overlaps(other.start, other.end) for other in map(Slot.from_key, taken)):
        return "booking-slot-taken"
    return "booking-slot-gone"


def term_ended_alert(number: str, last_day: date) -> OutgoingMessage:
    """Staff: the parent came to book after the term; only staff can settle it now (a time
    opened past the term is not offered, `flows.slots`)."""
    return OutgoingMessage((Text("staff-interview-term-ended",
                                 {"number": number, "term": last_day}),))


def asks_language(offer: SlotOffer, key: str) -> bool:
    """A free time of a child abroad: the parent says first which language the child reads."""
    return offer.zone is not None and any(slot.key == key for slot in offer.slots)


def ask_child_language(turn: Turn, offer: SlotOffer, key: str, own: str) -> None:
    """In which language the bot speaks to the child: the parent's own first (one tap keeps
    it), then the others. The time is booked with the answer."""
    first = own if own in CHILD_LANGUAGES else CHILD_LANGUAGES[0]
    order = [first, *(code for code in CHILD_LANGUAGES if code != first)]
    rows = [[button("booking-child-language-own" if code == first
                    else f"language-{code}", BookIn(offer.ref, key, code, offer.child),
                    language=Text(f"language-{code}"))] for code in order]
    rows.append([button("nav-back", BookDay(offer.ref, key[:8], offer.child))])
    turn.state.pending = ChoosingChildLanguage(offer.ref, key, offer.child).pack()
    slot = Slot.from_key(key)
    turn.say(Text("booking-ask-child-language-child" if offer.siblings
                  else "booking-ask-child-language",
                  {"slot": slot_text(slot, offer.zone), "child": offer.child_name}),
             choices=rows)


def calendar_file(number: str, child: int, siblings: bool, content: bytes) -> Attachment:
    """The .ics of a booked time, named after the application (and the child, of several)."""
    name = f"{number}-{child + 1}" if siblings else number
    return Attachment(f"{name}.ics", content, "text/calendar")


def booked(turn: Turn, booking: Booking, invite: Text | None,
           language: str | None = None) -> None:
    """The time is booked. A child abroad not yet in the conversation: how do they join? A
    child already in it (by messenger or e-mail) has been sent the new time instead."""
    args: dict[str, Arg] = {"number": booking.number,
                            "slot": slot_text(booking.slot, booking.zone)}
    parts = [Text("booking-confirmed-child", {**args, "child": booking.child_name})
             if booking.child_name else Text("booking-confirmed", args)]
    if booking.place is not None:
        parts.append(booking.place)
    if booking.child_address:
        parts.append(Text("booking-child-mail-moved",
                          {"address": shown_email(booking.child_address)}))
    elif booking.child_told:
        parts.append(Text("booking-child-moved"))
    elif invite is not None:
        parts.append(invite)
    if language is not None:
        parts.append(Text("booking-child-language-set", {"language": Text(f"language-{language}")}))
    turn.say(*parts, attachment=calendar_file(booking.number, booking.child,
                                              bool(booking.child_name), booking.calendar))
    if booking.zone is not None and not booking.child_told:
        ask_child_channel(turn, booking.ref, booking.child)
    else:
        menu.show(turn)


# ---------------------------------------------------------------------- the child's channel
def ask_child_channel(turn: Turn, ref: str, child: int) -> None:
    """By messenger (the parent forwards the invite above) or by e-mail (the bot sends it)."""
    turn.state.pending = ChoosingChildChannel(ref, child).pack()
    turn.say(Text("booking-ask-child-channel"),
             choices=[[button("booking-child-by-messenger", ByMessenger(ref, child))],
                      [button("booking-child-by-mail", ByMail(ref, child))]])


def by_messenger(turn: Turn) -> None:
    turn.say(Text("booking-child-messenger-done"))
    menu.show(turn)


def ask_child_mail(turn: Turn, asking: AskingChildMail) -> None:
    """The next message is the child's address; Back is the choice of channel again (or
    "How the child joins", when the parent came from there)."""
    back = HowChildJoins if asking.switching else ChildChannel
    turn.state.pending = asking.pack()
    turn.say(Text("booking-ask-child-mail"),
             choices=[[button("nav-back", back(asking.application, asking.child))],
                      [button("nav-menu", Menu())]])


async def child_mail(turn: Turn, interviews: Interviews, asking: AskingChildMail,
                     now: datetime) -> None:
    """The child's address typed: a wrong one is explained and asked again (the time stays
    booked); a good one gets the invitation."""
    event = turn.event
    if event.kind is not EventKind.TEXT:
        turn.say(Text("error-text-expected"))
        ask_child_mail(turn, asking)
        return
    try:
        address = parse_email(event.text)
    except Invalid as error:
        turn.say(Text(error.key, error.args))
        ask_child_mail(turn, asking)
        return
    turn.state.pending = None
    refused = await interviews.invite_by_mail(event.channel, event.user_id, asking.application,
                                              asking.child, address, now)
    turn.say(Text(refused) if refused else Text("booking-child-mail-sent",
                                                {"address": shown_email(address)}))
    menu.show(turn)


def choose_channel(turn: Turn, action: ChildChannel | ByMessenger | ByMail) -> None:
    if isinstance(action, ChildChannel):
        ask_child_channel(turn, action.application, action.child)
    elif isinstance(action, ByMessenger):
        by_messenger(turn)
    else:
        ask_child_mail(turn, AskingChildMail(action.application, action.child))


async def show_again(turn: Turn, interviews: Interviews, screen: BookingScreen,
                     now: datetime, own: str) -> None:
    """A booking screen asked again (a word or a sticker came instead of a tap, /help, a
    restart), as it is now: a time another parent took meanwhile is no longer on it."""
    if isinstance(screen, ChoosingChildChannel):
        ask_child_channel(turn, screen.application, screen.child)
        return
    event = turn.event
    child = None if isinstance(screen, ChoosingChild) else screen.child
    offer = await interviews.offer(event.channel, event.user_id, screen.application, now,
                                   child)
    if offer is None:  # no longer open for booking (decided, withdrawn)
        turn.state.pending = None
        turn.say(Text("booking-not-available"))
        menu.show(turn)
    elif isinstance(screen, ChoosingChild):
        show_children(turn, offer)
    elif isinstance(screen, ChoosingDay):
        show_days(turn, offer)
    elif isinstance(screen, ChoosingTime):
        show_times(turn, offer, screen.day)
    elif asks_language(offer, screen.slot):
        ask_child_language(turn, offer, screen.slot, own)
    else:  # the time was taken meanwhile: the day's other times
        turn.say(Text("booking-slot-taken"))
        show_times(turn, offer, screen.slot[:8])


# ---------------------------------------------------------------------- switching the channel
def show_child_way(turn: Turn, way: ChildWay, invite: Text | None) -> None:
    """How the child joins now, and the other way: by e-mail -> the messenger or another
    address; by messenger -> e-mail (the invite to forward is shown again until used)."""
    parts = [Text("booking-child-way-whose", {"child": way.child_name})] \
        if way.child_name else []
    if way.address:
        parts.append(Text("booking-child-way-mail", {"address": shown_email(way.address)}))
        rows = [[button("booking-child-to-messenger", MessengerInstead(way.ref, way.child))],
                [button("booking-child-to-other-mail", MailInstead(way.ref, way.child))]]
    else:
        parts.append(Text("booking-child-way-joined" if way.joined
                          else "booking-child-way-messenger"))
        if invite is not None and not way.joined:
            parts.append(invite)
        rows = [[button("booking-child-to-mail", MailInstead(way.ref, way.child))]]
    rows += [[button("apps-back", OpenApplication(way.ref))], [button("nav-menu", Menu())]]
    turn.say(*parts, choices=rows)


def now_by_messenger(turn: Turn, now: ByMessengerNow, invite: Text | None) -> None:
    """The child joins by messenger: the invite to forward (a new one, when the child had
    been invited by e-mail: nothing more goes to that address)."""
    parts = [Text("booking-child-now-messenger", {"address": shown_email(now.left)}) if now.left
             else Text("booking-child-messenger-invite")]
    if invite is not None:
        parts.append(invite)
    turn.say(*parts)
    menu.show(turn)


def _child_times(slot: Slot, zone: str | None) -> dict[str, Arg]:
    """The time in the child's own zone first, then in Astana, where the body is."""
    return {"slot": child_slot_text(slot, zone), "astana": slot_text(slot, None)}


def mail_invitation(answers: Mapping[str, Any], child: int, slot: Slot, zone: str | None,
                    calendar: Attachment) -> OutgoingMessage:
    """The invitation a child gets by e-mail, in the voice of `child_intro`: who, why, when
    (in both zones), how, and that a reply to the mail reaches the specialist."""
    return OutgoingMessage((Text("child-mail-invite", {
        "name": child_first_name(answers, child), "body": Text(body_label_id(answers["body"])),
        "about": child_about(answers), **_child_times(slot, zone)}),), attachment=calendar)


def time_moved(answers: Mapping[str, Any], child: int, slot: Slot, zone: str | None,
               calendar: Attachment, *, by_mail: bool) -> OutgoingMessage:
    """The parent changed the time: the child already in the conversation is told; by
    e-mail with the new calendar file."""
    if not by_mail:
        return OutgoingMessage((Text("child-time-moved", {"slot": child_slot_text(slot, zone)}),))
    return OutgoingMessage((Text("child-mail-moved", {
        "name": child_first_name(answers, child), **_child_times(slot, zone)}),),
        attachment=calendar)


def child_intro(turn: Turn, joined: Joined) -> None:
    turn.say(Text("child-intro", {"slot": child_slot_text(joined.slot, joined.zone),
                                  "about": child_about({"subject": joined.subject})}),
             choices=[[button("child-yes", ChildReply(joined.ref, True, joined.child))],
                      [button("child-no", ChildReply(joined.ref, False, joined.child))]])


async def open_invite(turn: Turn, interviews: Interviews, code: str,
                      now: datetime) -> Invitation | None:
    """An invite was opened: remembered, not yet used, or refused kindly."""
    code = code.strip().upper()
    result = await interviews.invitation(turn.event.channel, turn.event.user_id, code, now)
    if isinstance(result, str):
        turn.say(Text(result))
        return None
    turn.state.invite = InviteOpened(code).pack()
    return result


async def reopen_invite(turn: Turn, interviews: Interviews, now: datetime) -> Invitation | None:
    """The invite opened earlier, checked again (it may have been used or moved since)."""
    code = opened_code(turn.state)
    turn.state.invite = None
    return None if code is None else await open_invite(turn, interviews, code, now)


def opened_code(state: ConversationState) -> str | None:
    """The code of an invite this person opened but has not yet said is theirs."""
    invite = invite_state(state.invite)
    return invite.code if isinstance(invite, InviteOpened) else None


def speak_childs_language(turn: Turn, invitation: Invitation) -> bool:
    """A person with no language yet reads the bot in the one the parent chose for the child
    (they can change it with /language). False when there is none to take."""
    if turn.state.language is None and invitation.language in CHILD_LANGUAGES:
        turn.state.language = invitation.language
    return turn.state.language is not None


def ask_who(turn: Turn, invitation: Invitation) -> None:
    name = invitation.child_name
    turn.say(Text("child-ask-who", {"name": name}),
             choices=[[button("child-its-me", ItsMe(True), name=name)],
                      [button("child-not-me", ItsMe(False))]])


def not_me(turn: Turn) -> None:
    """Not the child: the invite stays unused, for the child to open."""
    turn.state.invite = None
    turn.say(Text("child-not-me-done"))


async def join(turn: Turn, interviews: Interviews, code: str, now: datetime) -> Joined | None:
    """The child said it is them: the invite is theirs now, or refused kindly."""
    result = await interviews.join(turn.event.channel, turn.event.user_id, code, now)
    if isinstance(result, str):
        turn.state.invite = None
        turn.say(Text(result))
        return None
    turn.state.invite = InviteJoined(result.ref, result.slot.key, result.zone or "",
                                     result.subject, result.child).pack()
    return result


def remembered(turn: Turn) -> Joined | None:
    """The invite this child joined earlier (to show the explanation again)."""
    invite = invite_state(turn.state.invite)
    if not isinstance(invite, InviteJoined):
        return None
    return Joined(invite.application, "", Slot.from_key(invite.slot), invite.zone or None,
                  invite.subject, invite.child)
