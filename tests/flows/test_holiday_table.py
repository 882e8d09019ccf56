"""Issue 15 (memory): working days are counted from a table of Kazakhstan's holidays written
from the `holidays` library, so that the bot does not hold the library's 250 countries."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from flows.holiday_table import YEARS, from_library, holidays_of

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("year", YEARS)
def test_the_table_says_what_the_library_says(year: int) -> None:
    assert holidays_of(year) == from_library(year), (
        f"holidays.KZ now counts {year} otherwise: run python -m flows.holiday_table")


def test_a_year_outside_the_table_is_asked_of_the_library() -> None:
    days_off, _ = holidays_of(YEARS.stop + 4)
    assert date(YEARS.stop + 4, 12, 16) in days_off  # Independence Day


def test_working_days_are_counted_without_the_library_in_memory() -> None:
    counted = subprocess.run(
        [sys.executable, "-c", "import sys; from datetime import date; "
         "from flows.calendar import add_working_days; "
         "print(add_working_days(date(2026, 12, 14), 3), 'holidays' in sys.modules)"],
        cwd=ROOT, capture_output=True, text=True, check=True, timeout=60)
    # the 15th, the 17th and the 18th: the 16th is Independence Day
    assert counted.stdout.split() == ["2026-12-18", "False"]
