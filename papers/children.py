"""The children an application names, read one way whatever shape the answers have.

Service 1 keeps a list (`answers["children"]`, each with surname, first_name, patronymic,
birth_date); service 2 keeps one child flat (`child_surname`, ..., `child_birth_date`) and may
get a list too. A paper reads them only through `children_of`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flows.common import full_name


@dataclass(frozen=True)
class Child:
    name: str  # surname, first name and patronymic, the missing ones left out
    birth: date | None


def _birth(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def children_of(answers: Mapping[str, Any]) -> tuple[Child, ...]:
    """The "children" list when there is one, else the flat child_* answers; a child with no
    name at all is left out."""
    listed = answers.get("children")
    found: Iterable[Child]
    if isinstance(listed, list | tuple) and listed:
        found = (Child(full_name(child), _birth(child.get("birth_date")))
                 for child in listed if isinstance(child, Mapping))
    else:
        found = (Child(full_name(answers, "child_"), _birth(answers.get("child_birth_date"))),)
    return tuple(child for child in found if child.name)
