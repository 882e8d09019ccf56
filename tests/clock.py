"""The app's clock in tests: it starts at a fixed moment, runs at the real pace (so retries
and backoffs come due) and moves forward on demand. It never reads the date, so the suite
passes on any day of the calendar."""

from __future__ import annotations

import time
from datetime import datetime, timedelta


class MovableClock:
    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock needs an aware start")
        self._start = start
        self._origin = time.monotonic()
        self._offset = timedelta()

    def __call__(self) -> datetime:
        return self._start + self._offset + timedelta(seconds=time.monotonic() - self._origin)

    def advance(self, delta: timedelta) -> None:
        self._offset += delta

    def move_to(self, moment: datetime) -> None:
        """Jump to `moment` (forward only: time never runs back for the app)."""
        ahead = moment - self()
        if ahead < timedelta():
            raise ValueError(f"the clock is already past {moment}")
        self.advance(ahead)
