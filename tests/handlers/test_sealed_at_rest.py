"""Issue 13, item 1: after both services were walked, carried to the staff group and taken up
by staff, the raw bytes of the database (with its WAL) and of FILES_DIR hold none of the
personal values the citizens typed and none of the files they sent; only the owner may read
any of it."""

from __future__ import annotations

import stat
from pathlib import Path

from tests.fakes.telegram_api import FakeTelegram
from tests.flows.documents import PDF, jpeg
from tests.handlers.conftest import STAFF_CHAT, RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_interview_telegram import apply as applies_for_the_child_opinion
from tests.handlers.test_logs_without_personal_data import INTERVIEW_VALUES, VISIT_VALUES
from tests.handlers.test_staff_telegram import seen, staff_says, staff_tap
from tests.handlers.test_visit_telegram import fill_to_summary

# The typed dates as the database would keep them in plain text, and the phone's digits.
STORED_FORMS = ("2015-09-05", "2018-01-31", "2013-03-10", "7011234567")
SENT_FILES = (PDF, PDF + b"court", jpeg(1))


def stored_bytes(folder: Path) -> dict[str, bytes]:
    """Every byte the bot keeps: the database, its WAL and shared memory, the files."""
    kept = {path.name: path.read_bytes() for path in folder.glob("bot.db*")}
    kept.update({f"files/{path.name}": path.read_bytes()
                 for path in (folder / "files").rglob("*") if path.is_file()})
    return kept


async def test_nothing_typed_or_sent_is_readable_in_the_database_or_the_files(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    person = telegram.user(id=2001, first_name="Айгүл")
    summary = await fill_to_summary(person, "ru")
    await person.press(summary, says("summary-submit", "ru"))
    card = await seen(telegram, STAFF_CHAT, lambda m: m.get("text", "").startswith(
        staff_says("staff-card-title", number="ВП-2026-00001",
                   status=staff_says("status-submitted"))))
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    parent = telegram.user(id=2002, first_name="Динара")
    await applies_for_the_child_opinion(parent)
    second = await seen(telegram, STAFF_CHAT, lambda m: "МР-2026-00001" in m.get("text", ""))
    await staffed.settle()
    # The same IIN was typed in both: the blind index finds the first for staff.
    assert staff_says("identity-same-iin", numbers="ВП-2026-00001") in second["text"]
    assert "ВП-2026-00001" not in card["text"].split(staff_says("identity-iin-as-typed"))[1]

    running = stored_bytes(staffed.folder)  # with the WAL, which holds every page written
    await staffed.stop()  # and as a stopped bot leaves it: checkpointed into the file
    stopped = stored_bytes(staffed.folder)
    assert "bot.db-wal" in running and len(running) > 5  # the database and the sealed files
    values = VISIT_VALUES + INTERVIEW_VALUES + STORED_FORMS
    for kept in (running, stopped):
        found = [f"{value!r} in {name}" for name, data in kept.items()
                 for value in values if value.encode() in data]
        found += [f"a sent file in {name}" for name, data in kept.items()
                  for sent in SENT_FILES if sent in data]
        assert found == []

async def test_only_the_owner_may_read_the_database_the_key_and_the_files(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    person = telegram.user(id=2001, first_name="Айгүл")
    summary = await fill_to_summary(person, "kk")
    await person.press(summary, says("summary-submit", "kk"))
    await staffed.settle()

    folder = staffed.folder
    private = [folder / "bot.db", folder / "bot.db-wal", folder / "data.key",
               *(path for path in (folder / "files").rglob("*") if path.is_file())]
    assert len(private) > 4
    modes = {path.name: oct(stat.S_IMODE(path.stat().st_mode)) for path in private}
    assert set(modes.values()) == {"0o600"}, modes
    assert oct(stat.S_IMODE((folder / "files").stat().st_mode)) == "0o700"


# Accounts no other stored number could hold by chance (ten digits, as Telegram's ids run).
ACCOUNTS = (7300012345, 7300054321)


async def test_no_citizens_account_is_readable_in_the_database(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    """A Telegram id names a person as surely as their IIN does: the audit log and the notes
    name the citizen by their row, whose account is sealed, never by the account itself."""
    person = telegram.user(id=ACCOUNTS[0], first_name="Айгүл")
    summary = await fill_to_summary(person, "ru")
    await person.press(summary, says("summary-submit", "ru"))
    card = await seen(telegram, STAFF_CHAT, lambda m: "ВП-2026-00001" in m.get("text", ""))
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    await applies_for_the_child_opinion(telegram.user(id=ACCOUNTS[1], first_name="Динара"))
    await seen(telegram, STAFF_CHAT, lambda m: "МР-2026-00001" in m.get("text", ""))
    await staffed.settle()
    await staffed.stop()

    found = [f"{account} in {name}" for name, data in stored_bytes(staffed.folder).items()
             for account in ACCOUNTS if str(account).encode() in data]
    assert found == []
