"""The console's `Acts` when there is no staff group to tell: the staff desk alone."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any

from flows.desk import ActResult
from handlers.web.console.ports import StaffDeskWrites


class DeskActs:
    def __init__(self, desk: StaffDeskWrites, clock: Callable[[], datetime],
                 wake: Callable[[], None]) -> None:
        self.desk, self.clock, self.wake = desk, clock, wake

    async def act(self, application_id: int, action: str, details: dict[str, Any],
                  user_id: int, user_name: str) -> ActResult:
        result = await self.desk.act(application_id, action, f"staff:{user_id}", details,
                                     self.clock(), user_name)
        if result.ok:
            self.wake()
        return result

    async def reply(self, person_id: int, text: str, user_id: int, user_name: str) -> None:
        await self.desk.staff_reply(person_id, reply_key(), text, f"staff:{user_id}")
        self.wake()


def reply_key() -> str:
    """The outbox key of a reply written in the console (each one its own message)."""
    return f"reply:console:{secrets.token_hex(8)}"
