"""A real PostgreSQL for the tests, started by the test run itself.

`pgserver` (PyPI) brings PostgreSQL 16's own binaries with `pip install`, so a fresh clone
needs nothing from the machine: `python3 tasks.py test` installs it with the rest. The server
starts once per run in a temporary folder, listens on a Unix socket in that folder only (no
TCP port another run could take), and each test gets a database of its own.

When it cannot start, the run says why in one line, and every test that needs it fails with
that line: a suite that silently skipped PostgreSQL would pass while production breaks.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

USER = "postgres"
PREFIX = "tests-postgresql-"  # the run's folder in the temporary directory
# Durability buys nothing in a throw-away cluster; skipping the disk flushes makes each
# CREATE DATABASE and commit several times faster.
FAST = ("ALTER SYSTEM SET fsync = off", "ALTER SYSTEM SET synchronous_commit = off",
        "ALTER SYSTEM SET full_page_writes = off", "SELECT pg_reload_conf()")

_not_started: list[str] = []  # the one line, once the start failed


class Postgres:
    """A running server; `database()` makes an empty database on it and gives its URL."""

    def __init__(self, server: Any, folder: Path, started_in: float) -> None:
        self.server, self.folder, self.started_in = server, folder, started_in
        info = server.get_postmaster_info()
        self.socket_dir: Path = info.socket_dir
        self._names = itertools.count(1)

    def url(self, name: str) -> str:
        """What DATABASE_URL says for the bot: asyncpg over the server's Unix socket."""
        return f"postgresql+asyncpg://{USER}@/{name}?host={self.socket_dir}"

    def sql(self, statement: str, database: str = "postgres") -> str:
        from pgserver._commands import POSTGRES_BIN_PATH

        done = subprocess.run(
            [str(POSTGRES_BIN_PATH / "psql"), "-h", str(self.socket_dir), "-U", USER,
             "-d", database, "-v", "ON_ERROR_STOP=1", "-qAtc", statement],
            capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"psql failed: {done.stderr.strip()}")
        return done.stdout.strip()

    def database(self) -> str:
        """A new, empty database: its name."""
        name = f"test_{next(self._names)}"
        self.sql(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return name

    def drop(self, name: str) -> None:
        self.sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        self.server.cleanup()
        shutil.rmtree(self.folder, ignore_errors=True)


def _reap_orphans() -> None:
    """Stop the servers of earlier runs that were killed outright (no atexit ran), found by
    this module's folder prefix: a server whose every handle's process is gone."""
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        handles, postmaster = folder / "data/.handle_pids.json", folder / "data/postmaster.pid"
        try:
            if any(_alive(pid) for pid in json.loads(handles.read_text())):
                continue  # a run going on, or one still starting: not ours to touch
            server = int(postmaster.read_text().split()[0]) if postmaster.exists() else 0
        except (OSError, ValueError, IndexError):
            continue
        if server and _alive(server):
            os.kill(server, signal.SIGQUIT)  # PostgreSQL's immediate shutdown
        shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start() -> Postgres:
    started = time.monotonic()
    _reap_orphans()
    with warnings.catch_warnings():  # platformdirs: "XDG_RUNTIME_DIR is not set" as root
        warnings.simplefilter("ignore")
        import pgserver
    # Not under pytest's own temporary folder: run as root, pgserver opens the folders above
    # its data to the `pgserver` user it runs the server as.
    folder = Path(tempfile.mkdtemp(prefix=PREFIX))
    try:
        server = pgserver.get_server(folder / "data", cleanup_mode="delete")
    except BaseException as error:
        said = _last_line(folder / "data" / "log")
        shutil.rmtree(folder, ignore_errors=True)
        if said:
            raise RuntimeError(f"{error} The server said: {said}") from error
        raise
    postgres = Postgres(server, folder, time.monotonic() - started)
    try:
        for statement in FAST:
            postgres.sql(statement)
    except BaseException:
        postgres.stop()
        raise
    return postgres


def _last_line(log: Path) -> str:
    try:
        lines = [line for line in log.read_text(errors="replace").splitlines() if line.strip()]
    except OSError:
        return ""
    return lines[-1].strip() if lines else ""


def not_started_line(error: BaseException) -> str:
    reason = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, ImportError):
        reason = f"pgserver is not installed ({reason}); `python3 tasks.py test` installs it"
    return f"PostgreSQL could not start: {reason}"


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    """The run's PostgreSQL; a test that asks for it fails when it could not start."""
    server: Postgres | None = None
    if not _not_started:
        try:
            server = start()
        except Exception as error:
            _not_started.append(not_started_line(error))
    if server is None:  # failed outside the `except`: the line alone, no chained traceback
        pytest.fail(_not_started[0], pytrace=False)
    yield server
    server.stop()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The reason once, at the end, where the eye lands."""
    for line in _not_started:
        terminalreporter.write_line(line, red=True, bold=True)
