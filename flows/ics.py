"""An RFC 5545 calendar file for a booked interview slot, built with ``icalendar``.

Times are written in UTC (``DTSTART:20261125T050000Z``): unambiguous for every client and
every time zone of a child abroad, with no VTIMEZONE to keep in step with tzdata.
``icalendar`` (3 MB) is imported with the first invitation, not with the bot.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flows.slots import Slot

__all__ = ["PRODID", "calendar_invite"]

PRODID = "-//citizen-applications-bot//child-opinion interview//EN"


def calendar_invite(
    slot: Slot,
    uid: str,
    summary: str,
    description: str,
    location: str = "",
    *,
    stamp: datetime,
) -> bytes:
    """A VCALENDAR with one VEVENT for ``slot``; texts come already localized.

    ``uid`` must be globally unique and stable for the booking (a rebooking that keeps
    the UID updates the event in the person's calendar). ``stamp`` is the DTSTAMP:
    when the booking was made, on the app's clock.
    """
    if not uid.strip():
        raise ValueError("uid must not be empty")
    if stamp.tzinfo is None or stamp.utcoffset() is None:
        raise ValueError("stamp: an aware datetime is required")
    from icalendar import Calendar, Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", slot.start.astimezone(UTC))
    event.add("dtend", slot.end.astimezone(UTC))
    event.add("summary", summary)
    event.add("description", description)
    if location:
        event.add("location", location)

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add_component(event)
    data: bytes = cal.to_ical()
    return data
