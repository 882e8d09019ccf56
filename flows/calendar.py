"""Kazakhstan working-day arithmetic and the provider's office hours.

All service terms (1, 3, 5 working days ...) are counted in Kazakhstan working days:
Mon-Fri, minus public holidays (``holidays.KZ``, which also knows the automatic move of a
holiday falling on a weekend and the decree transfers up to 2025, read from the table it
wrote: ``flows/holiday_table.py``), adjusted by the table ``flows/data/kz_day_transfers.json``
of government transfers of days off (the table wins).

Kazakhstan has one time zone, UTC+5, since 1 March 2024; ``Asia/Almaty`` carries it in
tzdata 2024a and later (tests check the installed tzdata agrees).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from flows.holiday_table import holidays_of

__all__ = [
    "KZ_TZ",
    "LUNCH",
    "OFFICE_CLOSE",
    "OFFICE_OPEN",
    "TRANSFERS_PATH",
    "WorkingCalendar",
    "add_working_days",
    "default_calendar",
    "is_office_open",
    "is_working_day",
    "load_transfers",
    "next_office_opening",
    "next_working_day",
    "office_intervals",
    "registration_date",
    "subtract_working_days",
]

KZ_TZ = ZoneInfo("Asia/Almaty")

# Provider hours per the service standards (order No. 158 as amended by No. 343, item 7).
OFFICE_OPEN = time(9, 0)
OFFICE_CLOSE = time(18, 30)
LUNCH = (time(13, 0), time(14, 30))

TRANSFERS_PATH = Path(__file__).parent / "data" / "kz_day_transfers.json"

TransferKind = Literal["day_off", "working_day"]
_KINDS: frozenset[str] = frozenset({"day_off", "working_day"})

# Far enough for any term in this bot (the longest is 19 working days); guards against
# an endless loop if a broken transfer table ever made every day a day off.
_MAX_SCAN_DAYS = 366


def load_transfers(path: Path | str | None = None) -> dict[date, TransferKind]:
    """Read the transfer table; every row needs a date, a known kind and a source."""
    raw = json.loads(Path(path or TRANSFERS_PATH).read_text(encoding="utf-8"))
    table: dict[date, TransferKind] = {}
    for row in raw.get("transfers", []):
        day = date.fromisoformat(row["date"])
        kind = row["kind"]
        if kind not in _KINDS:
            raise ValueError(f"{day}: unknown transfer kind {kind!r}")
        if not str(row.get("source", "")).strip():
            raise ValueError(f"{day}: transfer row has no source")
        if day in table:
            raise ValueError(f"{day}: duplicate transfer row")
        table[day] = kind
    return table


class WorkingCalendar:
    """Working days = weekdays - KZ holidays + weekend working days, then the transfer table."""

    def __init__(self, transfers: Mapping[date, TransferKind] | None = None) -> None:
        self._transfers: dict[date, TransferKind] = dict(transfers or {})
        self._years: dict[int, tuple[frozenset[date], frozenset[date]]] = {}

    def _year(self, year: int) -> tuple[frozenset[date], frozenset[date]]:
        """(days off, weekend working days) that holidays.KZ knows for one year."""
        cached = self._years.get(year)
        if cached is None:
            cached = self._years[year] = holidays_of(year)
        return cached

    def is_working_day(self, d: date) -> bool:
        kind = self._transfers.get(d)
        if kind is not None:
            return kind == "working_day"
        days_off, weekend_workdays = self._year(d.year)
        if d in days_off:
            return False
        if d in weekend_workdays:
            return True
        return d.weekday() < 5

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``."""
        return self._step(d, 1)

    def previous_working_day(self, d: date) -> date:
        """The last working day strictly before ``d``."""
        return self._step(d, -1)

    def _step(self, d: date, direction: int) -> date:
        day = d
        for _ in range(_MAX_SCAN_DAYS):
            day += timedelta(days=direction)
            if self.is_working_day(day):
                return day
        raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days of {d}")

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start``; ``start`` itself never counts (004 p. 6)."""
        if n < 0:
            raise ValueError("n must be >= 0")
        day = start
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def subtract_working_days(self, end: date, n: int) -> date:
        """The n-th working day before ``end`` (``end`` does not count).

        For "no later than 3 working days before the term ends": the inverse of
        :meth:`add_working_days` for working days, i.e.
        ``add_working_days(subtract_working_days(e, n), n) == e`` when ``e`` is one.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        day = end
        for _ in range(n):
            day = self.previous_working_day(day)
        return day

    def registration_date(self, submitted_at: datetime) -> date:
        """The working day from which an application made at ``submitted_at`` counts.

        Within a working day up to 18:30 -> that day; at or after 18:30, on a weekend or
        holiday -> the next working day (the portal rule: "after working hours, on a
        weekend or holiday counts from the next working day"). Lunch is still within
        the working day. Before 9:00 on a working day -> that same day: the "next working
        day" after the previous evening's closing *is* this day, and the office has not
        lost any of it yet, so counting from tomorrow would wrongly add a day.
        """
        local = _to_kz(submitted_at)
        day = local.date()
        if self.is_working_day(day) and local.time() < OFFICE_CLOSE:
            return day
        return self.next_working_day(day)

    def office_intervals(self, d: date) -> list[tuple[datetime, datetime]]:
        """The open intervals of day ``d`` in Asia/Almaty ([] on a day off)."""
        if not self.is_working_day(d):
            return []
        return [
            (datetime.combine(d, OFFICE_OPEN, KZ_TZ), datetime.combine(d, LUNCH[0], KZ_TZ)),
            (datetime.combine(d, LUNCH[1], KZ_TZ), datetime.combine(d, OFFICE_CLOSE, KZ_TZ)),
        ]

    def is_office_open(self, at: datetime) -> bool:
        """A specialist is at work: working day, office hours, not lunch (end excluded)."""
        local = _to_kz(at)
        return any(start <= local < end for start, end in self.office_intervals(local.date()))

    def next_office_opening(self, at: datetime) -> datetime:
        """``at`` itself if open, else the next moment the office opens (Asia/Almaty)."""
        if self.is_office_open(at):
            return at
        local = _to_kz(at)
        day = local.date()
        for _ in range(_MAX_SCAN_DAYS):
            for start, _end in self.office_intervals(day):
                if local < start:
                    return start
            day = self.next_working_day(day)
        raise ValueError(f"no office opening within {_MAX_SCAN_DAYS} days of {at}")


def _to_kz(at: datetime) -> datetime:
    """Aware datetimes only: a naive one would silently mean the server's zone."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("an aware datetime is required")
    return at.astimezone(KZ_TZ)


@lru_cache(maxsize=1)
def default_calendar() -> WorkingCalendar:
    """The calendar built from ``flows/data/kz_day_transfers.json``, loaded once."""
    return WorkingCalendar(load_transfers())


def is_working_day(d: date) -> bool:
    return default_calendar().is_working_day(d)


def next_working_day(d: date) -> date:
    return default_calendar().next_working_day(d)


def add_working_days(start: date, n: int) -> date:
    return default_calendar().add_working_days(start, n)


def subtract_working_days(end: date, n: int) -> date:
    return default_calendar().subtract_working_days(end, n)


def registration_date(submitted_at: datetime) -> date:
    return default_calendar().registration_date(submitted_at)


def end_of_day(d: date) -> datetime:
    """The first moment after `d` in Astana: a term "by d" runs until then."""
    return datetime.combine(d + timedelta(days=1), time(0), KZ_TZ)


def is_office_open(at: datetime) -> bool:
    return default_calendar().is_office_open(at)


def next_office_opening(at: datetime) -> datetime:
    return default_calendar().next_office_opening(at)


def office_intervals(d: date) -> list[tuple[datetime, datetime]]:
    return default_calendar().office_intervals(d)
