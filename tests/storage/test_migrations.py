"""Data migrations on a database made by an older version of the bot."""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, text, update

from flows.calendar import KZ_TZ
from storage.applications import SqlApplications
from storage.console import SqlConsole  # its tables join the models' metadata (0017)
from storage.db import alembic_config, create_engine, sessions
from storage.files import DiskFileStore
from storage.models import Application, ApplicationNote, AuditEntry, Person, StatusChange
from tests.clock import MovableClock
from tests.sealing import KEYRING
from tests.storage.conftest import DatabaseUrl
from tests.storage.older import OlderBot, todays_outbox, upgraded
from tests.storage.test_storage import ANSWERS


async def test_a_child_opinion_approved_before_becomes_decided_and_a_permission_stays(
    tmp_path: Path, clock: MovableClock, database_url: DatabaseUrl
) -> None:
    from alembic import command

    url = database_url(tmp_path)
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0006")
    older = OlderBot(tmp_path, clock)
    at = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
    child = {"role": "parent", "child_surname": "Иванов", "child_first_name": "Нұрлан",
             "child_patronymic": None, "child_birth_date": "2013-03-10",
             "subject": "residence", "subject_details": "—", "lives": "kz",
             "present": "applicant"}
    await older.submit("telegram", "42", "visit", ANSWERS, "d-1", at)
    await older.submit("telegram", "42", "interview", {**ANSWERS, **child}, "d-2", at)
    await older.copy_into(url)
    db = create_engine(url, clock, None)
    async with db.begin() as connection:  # what the old procedure wrote for both
        await connection.execute(text("UPDATE applications SET status = 'approved'"))
        await connection.execute(text(
            "INSERT INTO status_history (application_id, status, at, actor, note) "
            "SELECT id, 'approved', '2026-11-24 05:00:00', 'staff:1', '' FROM applications"))
    await db.dispose()
    db = await upgraded(url, tmp_path, clock)
    async with sessions(db)() as session:
        rows = await session.execute(select(Application.service, Application.status))
        statuses = {service: status for service, status in rows}
        history = sorted((await session.scalars(select(StatusChange.status))).all())
    await db.dispose()
    assert statuses == {"visit": "approved", "interview": "decided"}
    assert history == ["approved", "decided", "submitted", "submitted"]


async def test_a_hearing_set_before_keeps_its_typed_grounds_as_its_details(
    tmp_path: Path, clock: MovableClock, database_url: DatabaseUrl
) -> None:
    from alembic import command

    url = database_url(tmp_path)
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0009")
    at = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
    older = OlderBot(tmp_path, clock)
    await older.submit("telegram", "42", "visit", ANSWERS, "d-1", at)
    await older.copy_into(url)
    db = create_engine(url, clock, None)
    async with db.begin() as connection:  # what the old procedure wrote
        await connection.execute(text(
            "UPDATE applications SET decision = '{\"hearing\": {\"date\": \"2026-11-27\", "
            "\"time\": \"15:00\", \"place\": \"каб. 5\", "
            "\"grounds\": \"заключение психолога\"}}'"))
    await db.dispose()
    db = await upgraded(url, tmp_path, clock)
    async with sessions(db)() as session:
        decision = await session.scalar(select(Application.decision))
    await db.dispose()
    assert decision == {"hearing": {"date": "2026-11-27", "time": "15:00", "place": "каб. 5",
                                    "details": "заключение психолога"}}


async def test_0017_adds_the_console_links_and_sessions_and_takes_them_back(
    tmp_path: Path, clock: MovableClock, database_url: DatabaseUrl
) -> None:
    from alembic import command
    from sqlalchemy import inspect

    url = database_url(tmp_path)
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0017")
    db = create_engine(url, clock, KEYRING)
    console = SqlConsole(sessions(db), DiskFileStore(tmp_path / "files", KEYRING))
    token = await console.issue_link(77, "Дана Маман", "officer", clock())
    opened = await console.redeem(token, "ru", clock())
    assert opened is not None and opened.name == "Дана Маман"
    async with db.connect() as connection:
        stored = (await connection.execute(text(
            "SELECT token_sha256, name FROM console_links"))).one()
    assert token not in stored[0] and "Дана".encode() not in bytes(stored[1])
    await db.dispose()
    await asyncio.to_thread(command.downgrade, alembic_config(url), "0016")
    db = create_engine(url, clock, None)
    async with db.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    await db.dispose()
    assert "console_links" not in tables and "console_sessions" not in tables


async def test_0018_keeps_a_citizens_words_sealed_and_takes_the_table_back(
    tmp_path: Path, clock: MovableClock, database_url: DatabaseUrl
) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from storage.models import CitizenWord, Person
    from storage.staff import StaffDesk

    url = database_url(tmp_path)
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0018")
    db = create_engine(url, clock, KEYRING)
    async with sessions(db).begin() as session:
        person = Person(channel="telegram", external_id="42")
        session.add(person)
    await StaffDesk(sessions(db)).keep_words(person.id, "Сәлеметсіз бе, сұрағым бар", "text")
    async with sessions(db)() as session:
        kept = (await session.execute(select(CitizenWord.text, CitizenWord.kind))).one()
    assert tuple(kept) == ("Сәлеметсіз бе, сұрағым бар", "text")
    async with db.connect() as connection:
        stored = (await connection.execute(text("SELECT text FROM citizen_words"))).scalar_one()
    assert "сұрағым".encode() not in bytes(stored)  # sealed at rest
    await db.dispose()
    await asyncio.to_thread(command.downgrade, alembic_config(url), "0017")
    db = create_engine(url, clock, None)
    async with db.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    await db.dispose()
    assert "citizen_words" not in tables and "console_sessions" in tables


async def test_0021_names_a_citizen_by_their_row_where_an_older_version_wrote_the_account(
    tmp_path: Path, clock: MovableClock, database_url: DatabaseUrl
) -> None:
    from alembic import command

    url = database_url(tmp_path)
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0020")
    db = create_engine(url, clock, KEYRING)
    at = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
    async with todays_outbox(db):
        await SqlApplications(sessions(db)).submit("telegram", "7300012345", "visit", ANSWERS,
                                                   "d-1", at)
    async with sessions(db).begin() as session:  # what the older version wrote
        await session.execute(update(AuditEntry).values(actor="telegram:7300012345"))
        application = await session.scalar(select(Application.id))
        session.add(ApplicationNote(application_id=application, kind="objection",
                                    text="Не согласна", actor="telegram:7300012345"))
        session.add(AuditEntry(actor="telegram:555", action="staff.denied"))  # not staff
        session.add(AuditEntry(actor="whatsapp:77015550123", action="enquiry.other"))
    await db.dispose()
    db = await upgraded(url, tmp_path, clock)
    async with sessions(db)() as session:
        person = await session.scalar(select(Person.id))
        audit = set((await session.execute(select(AuditEntry.action, AuditEntry.actor))).all())
        notes = set(await session.scalars(select(ApplicationNote.actor)))
    await db.dispose()
    assert ("application.submit", f"citizen:{person}") in audit
    assert notes == {f"citizen:{person}"}
    assert ("staff.denied", "telegram:555") in audit
    assert ("enquiry.other", "citizen:-") in audit  # a number no person row holds
    assert not [actor for _, actor in audit if "7300012345" in actor or "77015550123" in actor]
