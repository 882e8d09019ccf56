"""Storage on a real SQLite file and a real PostgreSQL, with the migrations applied."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from flows.calendar import KZ_TZ
from flows.ports import ConversationState
from storage.applications import SqlApplications
from storage.conversations import SqlConversationStore
from storage.db import create_engine, sessions
from storage.files import DiskFileStore
from storage.keys import Keyring, new_key
from storage.models import Application, AuditEntry
from storage.updates import SeenUpdates
from tests.clock import MovableClock
from tests.sealing import KEYRING
from tests.storage.conftest import DatabaseUrl

ANSWERS = {
    "region": "kostanay", "body": "kst-rudny", "surname": "Иванова", "first_name": "Айгүл",
    "patronymic": None, "iin": "871008401427", "address": "Рудный, Ленина 1",
    "phone": "+77011234567", "residence": "patronage",
    "children": [{"surname": "Иванов", "first_name": "Нұрлан", "patronymic": None,
                  "birth_date": "2015-09-05"}],
    "period_from": "2026-12-01", "period_to": "2026-12-31", "consent": "yes",
    "id_document": [{"sha256": "ab" * 32, "mime": "image/jpeg", "size": 10, "name": "id.jpg"}],
    "other_documents": [],
}




@pytest.mark.sqlite_only("PRAGMAs are SQLite's own; PostgreSQL always checks foreign keys")
async def test_sqlite_runs_in_wal_with_foreign_keys(db: AsyncEngine) -> None:
    async with db.connect() as connection:
        assert (await connection.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
        assert (await connection.execute(text("PRAGMA foreign_keys"))).scalar() == 1


@pytest.mark.sqlite_only("a key checked at the commit is SQLite's PRAGMA here")
async def test_a_commit_that_failed_leaves_the_connection_fit_for_the_next_transaction(
        db: AsyncEngine) -> None:
    """SQLite keeps a transaction open when its COMMIT fails (a foreign key checked at the
    commit); the process has one connection, so whoever used it next would inherit it."""
    with pytest.raises(IntegrityError):
        async with sessions(db).begin() as session:
            await session.execute(text("PRAGMA defer_foreign_keys=ON"))
            await session.execute(text(
                "INSERT INTO conversations (person_id, state, updated_at)"
                " VALUES (999999, X'00', '2026-11-23 05:00:00')"))
    store = SqlConversationStore(sessions(db))
    async with store.turn("telegram", "7"):
        await store.save("telegram", "7", ConversationState(language="kk"))
    async with sessions(db)() as session:
        assert (await session.execute(text("SELECT count(*) FROM conversations"))).scalar() == 1


async def test_many_turns_writing_at_once_all_land_and_none_waits_on_a_lock_forever(
    db: AsyncEngine
) -> None:
    """On SQLite the statements run on the event loop's thread (storage/inline_sqlite.py):
    with a second connection, a write would wait on SQLite's lock for a transaction that
    cannot end while the loop waits ("database is locked" after busy_timeout)."""
    store = SqlConversationStore(sessions(db))

    async def turn(n: int) -> None:
        async with store.turn("telegram", str(n)):
            state = await store.load("telegram", str(n)) or ConversationState()
            await asyncio.sleep(0)  # the others' turns go on meanwhile
            state.language = "kk"
            await store.save("telegram", str(n), state, f"Person {n}")

    async with asyncio.timeout(4):  # below SQLite's busy_timeout: a wait on the lock fails
        await asyncio.gather(*(turn(n) for n in range(40)))
    for n in range(40):
        saved = await store.load("telegram", str(n))
        assert saved is not None and saved.language == "kk"


@pytest.mark.postgresql_only("the pool's session settings are PostgreSQL's")
async def test_postgresql_sessions_run_in_utc_whatever_the_servers_zone(
    db: AsyncEngine, tmp_path: Path, clock: MovableClock, database_url: DatabaseUrl
) -> None:
    url = database_url(tmp_path)
    async with db.connect() as connection:  # a server set up in the local time
        await connection.execute(text(
            f"ALTER DATABASE \"{make_url(url).database}\" SET TimeZone = 'Asia/Almaty'"))
        await connection.commit()
    again = create_engine(url, clock, KEYRING)
    try:
        async with again.connect() as connection:
            assert (await connection.execute(text("SHOW TimeZone"))).scalar() == "UTC"
            assert (await connection.execute(text("SHOW application_name"))).scalar() == \
                "citizen-applications-bot"
    finally:
        await again.dispose()


async def test_conversation_survives_a_new_engine(db: AsyncEngine, tmp_path: Path,
                                                  clock: MovableClock,
                                                  database_url: DatabaseUrl) -> None:
    store = SqlConversationStore(sessions(db))
    state = ConversationState(language="ru", flow="visit", cursor="children/0/birth_date",
                              answers={"surname": "Иванова"}, seq=7)
    await store.save("telegram", "42", state, "Айгүл")
    await db.dispose()
    engine = create_engine(database_url(tmp_path), clock, KEYRING)
    again = SqlConversationStore(sessions(engine))
    assert await again.load("telegram", "42") == state
    assert await again.load("telegram", "43") is None
    await engine.dispose()


async def test_submit_is_idempotent_numbered_and_dated(db: AsyncEngine) -> None:
    applications = SqlApplications(sessions(db))
    # Friday 20 November 2026, 19:10: after hours, so registered on Monday the 23rd.
    at = datetime(2026, 11, 20, 19, 10, tzinfo=KZ_TZ)
    first = await applications.submit("telegram", "42", "visit", ANSWERS, "draft-1", at)
    again = await applications.submit("telegram", "42", "visit", ANSWERS, "draft-1", at)
    other = await applications.submit("telegram", "42", "visit", ANSWERS, "draft-2", at)
    assert first == again
    assert (first.number, other.number) == ("ВП-2026-00001", "ВП-2026-00002")
    assert first.registered_on == date(2026, 11, 23)
    assert first.check_due == date(2026, 11, 24)
    assert first.decision_due == date(2026, 11, 30)
    async with sessions(db)() as session:
        count = len((await session.scalars(select(Application))).all())
        audit = (await session.scalars(select(AuditEntry))).all()
    assert count == 2
    assert [entry.action for entry in audit] == ["application.submit"] * 2


async def test_nobody_sees_another_persons_application(db: AsyncEngine) -> None:
    applications = SqlApplications(sessions(db))
    at = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
    await applications.submit("telegram", "42", "visit", ANSWERS, "draft-1", at)
    (mine,) = await applications.list_for("telegram", "42")
    assert await applications.list_for("telegram", "43") == []
    assert await applications.get_for("telegram", "43", mine.ref) is None
    detail = await applications.get_for("telegram", "42", mine.ref)
    assert detail is not None and [h.status for h in detail.history] == ["submitted"]


async def test_an_update_is_recorded_once(db: AsyncEngine) -> None:
    seen = SeenUpdates(sessions(db))
    assert await seen.first_time("telegram", "100")
    assert not await seen.first_time("telegram", "100")
    assert await seen.first_time("whatsapp", "100")


async def test_files_are_named_by_their_hash(tmp_path: Path) -> None:
    store = DiskFileStore(tmp_path / "files", Keyring.parse(new_key()))
    stored = await store.save(b"%PDF-1.4 hello", "application/pdf")
    assert await store.read(stored.sha256) == b"%PDF-1.4 hello"
    (on_disk,) = (tmp_path / "files").iterdir()  # sealed, under a name that tells nothing
    assert b"hello" not in on_disk.read_bytes() and stored.sha256 not in on_disk.name
    assert on_disk.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "files").stat().st_mode & 0o777 == 0o700
    assert stored.size == 14


async def test_people_submitting_at_the_same_instant_get_distinct_numbers(
    db: AsyncEngine,
) -> None:
    applications = SqlApplications(sessions(db))
    at = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
    store = SqlConversationStore(sessions(db))
    for n in range(12):  # people who have been filling in the form: they exist already
        await store.save("telegram", str(n), ConversationState(language="kk"))
    results = await asyncio.gather(*(
        applications.submit("telegram", str(n), "visit", ANSWERS, f"draft-{n}", at)
        for n in range(12)
    ))
    numbers = sorted(result.number for result in results)
    assert numbers == [f"ВП-2026-{n:05d}" for n in range(1, 13)]


async def test_after_a_hearing_the_final_answer_is_the_next_date_everywhere(
    db: AsyncEngine,
) -> None:
    from storage.staff import StaffDesk

    applications, desk = SqlApplications(sessions(db)), StaffDesk(sessions(db))
    # RULES.md: registered Thursday 19.03.2026, the term ends 31.03 (Nauryz in between)
    at = datetime(2026, 3, 19, 10, 0, tzinfo=KZ_TZ)
    submitted = await applications.submit("telegram", "42", "visit", ANSWERS, "d-1", at)
    [view] = await applications.list_for("telegram", "42")
    assert view.next_deadline == date(2026, 3, 20)  # the completeness check
    ref = int(view.ref)
    await desk.act(ref, "accept", "staff:1", {}, at + timedelta(days=1))
    hearing = {"date": "2026-03-27", "time": "15:00", "place": "каб. 5", "details": "—"}
    result = await desk.act(ref, "hearing", "staff:1", {"hearing": hearing},
                            at + timedelta(days=1))
    assert result.ok, result

    [view] = await applications.list_for("telegram", "42")
    assert view.next_deadline == date(2026, 3, 30)  # the final answer, not the term's 31.03
    assert [(s.number, day) for s, day in await desk.due_or_overdue(date(2026, 3, 30))] == \
        [(submitted.number, date(2026, 3, 30))]
    assert await desk.due_or_overdue(date(2026, 3, 27)) == []


async def test_the_open_applications_name_the_others_under_the_same_iin(db: AsyncEngine) -> None:
    """The digest and the console's Today read every open application at once: each still
    names the other applications made under its IIN, as its card does."""
    from storage.staff import StaffDesk

    applications, desk = SqlApplications(sessions(db)), StaffDesk(sessions(db))
    at = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
    first = await applications.submit("telegram", "42", "visit", ANSWERS, "d-1", at)
    other = await applications.submit("telegram", "43", "visit",
                                      {**ANSWERS, "iin": "900101300127"}, "d-2", at)
    again = await applications.submit("telegram", "44", "visit", ANSWERS, "d-3", at)
    same = {snapshot.number: snapshot.same_iin for snapshot in await desk.open_applications()}
    assert same == {first.number: (again.number,), other.number: (),
                    again.number: (first.number,)}


async def test_an_answer_changed_in_place_in_the_menu_is_saved(db: AsyncEngine) -> None:
    """A turn in the menu that changes nothing is not written (issue 15); one that changes
    the loaded state in place (not a new value) has changed it all the same."""
    store = SqlConversationStore(sessions(db))
    async with store.turn("telegram", "44"):
        await store.save("telegram", "44", ConversationState(language="ru",
                                                             answers={"asked": ["visit"]}))
    async with store.turn("telegram", "44"):
        state = await store.load("telegram", "44")
        assert state is not None
        state.answers["asked"].append("opinion")
        await store.save("telegram", "44", state)
    assert (await store.load("telegram", "44")) == ConversationState(
        language="ru", answers={"asked": ["visit", "opinion"]})
