"""Kazakhstan working days and office hours, pinned to real dates."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from flows import calendar as cal
from flows.calendar import (
    KZ_TZ,
    LUNCH,
    OFFICE_CLOSE,
    OFFICE_OPEN,
    TRANSFERS_PATH,
    WorkingCalendar,
    add_working_days,
    is_office_open,
    is_working_day,
    load_transfers,
    next_office_opening,
    next_working_day,
    office_intervals,
    registration_date,
    subtract_working_days,
)

# A copy of shared/testdata/kz-workdays.json, shipped so these cases always run.
SHARED = Path(__file__).resolve().parents[1] / "data" / "kz-workdays.json"


def _workdays_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SHARED.read_text(encoding="utf-8"))
    return data


def _rows(section: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = _workdays_data()[section]
    return rows


def kz(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=KZ_TZ)


# --- the clock -----------------------------------------------------------------------


def test_tzdata_has_kazakhstan_single_zone_utc5() -> None:
    # Kazakhstan moved to UTC+5 nationwide on 1 March 2024 (tzdata 2024a). An older
    # tzdata gives +6 for Asia/Almaty: every deadline would be an hour off. Upgrade
    # tzdata (pip install -U tzdata, or the OS package) rather than patching the offset.
    offset = datetime(2026, 6, 1, 12, tzinfo=KZ_TZ).utcoffset()
    assert offset == timedelta(hours=5), f"Asia/Almaty offset is {offset}: tzdata too old"
    assert datetime(2024, 2, 1, 12, tzinfo=KZ_TZ).utcoffset() == timedelta(hours=6)


def test_office_constants() -> None:
    assert time(9, 0) == OFFICE_OPEN
    assert time(18, 30) == OFFICE_CLOSE
    assert (time(13, 0), time(14, 30)) == LUNCH


# --- pinned cases from shared/testdata/kz-workdays.json --------------------------------


def test_shared_data_present() -> None:
    data = _workdays_data()
    assert data["add_working_days"] and data["registration"]


@pytest.mark.parametrize("row", _rows("add_working_days"), ids=lambda r: f"{r['start']}+{r['n']}")
def test_shared_add_working_days(row: dict[str, Any]) -> None:
    start = date.fromisoformat(row["start"])
    result = date.fromisoformat(row["result"])
    assert add_working_days(start, row["n"]) == result, row["why"]
    # and back again: the result is a working day, so subtraction inverts it
    assert subtract_working_days(result, row["n"]) <= start


@pytest.mark.parametrize("row", _rows("registration"), ids=lambda r: r["submitted"])
def test_shared_registration(row: dict[str, Any]) -> None:
    submitted = datetime.fromisoformat(row["submitted"])
    assert registration_date(submitted) == date.fromisoformat(row["registered"]), row["why"]


# --- holidays and transfers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2026, 1, 1), False),  # New Year
        (date(2026, 1, 2), False),
        (date(2026, 1, 5), True),
        (date(2026, 1, 7), False),  # Orthodox Christmas
        (date(2026, 3, 9), False),  # 8 March fell on Sunday
        (date(2026, 3, 23), False),  # Nauryz
        (date(2026, 3, 24), False),  # moved from 21 March (Sat)
        (date(2026, 3, 25), False),  # moved from 22 March (Sun)
        (date(2026, 3, 26), True),
        (date(2026, 5, 1), False),
        (date(2026, 5, 7), False),
        (date(2026, 5, 11), False),  # Victory Day 9 May fell on Saturday
        (date(2026, 5, 27), False),  # Kurban Ait, first day
        (date(2026, 7, 6), False),  # Capital Day
        (date(2026, 8, 31), True),  # 30 August is no longer a holiday from 2026
        (date(2026, 10, 26), False),  # Republic Day 25 Oct fell on Sunday
        (date(2026, 12, 16), False),  # Independence Day
        (date(2026, 12, 17), True),
        (date(2026, 11, 21), False),  # plain Saturday
        (date(2026, 11, 22), False),  # plain Sunday
        (date(2025, 1, 3), False),  # decree transfer (from Sunday 5 January)
        (date(2025, 1, 5), True),  # ... which became a working Sunday
        (date(2024, 5, 4), True),  # working Saturday known to holidays.KZ
        (date(2024, 5, 8), False),
        # 2027 (RULES.md): Constitution Day is a holiday from 2027; three days moved
        (date(2027, 1, 4), False),  # 2 January fell on Saturday
        (date(2027, 3, 15), False),  # Constitution Day
        (date(2027, 3, 16), True),
        (date(2027, 3, 24), False),  # Nauryz 21 March fell on Sunday
        (date(2027, 5, 3), False),  # 1 May fell on Saturday
        (date(2027, 5, 10), False),  # Victory Day 9 May fell on Sunday
    ],
)
def test_is_working_day(day: date, working: bool) -> None:
    assert is_working_day(day) is working


def test_every_transfer_row_is_honoured() -> None:
    rows = json.loads(TRANSFERS_PATH.read_text(encoding="utf-8"))["transfers"]
    assert rows, "the transfer table should pin at least the 2025 rows"
    for row in rows:
        assert row["source"].strip()
        day = date.fromisoformat(row["date"])
        assert is_working_day(day) is (row["kind"] == "working_day"), row


def test_transfer_table_overrides_the_package(tmp_path: Path) -> None:
    table = {
        "transfers": [
            # a made-up decree: Friday 4 Dec 2026 off, Saturday 12 Dec 2026 worked
            {"date": "2026-12-04", "kind": "day_off", "source": "test"},
            {"date": "2026-12-12", "kind": "working_day", "source": "test"},
        ]
    }
    path = tmp_path / "transfers.json"
    path.write_text(json.dumps(table), encoding="utf-8")
    custom = WorkingCalendar(load_transfers(path))
    assert custom.is_working_day(date(2026, 12, 4)) is False
    assert custom.is_working_day(date(2026, 12, 12)) is True
    # Thu 3 Dec + 1 skips the transferred Friday and the weekend
    assert custom.add_working_days(date(2026, 12, 3), 1) == date(2026, 12, 7)
    # Fri 11 Dec + 1 lands on the working Saturday
    assert custom.add_working_days(date(2026, 12, 11), 1) == date(2026, 12, 12)
    # the default calendar is untouched
    assert is_working_day(date(2026, 12, 4)) is True


@pytest.mark.parametrize(
    "rows",
    [
        [{"date": "2026-01-01", "kind": "holiday", "source": "x"}],
        [{"date": "2026-01-01", "kind": "day_off", "source": " "}],
        [
            {"date": "2026-01-01", "kind": "day_off", "source": "x"},
            {"date": "2026-01-01", "kind": "working_day", "source": "y"},
        ],
    ],
)
def test_bad_transfer_table_is_rejected(tmp_path: Path, rows: list[dict[str, str]]) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"transfers": rows}), encoding="utf-8")
    with pytest.raises(ValueError):
        load_transfers(path)


# --- arithmetic ------------------------------------------------------------------------


def test_five_working_days_over_nauryz() -> None:
    assert add_working_days(date(2026, 3, 19), 5) == date(2026, 3, 31)


def test_one_working_day_over_independence_day() -> None:
    assert add_working_days(date(2026, 12, 15), 1) == date(2026, 12, 17)


def test_zero_days_is_the_start() -> None:
    assert add_working_days(date(2026, 3, 21), 0) == date(2026, 3, 21)
    assert subtract_working_days(date(2026, 3, 21), 0) == date(2026, 3, 21)


def test_start_on_a_day_off_does_not_count() -> None:
    # Saturday: the first working day after it is Monday
    assert add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 23)


def test_negative_n_is_refused() -> None:
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), -1)
    with pytest.raises(ValueError):
        subtract_working_days(date(2026, 1, 5), -1)


def test_next_working_day_is_strictly_after() -> None:
    assert next_working_day(date(2026, 11, 23)) == date(2026, 11, 24)
    assert next_working_day(date(2026, 12, 31)) == date(2027, 1, 5)  # 1-2 Jan, 4 Jan obs.


@pytest.mark.parametrize(
    ("end", "n", "expected"),
    [
        (date(2026, 3, 31), 5, date(2026, 3, 19)),
        (date(2026, 12, 17), 1, date(2026, 12, 15)),
        (date(2026, 11, 27), 3, date(2026, 11, 24)),  # "3 working days before" Fri
        (date(2026, 5, 12), 1, date(2026, 5, 8)),  # over Victory Day (obs. Mon 11 May)
    ],
)
def test_subtract_working_days(end: date, n: int, expected: date) -> None:
    assert subtract_working_days(end, n) == expected


def test_subtract_inverts_add_on_working_days() -> None:
    day = date(2026, 1, 5)
    while day < date(2027, 1, 31):
        if is_working_day(day):
            for n in (1, 3, 5, 19):
                assert subtract_working_days(add_working_days(day, n), n) == day
                assert add_working_days(subtract_working_days(day, n), n) == day
        day += timedelta(days=1)


# --- registration ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("submitted", "registered"),
    [
        (kz(2026, 11, 24, 12, 0), date(2026, 11, 24)),  # Tuesday, open
        (kz(2026, 11, 24, 13, 30), date(2026, 11, 24)),  # lunch still counts
        (kz(2026, 11, 24, 18, 29), date(2026, 11, 24)),
        (kz(2026, 11, 24, 18, 30), date(2026, 11, 25)),  # closing time: next day
        (kz(2026, 11, 24, 23, 59), date(2026, 11, 25)),
        (kz(2026, 11, 25, 7, 0), date(2026, 11, 25)),  # before opening: that day
        (kz(2026, 11, 21, 10, 0), date(2026, 11, 23)),  # Saturday -> Monday
        (kz(2026, 3, 20, 19, 0), date(2026, 3, 26)),  # Friday evening before Nauryz
    ],
)
def test_registration_date(submitted: datetime, registered: date) -> None:
    assert registration_date(submitted) == registered


def test_registration_converts_other_time_zones() -> None:
    # 14:00 UTC on Friday = 19:00 in Kazakhstan: after hours -> Monday
    assert registration_date(datetime(2026, 11, 20, 14, 0, tzinfo=UTC)) == date(2026, 11, 23)
    # 23:30 UTC on Sunday = 04:30 Monday in Kazakhstan -> Monday
    assert registration_date(datetime(2026, 11, 22, 23, 30, tzinfo=UTC)) == date(2026, 11, 23)


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError):
        registration_date(datetime(2026, 11, 20, 12, 0))
    with pytest.raises(ValueError):
        is_office_open(datetime(2026, 11, 20, 12, 0))


# --- office hours ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("at", "open_"),
    [
        (kz(2026, 11, 24, 8, 59), False),
        (kz(2026, 11, 24, 9, 0), True),
        (kz(2026, 11, 24, 12, 59), True),
        (kz(2026, 11, 24, 13, 0), False),  # lunch
        (kz(2026, 11, 24, 14, 29), False),
        (kz(2026, 11, 24, 14, 30), True),
        (kz(2026, 11, 24, 18, 29), True),
        (kz(2026, 11, 24, 18, 30), False),
        (kz(2026, 11, 21, 11, 0), False),  # Saturday
        (kz(2026, 12, 16, 11, 0), False),  # Independence Day
    ],
)
def test_is_office_open(at: datetime, open_: bool) -> None:
    assert is_office_open(at) is open_


@pytest.mark.parametrize(
    ("at", "expected"),
    [
        (kz(2026, 11, 20, 19, 0), kz(2026, 11, 23, 9, 0)),  # Friday evening -> Monday
        (kz(2026, 11, 24, 13, 15), kz(2026, 11, 24, 14, 30)),  # lunch -> end of lunch
        (kz(2026, 11, 24, 7, 45), kz(2026, 11, 24, 9, 0)),  # early morning
        (kz(2026, 12, 15, 18, 45), kz(2026, 12, 17, 9, 0)),  # over Independence Day
        (kz(2026, 3, 20, 18, 30), kz(2026, 3, 26, 9, 0)),  # over Nauryz
    ],
)
def test_next_office_opening(at: datetime, expected: datetime) -> None:
    got = next_office_opening(at)
    assert got == expected
    assert got.tzinfo is not None and got.utcoffset() == timedelta(hours=5)


def test_next_office_opening_returns_at_itself_when_open() -> None:
    at = datetime(2026, 11, 24, 5, 0, tzinfo=UTC)  # 10:00 in Kazakhstan
    assert next_office_opening(at) is at


def test_office_intervals() -> None:
    assert office_intervals(date(2026, 11, 24)) == [
        (kz(2026, 11, 24, 9, 0), kz(2026, 11, 24, 13, 0)),
        (kz(2026, 11, 24, 14, 30), kz(2026, 11, 24, 18, 30)),
    ]
    assert office_intervals(date(2026, 11, 22)) == []
    assert office_intervals(date(2026, 12, 16)) == []


def test_default_calendar_is_shared() -> None:
    assert cal.default_calendar() is cal.default_calendar()
