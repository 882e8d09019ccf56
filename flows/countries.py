"""Countries where a child may live or study, and their time zones (remote interviews).

For the child-opinion interview held through a messenger the bot asks the parent the
child's country and, when the country has several time zones, the city; the IANA zone
follows. Data (codes, zones) come from ``flows/data/countries.json`` in order of how
likely a country is; every word a person reads (country and city names, button labels)
lives in ``locales/*/countries.ftl`` under the ids built by :func:`country_label_id`,
:func:`country_short_id` and :func:`city_label_id`. Codes are short ASCII so they fit
64-byte button payloads.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flows.messages import Text

__all__ = [
    "CODE_RE",
    "COUNTRIES_PATH",
    "ISO_RE",
    "OTHER",
    "UTC_HOURS",
    "Countries",
    "Country",
    "Zone",
    "city_label",
    "city_label_id",
    "country_label_id",
    "country_short_id",
    "load_countries",
    "utc_code",
    "utc_hours",
    "utc_zone",
]

COUNTRIES_PATH = Path(__file__).parent / "data" / "countries.json"

# Lower-case ASCII, digits and hyphens, at most 20: safe in callback data and Fluent ids.
CODE_RE = re.compile(r"[a-z0-9-]{1,20}")
ISO_RE = re.compile(r"[a-z]{2}")


@dataclass(frozen=True)
class Zone:
    """One time zone of a country, named in the locales by its representative city."""

    code: str
    tz: str  # IANA name, e.g. "Europe/Berlin"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2, lower case
    zones: tuple[Zone, ...]

    @property
    def single(self) -> bool:
        """One time zone in practice: no need to ask the city."""
        return len(self.zones) == 1


@dataclass(frozen=True)
class Countries:
    all: tuple[Country, ...]  # file order: most likely first

    def country(self, code: str) -> Country:
        """The country with this code; ``KeyError`` if unknown."""
        for country in self.all:
            if country.code == code:
                return country
        raise KeyError(code)

    def zone(self, code: str) -> Zone:
        """The zone with this code in any country, or a UTC offset's (`utc_zone`);
        ``KeyError`` if unknown."""
        if (offset := utc_zone(code)) is not None:
            return offset
        for country in self.all:
            for zone in country.zones:
                if zone.code == code:
                    return zone
        raise KeyError(code)

    def zones_of(self, country_code: str) -> tuple[Zone, ...]:
        """The country's zones in file order; ``KeyError`` if the country is unknown."""
        return self.country(country_code).zones


# A country not on the list: the parent types its name and picks the child's time as an
# offset from UTC, in whole hours (the clocks of the world run from UTC-11 to UTC+14).
OTHER = "other"
UTC_HOURS = range(-11, 15)
_UTC_CODE = re.compile(r"utc([pm])(\d{1,2})")


def utc_code(hours: int) -> str:
    """"utcp3" for UTC+3, "utcm6" for UTC-6: a zone code as safe as a city's."""
    return f"utc{'p' if hours >= 0 else 'm'}{abs(hours)}"


def utc_hours(code: str) -> int | None:
    match = _UTC_CODE.fullmatch(code)
    if match is None:
        return None
    hours = int(match[2]) * (1 if match[1] == "p" else -1)
    return hours if hours in UTC_HOURS else None


def utc_zone(code: str) -> Zone | None:
    """The fixed zone of an offset code (IANA's Etc/GMT names have the sign reversed)."""
    hours = utc_hours(code)
    if hours is None:
        return None
    return Zone(code, "Etc/UTC" if hours == 0 else f"Etc/GMT{-hours:+d}")


def country_label_id(code: str) -> str:
    """The country's common name."""
    return f"country-{code}"


def country_short_id(code: str) -> str:
    """A button label of at most 24 characters; only for names longer than that."""
    return f"country-{code}-short"


def city_label_id(zone_code: str) -> str:
    """The zone's representative city (the capital or the main city of a one-zone country)."""
    return f"city-{zone_code}"


def city_label(zone_code: str) -> Text:
    """What names the child's clock beside a time: the city, or "UTC+3" for an offset."""
    hours = utc_hours(zone_code)
    if hours is None:
        return Text(city_label_id(zone_code))
    return Text("city-utc", {"offset": f"{hours:+d}".replace("-", "−")})


def load_countries(path: Path | str | None = None) -> Countries:
    """Read and check the countries: bad codes, duplicates or unknown zones fail at start-up."""
    raw: dict[str, Any] = json.loads(Path(path or COUNTRIES_PATH).read_text(encoding="utf-8"))
    country_codes: set[str] = set()
    zone_codes: set[str] = set()
    countries: list[Country] = []
    for row in raw["countries"]:
        code = _code(row["code"], country_codes, "country")
        if not ISO_RE.fullmatch(code):
            raise ValueError(f"country code {code!r} is not ISO 3166-1 alpha-2 in lower case")
        zones = tuple(_zone(zone_row, zone_codes) for zone_row in row["zones"])
        if not zones:
            raise ValueError(f"country {code!r} has no zones")
        countries.append(Country(code, zones))
    if not countries:
        raise ValueError("no countries")
    return Countries(tuple(countries))


def _code(code: object, seen: set[str], what: str) -> str:
    if not isinstance(code, str) or not CODE_RE.fullmatch(code):
        raise ValueError(f"bad {what} code {code!r}")
    if code in seen:
        raise ValueError(f"duplicate {what} code {code!r}")
    seen.add(code)
    return code


def _zone(row: dict[str, Any], seen: set[str]) -> Zone:
    code = _code(row["code"], seen, "zone")
    tz = row["tz"]
    if not isinstance(tz, str):
        raise ValueError(f"zone {code!r}: bad tz {tz!r}")
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError) as error:  # OSError: "Europe" is a folder
        raise ValueError(f"zone {code!r}: unknown tz {tz!r}") from error
    return Zone(code, tz)
