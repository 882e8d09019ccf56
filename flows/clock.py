"""The one clock. Everything that decides by time (deadlines, slots, reminders, the outbox,
the digest, invite expiry, WhatsApp's 24-hour window) reads a `Clock` it was given; only the
composition root picks the real one, so tests and a moved date see one consistent "now"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]  # always an aware datetime


def system_clock() -> datetime:
    return datetime.now(UTC)
