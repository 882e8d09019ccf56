"""The catalogue of guardianship and trusteeship bodies the bot can send applications to.

Data (codes, phones, hours) come from ``flows/data/bodies.json``; every word a person
reads (names, addresses, button labels) lives in ``locales/*/bodies.ftl`` under the ids
built by :func:`region_label_id`, :func:`body_label_id`, :func:`body_short_id` and
:func:`body_address_id`. Codes are short ASCII so they fit 64-byte button payloads.

Each body also names the body a complaint about it goes to next, the higher administrative
body of seed 004 p. 13 (:attr:`Body.higher`). The seeds do not say which body that is for a
given provider, so it is data a department edits, "to be confirmed" until it does; its
name and address are in ``locales/*/higher.ftl`` (:func:`higher_label_id`,
:func:`higher_address_id`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.messages import Text

__all__ = [
    "BODIES_PATH",
    "CODE_RE",
    "Body",
    "Catalogue",
    "HigherBody",
    "OfficeHours",
    "Region",
    "body_address_id",
    "body_label_id",
    "body_short_id",
    "higher_address_id",
    "higher_body_text",
    "higher_label_id",
    "load_catalogue",
    "region_label_id",
]

BODIES_PATH = Path(__file__).parent / "data" / "bodies.json"

# Lower-case ASCII, digits and hyphens, at most 20: safe in callback data and Fluent ids.
CODE_RE = re.compile(r"[a-z][a-z0-9-]{0,19}")


@dataclass(frozen=True)
class OfficeHours:
    """Office hours as the data writes them: "mon-fri 09:00-18:30, lunch 13:00-14:30"."""

    days: str  # "mon-fri": the locales name the days
    opens: str  # "09:00"
    closes: str
    lunch: tuple[str, str] | None = None


_HOURS_RE = re.compile(r"(?P<days>[a-z]{3}(?:-[a-z]{3})?)"
                       r" (?P<opens>\d\d:\d\d)-(?P<closes>\d\d:\d\d)"
                       r"(?:, lunch (?P<from>\d\d:\d\d)-(?P<to>\d\d:\d\d))?")


def _office_hours(text: str) -> OfficeHours | None:
    """The hours, if the data gives them in the one form the bot can show; else None (and
    the bot says it does not know them: it never guesses)."""
    found = _HOURS_RE.fullmatch(text.strip())
    if found is None:
        return None
    lunch = (found["from"], found["to"]) if found["from"] else None
    return OfficeHours(found["days"], found["opens"], found["closes"], lunch)


@dataclass(frozen=True)
class HigherBody:
    """The body a complaint about a provider goes to next: the higher administrative body
    (seed 004 p. 13: "жоғары тұрған әкімшілік орган"). Its name and address are the locale
    messages `higher-<code>` and `higher-<code>-address`."""

    code: str
    confirmed: bool = False  # False: "to be confirmed", the seeds do not name it
    verified: bool = False  # its address checked against an official source
    phone: str | None = None  # only a verified number; never a guessed one
    source: str = ""


@dataclass(frozen=True)
class Body:
    """One service provider (an education administration or department)."""

    code: str
    region: str
    phone: str | None
    email: str | None
    hours: str
    kind: str = ""  # capital | city-republican | city-regional | district
    verified: bool = False  # address checked against an official source
    # Where a complaint goes next (seed 004 p. 13); None: not known yet, to be confirmed.
    higher: HigherBody | None = None

    @property
    def office_hours(self) -> OfficeHours | None:
        """The hours in a form the bot can show; None when the data has none it can read."""
        return _office_hours(self.hours)


@dataclass(frozen=True)
class Region:
    """A region the person picks first; its bodies in catalogue order."""

    code: str
    bodies: tuple[Body, ...]


@dataclass(frozen=True)
class Catalogue:
    regions: tuple[Region, ...]
    higher_bodies: tuple[HigherBody, ...] = ()

    def region(self, code: str) -> Region:
        """The region with this code; ``KeyError`` if unknown."""
        for region in self.regions:
            if region.code == code:
                return region
        raise KeyError(code)

    def body(self, code: str) -> Body:
        """The body with this code in any region; ``KeyError`` if unknown."""
        for body in self.bodies():
            if body.code == code:
                return body
        raise KeyError(code)

    def bodies(self) -> Iterator[Body]:
        for region in self.regions:
            yield from region.bodies


def region_label_id(code: str) -> str:
    return f"region-{code}"


def body_label_id(code: str) -> str:
    """The body's official name."""
    return f"body-{code}"


def body_short_id(code: str) -> str:
    """A button label of at most 20 characters."""
    return f"body-{code}-short"


def body_address_id(code: str) -> str:
    return f"body-{code}-address"


def higher_label_id(code: str) -> str:
    """The higher administrative body's official name."""
    return f"higher-{code}"


def higher_address_id(code: str) -> str:
    return f"higher-{code}-address"


def higher_body_text(body: Body) -> Text:
    """The higher administrative body of `body` as a citizen reads it: its name and address,
    marked "to be confirmed" until a department confirms it; or that it is not known yet."""
    higher = body.higher
    if higher is None:
        return Text("higher-not-known")
    args: dict[str, Any] = {"name": Text(higher_label_id(higher.code)),
                            "address": Text(higher_address_id(higher.code))}
    return Text("higher-named" if higher.confirmed else "higher-named-unconfirmed", args)


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Read and check the catalogue: bad codes or duplicates fail at start-up, not mid-chat."""
    raw: dict[str, Any] = json.loads(Path(path or BODIES_PATH).read_text(encoding="utf-8"))
    seen: set[str] = set()
    higher = {body.code: body for body in (_higher(row, seen)
                                           for row in raw.get("higher_bodies", ()))}
    regions: list[Region] = []
    for region_row in raw["regions"]:
        region_code = _code(region_row["code"], seen)
        bodies = tuple(_body(row, region_code, seen, higher) for row in region_row["bodies"])
        if not bodies:
            raise ValueError(f"region {region_code!r} has no bodies")
        regions.append(Region(region_code, bodies))
    return Catalogue(tuple(regions), tuple(higher.values()))


def _code(code: object, seen: set[str]) -> str:
    if not isinstance(code, str) or not CODE_RE.fullmatch(code):
        raise ValueError(f"bad catalogue code {code!r}")
    if code in seen:
        raise ValueError(f"duplicate catalogue code {code!r}")
    seen.add(code)
    return code


def _body(row: dict[str, Any], region: str, seen: set[str],
          higher: dict[str, HigherBody]) -> Body:
    code = _code(row["code"], seen)
    above = row.get("higher")
    if above is not None and above not in higher:
        raise ValueError(f"body {code!r}: unknown higher body {above!r}")
    return Body(
        code=code,
        region=region,
        phone=row.get("phone") or None,
        email=row.get("email") or None,
        hours=row["hours"],
        kind=row.get("kind", ""),
        verified=bool(row.get("verified", False)),
        higher=higher[above] if above is not None else None,
    )


def _higher(row: dict[str, Any], seen: set[str]) -> HigherBody:
    return HigherBody(
        code=_code(row["code"], seen),
        confirmed=bool(row.get("confirmed", False)),
        verified=bool(row.get("verified", False)),
        phone=row.get("phone") or None,
        source=str(row.get("source", "")),
    )
