"""Screens of the child-opinion conversation: choosing a time, and the child who joins.

The parent picks a day, then a time; each time shows in Astana time and, for a child
abroad, in the child's time too. The child opens a one-time invite and reads, in plain words,
what will happen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from flows import menu
from flows.interview import child_slot_text, slot_text
from flows.messages import Attachment, Text
from flows.ports import Booking, Interviews, Joined, SlotOffer
from flows.slots import Slot
from flows.turn import Turn, button

CODE_RE = re.compile(r"^[A-HJ-NP-Z2-9]{8}$")  # the invite code's alphabet (no 0/O, 1/I)
InviteText = Callable[[str, str], Text]  # (the parent's channel, the code) -> how to forward it


def looks_like_code(text: str) -> bool:
    return bool(CODE_RE.match(text.strip().upper()))


def show_days(turn: Turn, offer: SlotOffer) -> None:
    days: dict[str, list[Slot]] = {}
    for slot in offer.slots:
        days.setdefault(slot.key[:8], []).append(slot)
    if not days:
        turn.say(Text("booking-no-slots", {"number": offer.number}))
        menu.show(turn)
        return
    rows = [[button("booking-day", f"day:{offer.ref}:{day}", date=slots[0].start.date(),
                    count=len(slots))] for day, slots in days.items()]
    rows.append([button("nav-menu", "menu")])
    turn.say(Text("booking-ask-day", {"number": offer.number}), choices=rows)


def show_times(turn: Turn, offer: SlotOffer, day: str) -> None:
    slots = [slot for slot in offer.slots if slot.key.startswith(day)]
    if not slots:
        show_days(turn, offer)
        return
    rows = [[button("booking-slot", f"slot:{offer.ref}:{slot.key}",
                    slot=slot_text(slot, offer.zone))] for slot in slots]
    rows.append([button("nav-back", f"book:{offer.ref}")])
    turn.say(Text("booking-ask-time"), choices=rows)


def booked(turn: Turn, booking: Booking, invite: Text | None) -> None:
    parts = [Text("booking-confirmed", {"number": booking.number,
                                        "slot": slot_text(booking.slot, booking.zone)})]
    if invite is not None:
        parts.append(invite)
    calendar = Attachment(f"{booking.number}.ics", booking.calendar, "text/calendar")
    turn.say(*parts, attachment=calendar)
    menu.show(turn)


def child_intro(turn: Turn, joined: Joined) -> None:
    turn.say(Text("child-intro", {"slot": child_slot_text(joined.slot, joined.zone)}),
             choices=[[button("child-yes", f"child:{joined.ref}:yes")],
                      [button("child-no", f"child:{joined.ref}:no")]])


async def join(turn: Turn, interviews: Interviews, code: str, now: datetime) -> Joined | None:
    """A child opened an invite: remembered on their conversation, or refused kindly."""
    result = await interviews.join(turn.event.channel, turn.event.user_id, code, now)
    if isinstance(result, str):
        turn.say(Text(result))
        return None
    turn.state.invite = f"{result.ref}|{result.slot.key}|{result.zone or ''}"
    return result


def remembered(turn: Turn) -> Joined | None:
    """The invite this person opened earlier (to show the explanation again)."""
    if not turn.state.invite:
        return None
    ref, key, zone = turn.state.invite.split("|")
    return Joined(ref, "", Slot.from_key(key), zone or None)
