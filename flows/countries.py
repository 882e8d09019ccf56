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

__all__ = [
    "CODE_RE",
    "COUNTRIES_PATH",
    "ISO_RE",
    "Countries",
    "Country",
    "Zone",
    "city_label_id",
    "country_label_id",
    "country_short_id",
    "load_countries",
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
        """The zone with this code in any country; ``KeyError`` if unknown."""
        for country in self.all:
            for zone in country.zones:
                if zone.code == code:
                    return zone
        raise KeyError(code)

    def zones_of(self, country_code: str) -> tuple[Zone, ...]:
        """The country's zones in file order; ``KeyError`` if the country is unknown."""
        return self.country(country_code).zones


def country_label_id(code: str) -> str:
    """The country's common name."""
    return f"country-{code}"


def country_short_id(code: str) -> str:
    """A button label of at most 24 characters; only for names longer than that."""
    return f"country-{code}-short"


def city_label_id(zone_code: str) -> str:
    """The zone's representative city (the capital or the main city of a one-zone country)."""
    return f"city-{zone_code}"


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
