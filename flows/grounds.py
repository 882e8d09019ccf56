"""The grounds a service may be refused on, read from `flows/data/refusal_grounds.json`: a
list staff pick from, never free text alone, so a refusal cites the law's grounds."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

GROUNDS_PATH = Path(__file__).parent / "data" / "refusal_grounds.json"


@dataclass(frozen=True)
class Ground:
    code: str  # its wording in locales: ground-<code>
    to_be_confirmed: bool
    source: str


def load_grounds(service: str, path: Path = GROUNDS_PATH) -> tuple[Ground, ...]:
    entries = json.loads(path.read_text(encoding="utf-8"))[service]
    return tuple(Ground(e["code"], bool(e["to_be_confirmed"]), str(e["source"]))
                 for e in entries)
