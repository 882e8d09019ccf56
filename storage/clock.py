"""Times are stored as naive UTC (SQLite has no time zones); this is the one place that says so.

Row timestamps come from the app's clock, which `storage.db.create_engine` attaches to the
engine: a column default reads it from the statement's execution options.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

CLOCK_OPTION = "app_clock"


def to_db(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_db(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def now_of(session: Any) -> datetime:
    """"Now" on the clock of the engine a session is bound to."""
    moment: datetime = session.get_bind().get_execution_options()[CLOCK_OPTION]()
    return moment


def stored_now(options: Mapping[str, Any]) -> datetime:
    """"Now" on the clock in an engine's execution options, as stored."""
    return to_db(options[CLOCK_OPTION]())


def stamp(context: Any) -> datetime:
    """Column default: "now" on the engine's clock."""
    return stored_now(context.execution_options)
