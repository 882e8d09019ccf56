"""In-memory ports, so flows are tested as plain async functions."""

from __future__ import annotations

import contextlib
import copy
import hashlib
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flows.calendar import add_working_days, registration_date
from flows.ports import ApplicationView, ConversationState, Receipt, StoredFile, Submitted


@dataclass
class MemoryConversations:
    states: dict[tuple[str, str], ConversationState] = field(default_factory=dict)

    def turn(self, channel: str, user_id: str) -> AbstractAsyncContextManager[None]:
        return contextlib.nullcontext()  # one process: the engine's own lock is enough

    async def load(self, channel: str, user_id: str) -> ConversationState | None:
        state = self.states.get((channel, user_id))
        return copy.deepcopy(state)

    async def save(
        self, channel: str, user_id: str, state: ConversationState, display_name: str = "",
        receipt: Receipt | None = None,
    ) -> None:
        self.states[(channel, user_id)] = copy.deepcopy(state)


@dataclass
class MemoryFiles:
    blobs: dict[str, bytes] = field(default_factory=dict)

    async def save(self, data: bytes, mime: str) -> StoredFile:
        digest = hashlib.sha256(data).hexdigest()
        self.blobs[digest] = data
        return StoredFile(digest, len(data), mime)


@dataclass
class MemoryApplications:
    submitted: dict[str, dict[str, Any]] = field(default_factory=dict)
    objections: list[tuple[str, str, StoredFile | None]] = field(default_factory=list)

    async def submit(
        self, channel: str, user_id: str, service: str, answers: dict[str, Any],
        draft_key: str, at: datetime,
    ) -> Submitted:
        if draft_key not in self.submitted:
            self.submitted[draft_key] = {"owner": (channel, user_id), "answers": answers,
                                         "number": f"ВП-2026-{len(self.submitted) + 1:05d}",
                                         "at": at}
        entry = self.submitted[draft_key]
        registered = registration_date(entry["at"])
        return Submitted(entry["number"], registered, add_working_days(registered, 1),
                         add_working_days(registered, 5))

    async def list_for(self, channel: str, user_id: str) -> list[ApplicationView]:
        return [
            ApplicationView(str(i), e["number"], "visit", "submitted", e["at"],
                            add_working_days(registration_date(e["at"]), 1))  # the check
            for i, e in enumerate(self.submitted.values())
            if e["owner"] == (channel, user_id)
        ]

    async def get_for(self, channel: str, user_id: str, ref: str) -> ApplicationView | None:
        views = await self.list_for(channel, user_id)
        return next((v for v in views if v.ref == ref), None)

    async def add_objection(
        self, channel: str, user_id: str, ref: str, text: str, document: StoredFile | None
    ) -> str | None:
        view = await self.get_for(channel, user_id, ref)
        if view is None:
            return None
        self.objections.append((view.number, text, document))
        return view.number
