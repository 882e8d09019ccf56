"""`pytest --now 2027-03-15T10:00+05:00`: the whole suite runs as if the machine's clock said
so. The app reads only its injected clock, so the suite must pass whatever the date; this
option proves it. The `python -m bot` processes tests start are pinned with
`bot_process_env`, since production's clock there is the machine's."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.lean_types import import_aiogram

# A real PostgreSQL, started once per run for the tests that ask for it (tests/pg.py).
from tests.pg import postgres, pytest_terminal_summary  # noqa: F401

import_aiogram()  # the suite runs on aiogram imported as `python -m bot` imports it

OFFSET_ENV = "TESTS_CLOCK_OFFSET"
TIMESHIFT_DIR = Path(__file__).resolve().parent / "timeshift"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--now", metavar="ISO_DATETIME", default=None,
                     help="move the machine's clock for the whole run, e.g. "
                          "2027-03-15T10:00+05:00 (the time then runs on from there)")


def pytest_configure(config: pytest.Config) -> None:
    moved = config.getoption("--now")
    if not moved:
        return
    import time_machine

    destination = datetime.fromisoformat(moved)
    if destination.tzinfo is None:
        raise pytest.UsageError("--now needs a UTC offset, e.g. 2027-03-15T10:00+05:00")
    # The offset between the real clock and the moved one.
    now = datetime.now(UTC)  # wall clock ok
    os.environ[OFFSET_ENV] = str((destination - now).total_seconds())
    time_machine.travel(destination, tick=True).start()


def bot_process_env(now: datetime) -> dict[str, str]:
    """What makes the `python -m bot` processes a test starts read `now` at this moment, then
    run on from there like the test's own `MovableClock(now)` made at the same time: a
    restarted process goes on where the killed one was, never back to `now`."""
    shift = timedelta(seconds=float(os.environ.get(OFFSET_ENV) or 0))
    # Aligning two clocks, not deciding anything: the processes add this offset to the
    # machine's real clock (under --now ours is moved by `shift`).
    real_now = datetime.now(UTC) - shift  # wall clock ok: aligning clocks, nothing decided
    path = os.pathsep.join(filter(None, (str(TIMESHIFT_DIR), os.environ.get("PYTHONPATH"))))
    return {"PYTHONPATH": path, OFFSET_ENV: str((now - real_now).total_seconds())}


@pytest.fixture(scope="session")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database with the migrations applied, for tests to copy (migrating takes
    ~0.2 s; copying, nothing)."""
    from concurrent.futures import ThreadPoolExecutor

    from alembic import command

    from storage.db import alembic_config

    path = tmp_path_factory.mktemp("schema") / "outbox.db"
    with ThreadPoolExecutor(1) as thread:  # alembic's env.py runs its own event loop
        thread.submit(command.upgrade, alembic_config(f"sqlite+aiosqlite:///{path}"),
                      "head").result()
    return path
