"""Consent is kept as given: the exact words shown in the person's language, the version of
those words and the moment, written with the application (issue 10, item 4)."""

from __future__ import annotations

import asyncio
import shutil
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncEngine

from flows.calendar import KZ_TZ
from flows.common import CONSENT_RECORD, CONSENT_SECTION, consent_record, consent_version
from handlers.l10n import LOCALES_DIR, Localizer
from storage.applications import SqlApplications, snapshot_of
from storage.clock import from_db
from storage.db import alembic_config, create_engine, sessions
from storage.models import Application, Consent
from tests.clock import MovableClock
from tests.handlers.lingo import says
from tests.sealing import KEYRING
from tests.storage.conftest import DatabaseUrl
from tests.storage.older import OlderBot, upgraded
from tests.storage.test_storage import ANSWERS

L10N = Localizer()
TAPPED = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)  # "I consent"
SUBMITTED = TAPPED + timedelta(minutes=12)  # the documents, the summary, then Submit


def consented(language: str, l10n: Localizer = L10N, at: datetime = TAPPED) -> dict:
    return {**ANSWERS, CONSENT_RECORD: consent_record(l10n.render, language, at)}


async def consents(db: AsyncEngine) -> list[Consent]:
    async with sessions(db)() as session:
        return list(await session.scalars(select(Consent).order_by(Consent.id)))


async def consent_line(db: AsyncEngine, lang: str) -> str:
    """The consent line of the last application's staff card (its consent section)."""
    async with sessions(db)() as session:
        application = await session.scalar(select(Application).order_by(Application.id.desc()))
    assert application is not None
    shown = CONSENT_SECTION.show(snapshot_of(application).answers)
    return L10N.join(shown if isinstance(shown, tuple) else (shown,), lang)


async def test_the_record_holds_the_words_shown_in_the_persons_language_and_when(
    db: AsyncEngine,
) -> None:
    applications = SqlApplications(sessions(db))
    await applications.submit("telegram", "42", "visit", consented("kk"), "draft-1", SUBMITTED)
    await applications.submit("telegram", "42", "visit", consented("kk"), "draft-1", SUBMITTED)

    (record,) = await consents(db)  # a second tap on Submit adds nothing
    shown = says("ask-consent", "kk") + "\n\n" + says("consent-yes", "kk")
    assert record.text == shown
    assert record.language == "kk"
    assert record.version == consent_version(shown, "kk")
    assert from_db(record.given_at) == TAPPED  # the tap, not the submission
    line = says("consent-given", "ru", at=TAPPED, version=record.version)
    assert await consent_line(db, "ru") == line
    assert "23.11.2026 10:00" in line


async def test_each_language_has_its_own_version_and_no_consent_no_record(
    db: AsyncEngine,
) -> None:
    applications = SqlApplications(sessions(db))
    await applications.submit("telegram", "42", "visit", consented("kk"), "draft-1", SUBMITTED)
    await applications.submit("whatsapp", "77", "visit", consented("ru"), "draft-2", SUBMITTED)
    declined = {**consented("en"), "consent": "no"}
    await applications.submit("telegram", "43", "visit", declined, "draft-3", SUBMITTED)

    kk, ru = await consents(db)
    assert (kk.language, ru.language) == ("kk", "ru")
    assert ru.text == says("ask-consent", "ru") + "\n\n" + says("consent-yes", "ru")
    assert kk.version != ru.version
    assert await consent_line(db, "ru") == says("summary-consent", "ru")  # the third one


async def test_new_words_get_a_new_version_and_the_old_record_still_proves_its_own(
    db: AsyncEngine, tmp_path: Path,
) -> None:
    edited = tmp_path / "locales"
    shutil.copytree(LOCALES_DIR, edited)
    main = edited / "ru" / "main.ftl"
    main.write_text(main.read_text(encoding="utf-8").replace(
        "содержащихся в информационных системах.",
        "содержащихся в информационных системах, в целях оказания услуги."), encoding="utf-8")
    applications = SqlApplications(sessions(db))
    await applications.submit("telegram", "42", "visit", consented("ru"), "draft-1", SUBMITTED)
    later = consented("ru", Localizer(root=edited), TAPPED + timedelta(days=30))
    await applications.submit("telegram", "42", "visit", later, "draft-2",
                              SUBMITTED + timedelta(days=30))

    before, after = await consents(db)
    assert "в целях оказания услуги" in after.text and "в целях" not in before.text
    assert before.version != after.version
    for record in (before, after):  # each version is the fingerprint of its own words
        assert record.version == consent_version(record.text, record.language)


async def test_migration_0008_adds_consents_and_makes_up_none_for_older_applications(
    tmp_path: Path, clock: MovableClock, database_url: DatabaseUrl,
) -> None:
    from alembic import command

    url = database_url(tmp_path)
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0007")
    older = OlderBot(tmp_path, clock)
    await older.submit("telegram", "42", "visit", ANSWERS, "before", SUBMITTED)
    await older.copy_into(url)

    db = await upgraded(url, tmp_path, clock)
    assert await consents(db) == []  # the words shown then were not kept: nothing invented
    assert await consent_line(db, "ru") == says("summary-consent", "ru")
    applications = SqlApplications(sessions(db))
    await applications.submit("telegram", "42", "visit", consented("kk"), "after", SUBMITTED)
    (record,) = await consents(db)
    assert record.language == "kk"
    await db.dispose()

    other = database_url(tmp_path / "other")
    await asyncio.to_thread(command.upgrade, alembic_config(other), "0008")
    await asyncio.to_thread(command.downgrade, alembic_config(other), "0007")
    db = create_engine(other, clock, KEYRING)
    async with db.connect() as connection:
        tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    await db.dispose()
    assert "consents" not in tables and "applications" in tables
