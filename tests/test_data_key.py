"""Issue 13, item 1 (files): personal files are sealed at rest with the data key; a key
that cannot be used stops the bot with one line before anything is written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from flows.ports import UnreadableFile
from storage.files import DiskFileStore
from storage.keys import KeyProblem, Keyring, load_keyring, new_key

ROOT = Path(__file__).resolve().parent.parent
COURT_DECISION = b"%PDF-1.4 court decision of 12.03.2024 on Ivanova A."


async def test_a_file_is_sealed_under_a_name_that_tells_nothing(tmp_path: Path) -> None:
    store = DiskFileStore(tmp_path / "files", Keyring.parse(new_key()))
    stored = await store.save(COURT_DECISION, "application/pdf")
    (on_disk,) = (tmp_path / "files").iterdir()
    raw = on_disk.read_bytes()
    assert b"court decision" not in raw and b"Ivanova" not in raw
    assert stored.sha256 not in on_disk.name
    assert await store.read(stored.sha256) == COURT_DECISION


async def test_an_altered_file_or_a_wrong_key_is_said_not_read(tmp_path: Path) -> None:
    key = Keyring.parse(new_key())
    store = DiskFileStore(tmp_path / "files", key)
    stored = await store.save(COURT_DECISION, "application/pdf")
    (on_disk,) = (tmp_path / "files").iterdir()
    data = bytearray(on_disk.read_bytes())
    data[-1] ^= 1
    on_disk.write_bytes(bytes(data))
    with pytest.raises(UnreadableFile, match="altered"):
        await store.read(stored.sha256)
    with pytest.raises((UnreadableFile, FileNotFoundError)):
        await DiskFileStore(tmp_path / "files", Keyring.parse(new_key())).read(stored.sha256)


async def test_a_new_key_first_still_reads_what_the_old_one_sealed(tmp_path: Path) -> None:
    old, new = new_key(), new_key()
    stored = await DiskFileStore(tmp_path / "files", Keyring.parse(old)).save(
        COURT_DECISION, "application/pdf")
    both = DiskFileStore(tmp_path / "files", Keyring.parse(f"{new},{old}"))
    assert await both.read(stored.sha256) == COURT_DECISION
    again = await both.save(b"sealed with the new key", "text/plain")
    assert await DiskFileStore(tmp_path / "files", Keyring.parse(new)).read(
        again.sha256) == b"sealed with the new key"


def test_the_key_file_is_made_once_and_only_its_owner_reads_it(tmp_path: Path) -> None:
    key_file = tmp_path / "data" / "data.key"
    first = load_keyring("", key_file)
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert load_keyring("", key_file).current == first.current
    for bad in ("short", "!!!not-base64!!!"):
        with pytest.raises(KeyProblem):
            Keyring.parse(bad)


def test_a_malformed_data_key_stops_the_bot_in_one_line_and_writes_nothing(
    tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATA_"))}
    env.update(PYTHONPATH=str(ROOT), TELEGRAM_BOT_TOKEN="1:fake", DATA_KEY="too-short",
               DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/db/bot.db")
    result = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DATA_KEY" in lines[0] and "Traceback" not in result.stderr
    assert not (tmp_path / "db").exists()  # no database was made or touched
