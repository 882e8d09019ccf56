"""Issue 15 (memory): `python -m bot` brings its database to the newest schema in a process
of its own, so that alembic (11 MB with mako and pygments) never takes room in the bot's; a
database it cannot bring there stops it with one line."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory

from storage.db import alembic_config, newest_revision
from storage.keys import new_key

ROOT = Path(__file__).resolve().parent.parent
MIGRATE_TWICE = """
import asyncio, sys
from storage.db import migrate
asyncio.run(migrate(sys.argv[1], apart=True))
asyncio.run(migrate(sys.argv[1]))  # at its newest already: alembic is not needed
print(sorted({name.split(".")[0] for name in sys.modules} & {"alembic", "mako", "pygments"}))
"""


def version_of(path: Path) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT version_num FROM alembic_version")]


def test_the_newest_revision_is_the_one_alembic_finds(tmp_path: Path) -> None:
    scripts = ScriptDirectory.from_config(alembic_config(f"sqlite:///{tmp_path}/x.db"))
    assert newest_revision() == scripts.get_current_head()


def test_a_new_database_is_migrated_without_alembic_in_the_asking_process(
    tmp_path: Path
) -> None:
    path = tmp_path / "db" / "bot.db"
    asked = subprocess.run(
        [sys.executable, "-c", MIGRATE_TWICE, f"sqlite+aiosqlite:///{path}"], cwd=ROOT,
        capture_output=True, text=True, timeout=60, check=True)
    assert asked.stdout.strip() == "[]"
    assert version_of(path) == [newest_revision()]
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_database_from_newer_code_stops_the_bot_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    with sqlite3.connect(path) as db:  # as a later release, rolled back, would leave it
        db.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        db.execute("INSERT INTO alembic_version VALUES ('9999')")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATA_"))}
    env.update(PYTHONPATH=str(ROOT), TELEGRAM_BOT_TOKEN="1:fake", DATA_KEY=new_key(),
               DATABASE_URL=f"sqlite+aiosqlite:///{path}")
    result = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("The database could not be brought up to date") and "9999" in last
    assert version_of(path) == ["9999"]  # left as it was
