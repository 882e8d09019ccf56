"""One person's turns one at a time, in one process: a lock per person while anyone holds or
waits for it. A lock nobody needs is forgotten, so a process that has served a million people
does not keep a million locks."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable


class PersonLocks:
    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}  # the lock, its users

    def __len__(self) -> int:
        """People whose turn is under way or waiting."""
        return len(self._locks)

    @contextlib.asynccontextmanager
    async def hold(self, person: Hashable) -> AsyncIterator[None]:
        lock, users = self._locks.get(person, (None, 0))
        lock = lock or asyncio.Lock()
        self._locks[person] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[person]
            if users == 1:
                del self._locks[person]
            else:
                self._locks[person] = (lock, users - 1)
