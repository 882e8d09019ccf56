"""Kazakhstan's public holidays, as the `holidays` library counts them, kept as a table.

`holidays` imports all its 250 countries to find one: 17 MB resident in the bot for a few
hundred dates (issue 15). The table (`flows/data/kz_holidays.json`) is written from it by
`python -m flows.holiday_table`, and a test holds the two equal, so a new release of the
library that learns of a decree shows up as a failing test, not as a silent difference. A
year outside the table is asked of the library itself.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from functools import lru_cache
from pathlib import Path

PATH = Path(__file__).parent / "data" / "kz_holidays.json"
YEARS = range(2020, 2041)

# (days off, weekend days that are working days) of one year.
Year = tuple[frozenset[date], frozenset[date]]


def from_library(year: int) -> Year:
    """What holidays.KZ says of `year`. The next year is asked too: a decree may put a
    working Saturday in the previous December (2014's made 28 Dec 2013 one)."""
    import holidays

    kz = holidays.country_holidays("KZ", years=(year, year + 1))
    days_off = frozenset(d for d in kz if d.year == year)
    workdays = frozenset(d for d in getattr(kz, "weekend_workdays", ()) if d.year == year)
    return days_off, workdays


@lru_cache(maxsize=1)
def _table() -> dict[int, Year]:
    raw = json.loads(PATH.read_text(encoding="utf-8"))
    return {int(year): (frozenset(map(date.fromisoformat, days["days_off"])),
                        frozenset(map(date.fromisoformat, days["weekend_workdays"])))
            for year, days in raw["years"].items()}


def holidays_of(year: int) -> Year:
    found = _table().get(year)
    return found if found is not None else from_library(year)


def written() -> str:
    import holidays

    years = {}
    for year in YEARS:
        days_off, workdays = from_library(year)
        years[str(year)] = {"days_off": sorted(map(str, days_off)),
                            "weekend_workdays": sorted(map(str, workdays))}
    source = f"holidays {holidays.__version__}: holidays.country_holidays('KZ')"
    return json.dumps({"source": source, "years": years}, ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    PATH.write_text(written(), encoding="utf-8")
    print(f"{PATH}: {YEARS.start}-{YEARS.stop - 1}", file=sys.stderr)
