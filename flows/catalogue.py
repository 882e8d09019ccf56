"""The catalogue of guardianship and trusteeship bodies the bot can send applications to.

Data (codes, phones, hours) come from ``flows/data/bodies.json``; every word a person
reads (names, addresses, button labels) lives in ``locales/*/bodies.ftl`` under the ids
built by :func:`region_label_id`, :func:`body_label_id`, :func:`body_short_id` and
:func:`body_address_id`. Codes are short ASCII so they fit 64-byte button payloads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "BODIES_PATH",
    "CODE_RE",
    "Body",
    "Catalogue",
    "Region",
    "body_address_id",
    "body_label_id",
    "body_short_id",
    "load_catalogue",
    "region_label_id",
]

BODIES_PATH = Path(__file__).parent / "data" / "bodies.json"

# Lower-case ASCII, digits and hyphens, at most 20: safe in callback data and Fluent ids.
CODE_RE = re.compile(r"[a-z][a-z0-9-]{0,19}")


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


@dataclass(frozen=True)
class Region:
    """A region the person picks first; its bodies in catalogue order."""

    code: str
    bodies: tuple[Body, ...]


@dataclass(frozen=True)
class Catalogue:
    regions: tuple[Region, ...]

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


def load_catalogue(path: Path | str | None = None) -> Catalogue:
    """Read and check the catalogue: bad codes or duplicates fail at start-up, not mid-chat."""
    raw: dict[str, Any] = json.loads(Path(path or BODIES_PATH).read_text(encoding="utf-8"))
    seen: set[str] = set()
    regions: list[Region] = []
    for region_row in raw["regions"]:
        region_code = _code(region_row["code"], seen)
        bodies = tuple(_body(row, region_code, seen) for row in region_row["bodies"])
        if not bodies:
            raise ValueError(f"region {region_code!r} has no bodies")
        regions.append(Region(region_code, bodies))
    return Catalogue(tuple(regions))


def _code(code: object, seen: set[str]) -> str:
    if not isinstance(code, str) or not CODE_RE.fullmatch(code):
        raise ValueError(f"bad catalogue code {code!r}")
    if code in seen:
        raise ValueError(f"duplicate catalogue code {code!r}")
    seen.add(code)
    return code


def _body(row: dict[str, Any], region: str, seen: set[str]) -> Body:
    return Body(
        code=_code(row["code"], seen),
        region=region,
        phone=row.get("phone") or None,
        email=row.get("email") or None,
        hours=row["hours"],
        kind=row.get("kind", ""),
        verified=bool(row.get("verified", False)),
    )
