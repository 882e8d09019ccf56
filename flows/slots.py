"""Interview slots for hearing a child's opinion (a child aged 10 or more).

The guardianship body hears the child within :data:`TERM_WORKING_DAYS` working days after
the documents are checked, with a parent present; a child abroad joins through a messenger
from another time zone. The bot offers the parent the free slots of that term.

Days are only ever counted with :mod:`flows.calendar` (the project's one working-day
calendar); times are aware datetimes in Asia/Almaty (:data:`flows.calendar.KZ_TZ`).

Rules of :func:`free_slots`
---------------------------
* The term: the working days after the acceptance day up to and including
  :func:`term_end` (the acceptance day itself never counts).
* Hours of a term day: its office intervals (9:00-13:00, 14:30-18:30) united with the
  ranges staff *opened* on that day; slots are cut consecutively from the start of each
  merged interval, so none crosses lunch or the end of the (possibly extended) day.
* Opened ranges may lie outside office hours (an evening for a child in the Americas, the
  lunch break): staff decided so. They are still bound by the calendar: the part of a
  range that falls on a non-working day or outside the term is ignored (a range is split
  at local midnight, day by day), so an opened range never adds a day off or a day past
  the term. An opened range that adjoins or overlaps office hours extends that interval;
  ranges on the half hour keep the usual grid.
* A slot overlapping a *closed* range (even by a minute) is out.
* A slot overlapping a *taken* slot (its key read back with :meth:`Slot.from_key`) is
  out, which removes the booked slot itself and any slot of a shifted grid that would
  double-book the same staff time.
* A slot starting earlier than ``now`` + :data:`MIN_NOTICE` is out: nobody can be
  reached in less.
* With ``birth`` given, a slot on a day the child is younger than ``min_age`` full years
  (:func:`flows.validators.age_on`, 29 February births included) is out.

The child's night (:func:`at_night`)
------------------------------------
A child abroad lives by another clock. A slot any part of which falls between
:data:`NIGHT_STARTS` (21:00) and :data:`NIGHT_ENDS` (07:00) in the child's zone is at night
for the child: it is still offered (the term is short, and the office may have no other
time), but marked and listed after the others (:func:`daytime_first`), and a parent whose
choice holds no daytime time at all is told so (:func:`has_daytime`). The hours are the
project's choice of a child's waking day, not a rule of the seeds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flows.calendar import KZ_TZ, add_working_days, next_working_day, office_intervals
from flows.validators import age_on

__all__ = [
    "MIN_NOTICE",
    "NIGHT_ENDS",
    "NIGHT_STARTS",
    "SLOT_MINUTES",
    "TERM_WORKING_DAYS",
    "Availability",
    "Slot",
    "at_night",
    "candidate_slots",
    "daytime_first",
    "free_slots",
    "has_daytime",
    "term_days",
    "term_end",
    "term_over",
    "times",
]

SLOT_MINUTES = 30
TERM_WORKING_DAYS = 4
# Nobody (the parent, the child abroad, the specialist) can be reached in less.
MIN_NOTICE = timedelta(hours=1)
# The child's night, in the child's own zone: times then are marked and offered last.
NIGHT_STARTS = time(21, 0)
NIGHT_ENDS = time(7, 0)

Range = tuple[datetime, datetime]

_KEY = re.compile(r"[0-9]{12}")
_KEY_FORMAT = "%Y%m%d%H%M"


def term_end(accepted_on: date) -> date:
    """The last day of the term: the 4th working day after the documents were checked."""
    return add_working_days(accepted_on, TERM_WORKING_DAYS)


def reminder_expires(start: datetime, hours_before: int) -> datetime:
    """A reminder saying "in N hours" misleads once a quarter of N has passed, and is
    pointless after the start: late, it is dropped rather than sent."""
    return start - timedelta(hours=hours_before) * 3 / 4


def term_days(accepted_on: date) -> list[date]:
    """The working days after ``accepted_on`` up to and including :func:`term_end`."""
    end = term_end(accepted_on)
    days: list[date] = []
    day = accepted_on
    while day < end:
        day = next_working_day(day)
        days.append(day)
    return days


def _aware(at: datetime, what: str) -> datetime:
    """The same instant in Asia/Almaty; a naive datetime would mean the server's zone."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{what}: an aware datetime is required")
    return at.astimezone(KZ_TZ)


@dataclass(frozen=True)
class Slot:
    """One interview slot ``[start, end)``, stored in Asia/Almaty."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        start = _aware(self.start, "slot start")
        end = _aware(self.end, "slot end")
        if end <= start:
            raise ValueError("a slot must end after it starts")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)

    @property
    def key(self) -> str:
        """Local Kazakhstan start time as ``YYYYMMDDHHMM``: 12 ASCII digits for a button."""
        return self.start.strftime(_KEY_FORMAT)

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @classmethod
    def from_key(cls, key: str, minutes: int = SLOT_MINUTES) -> Slot:
        """The slot starting at ``key`` (see :attr:`key`); ``ValueError`` if malformed."""
        if not _KEY.fullmatch(key):
            raise ValueError(f"bad slot key {key!r}")
        start = datetime.strptime(key, _KEY_FORMAT).replace(tzinfo=KZ_TZ)
        return cls(start, _plus(start, minutes))

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Half-open overlap with ``[start, end)``: touching ends do not overlap."""
        return self.start < end and start < self.end


@dataclass
class Availability:
    """What a body's staff changed from the default office hours (aware datetimes).

    ``opened`` ranges may lie outside office hours but only count on working days of the
    term; ``closed`` ranges remove every slot they touch. See the module docstring.
    """

    closed: list[Range] = field(default_factory=list)
    opened: list[Range] = field(default_factory=list)


def _plus(at: datetime, minutes: int) -> datetime:
    """``at`` + ``minutes`` of elapsed time (computed in UTC, so safe across any DST)."""
    return (at.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(KZ_TZ)


def _check_minutes(minutes: int) -> None:
    if minutes <= 0:
        raise ValueError("minutes must be > 0")


def _cut(start: datetime, end: datetime, minutes: int) -> list[Slot]:
    """Consecutive slots from ``start`` that end no later than ``end``."""
    slots: list[Slot] = []
    slot_start = start
    while True:
        slot_end = _plus(slot_start, minutes)
        if slot_end > end:
            return slots
        slots.append(Slot(slot_start, slot_end))
        slot_start = slot_end


def _merge(ranges: Iterable[Range]) -> list[Range]:
    """Union of ``[start, end)`` ranges as sorted disjoint ranges (touching ones join)."""
    merged: list[Range] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def candidate_slots(days: Iterable[date], minutes: int = SLOT_MINUTES) -> list[Slot]:
    """Slots inside each day's office intervals, in order (none on a day off)."""
    _check_minutes(minutes)
    return [
        slot
        for day in sorted(set(days))
        for start, end in office_intervals(day)
        for slot in _cut(start, end, minutes)
    ]


def _day_bounds(day: date) -> Range:
    """Local midnight to the next local midnight."""
    return (
        datetime.combine(day, time(0), KZ_TZ),
        datetime.combine(day + timedelta(days=1), time(0), KZ_TZ),
    )


def _opened_on(day: date, opened: Sequence[Range]) -> list[Range]:
    """The parts of the opened ranges that fall on ``day`` (Kazakhstan local time)."""
    day_start, day_end = _day_bounds(day)
    parts: list[Range] = []
    for raw_start, raw_end in opened:
        start = max(_aware(raw_start, "opened start"), day_start)
        end = min(_aware(raw_end, "opened end"), day_end)
        if start < end:
            parts.append((start, end))
    return parts


def _day_slots(day: date, opened: Sequence[Range], minutes: int) -> list[Slot]:
    """Slots of one working day: office intervals united with what staff opened."""
    intervals = _merge([*office_intervals(day), *_opened_on(day, opened)])
    return [slot for start, end in intervals for slot in _cut(start, end, minutes)]


def free_slots(
    accepted_on: date,
    now: datetime,
    taken: set[str],
    availability: Availability | None = None,
    birth: date | None = None,
    min_age: int = 10,
    minutes: int = SLOT_MINUTES,
) -> list[Slot]:
    """The slots a parent may still book for the interview, in order.

    ``taken`` holds keys of booked slots (each read as ``minutes`` long). Every slot lies
    on a working day of the term, never past :func:`term_end`; see the module docstring.
    """
    _check_minutes(minutes)
    earliest = _aware(now, "now") + MIN_NOTICE
    availability = availability or Availability()
    closed = [(_aware(s, "closed start"), _aware(e, "closed end")) for s, e in availability.closed]
    busy = [Slot.from_key(key, minutes) for key in taken]

    slots: list[Slot] = []
    for day in term_days(accepted_on):
        if birth is not None and age_on(birth, day) < min_age:
            continue
        for slot in _day_slots(day, availability.opened, minutes):
            if slot.start < earliest:
                continue
            if any(slot.overlaps(start, end) for start, end in closed):
                continue
            if any(slot.overlaps(b.start, b.end) for b in busy):
                continue
            slots.append(slot)
    return slots


def times(slot: Slot, child_tz: ZoneInfo | None) -> dict[str, str]:
    """Start time and date for display: in Kazakhstan and, if it differs, the child's.

    The child's keys are present only when ``child_tz`` is given and its UTC offset at
    the slot's start differs from Kazakhstan's; zoneinfo picks the offset in force at
    that instant, so daylight-saving changes inside the term are handled.
    """
    kz = slot.start.astimezone(KZ_TZ)
    shown = {"kz_start": kz.strftime("%H:%M"), "kz_date": kz.strftime("%d.%m.%Y")}
    if child_tz is not None:
        child = slot.start.astimezone(child_tz)
        if child.utcoffset() != kz.utcoffset():
            shown["child_start"] = child.strftime("%H:%M")
            shown["child_date"] = child.strftime("%d.%m.%Y")
    return shown


def term_over(accepted_on: date, now: datetime,
              availability: Availability | None = None) -> bool:
    """No time of the term can be booked any more, whoever booked or closed what: its last
    time (in office hours, or in a range staff opened) has passed or starts within
    :data:`MIN_NOTICE`. Not "no free time": staff may still open some of the term then."""
    opened = Availability(opened=list(availability.opened)) if availability else None
    return not free_slots(accepted_on, now, set(), opened)


def at_night(slot: Slot, child_tz: ZoneInfo | None) -> bool:
    """Any part of ``slot`` lies between 21:00 and 07:00 in the child's zone (a child in
    Kazakhstan, ``child_tz`` None, lives by the office's clock: never at night)."""
    if child_tz is None:
        return False
    start, end = slot.start.astimezone(child_tz), slot.end.astimezone(child_tz)
    day = start.date()
    for evening in (day - timedelta(days=1), day):  # the night before and the night after
        night_start = datetime.combine(evening, NIGHT_STARTS, child_tz)
        night_end = datetime.combine(evening + timedelta(days=1), NIGHT_ENDS, child_tz)
        if start < night_end and night_start < end:
            return True
    return False


def daytime_first(slots: Iterable[Slot], child_tz: ZoneInfo | None) -> list[Slot]:
    """The slots in order, those at night for the child after the others."""
    ordered = list(slots)
    return ([slot for slot in ordered if not at_night(slot, child_tz)]
            + [slot for slot in ordered if at_night(slot, child_tz)])


def has_daytime(slots: Iterable[Slot], child_tz: ZoneInfo | None) -> bool:
    """Some slot lies wholly between 07:00 and 21:00 for the child."""
    return any(not at_night(slot, child_tz) for slot in slots)
