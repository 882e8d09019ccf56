"""The registry of issued papers (storage/papers.py): each issue is hashed, filed, queued for
the citizen and the staff topic with the change it records, and checkable by its code."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from flows.paper import APPLICATION, Confirmation, PaperFacts
from storage.applications import SqlApplications
from storage.db import sessions
from storage.files import DiskFileStore
from storage.keys import Keyring, new_key
from storage.models import Application, AuditEntry, IssuedPaper, OutboxMessage
from storage.papers import VERIFY_PATH, PaperDesk, PaperRegistry, in_thread
from storage.staff import StaffDesk
from tests.storage.conftest import START
from tests.storage.test_storage import ANSWERS

BASE = "https://bot.example.kz"


class Press:
    """Lays out nothing: it keeps the facts it was given and returns bytes that name them,
    so a test sees which facts reached which file."""

    def __init__(self) -> None:
        self.facts: list[tuple[PaperFacts, str]] = []

    def __call__(self, facts: PaperFacts, language: str) -> bytes:
        self.facts.append((facts, language))
        return self.bytes_of(facts)

    @staticmethod
    def bytes_of(facts: PaperFacts) -> bytes:
        return f"%PDF {facts.kind} {facts.registry_number} {facts.verify_url}".encode()


async def test_submission_and_steps_issue_papers_that_check_and_replace(
    db: AsyncEngine, tmp_path: Path
) -> None:
    press = Press()
    files = DiskFileStore(tmp_path / "files", Keyring.parse(new_key()))
    registry = PaperRegistry(in_thread(press), files, BASE, "kk")
    maker = sessions(db)
    view = await SqlApplications(maker, registry).submit("telegram", "42", "visit", {
        **ANSWERS, "phone_verified": True}, "d-1", START)
    desk = StaffDesk(maker, registry)
    ref = (await SqlApplications(maker).list_for("telegram", "42"))[0].ref
    await desk.act(int(ref), "accept", "staff:1", {}, START + timedelta(hours=1), "Дана Маман")
    period = {"from": "2026-12-01", "to": "2026-12-31"}
    await desk.act(int(ref), "approve", "staff:1", {"period": period},
                   START + timedelta(hours=2), "Дана Маман")

    (application, _), (permission, _) = press.facts
    assert application.kind == APPLICATION and application.official is None
    assert application.confirmation == Confirmation("telegram", "…42", START, True)
    assert permission.kind == "permission-appendix-4"
    assert permission.official is not None and permission.official.name == "Дана Маман"
    assert permission.application.decision["period"] == period
    assert [f.registry_number for f, _ in press.facts] == [f"{view.number}/1",
                                                           f"{view.number}/2"]
    async with maker() as session:
        papers = (await session.scalars(select(IssuedPaper).order_by(IssuedPaper.id))).all()
        outbox = (await session.scalars(select(OutboxMessage).where(
            OutboxMessage.key.like("paper:%")))).all()
    for paper, (facts, language) in zip(papers, press.facts, strict=True):
        data = await files.read(paper.sha256)
        assert hashlib.sha256(data).hexdigest() == paper.sha256
        assert facts.verify_url == f"{BASE}{VERIFY_PATH}{paper.code}"
        assert language == "kk" and len(paper.code) >= 22
    # each paper goes to the citizen and to the staff topic, as the file it is
    assert sorted(m.audience for m in outbox) == ["citizen", "citizen", "staff", "staff"]
    assert {m.payload["document"]["name"] for m in outbox} == {
        f"{view.number}-{APPLICATION}.pdf", f"{view.number}-permission-appendix-4.pdf"}

    checks = PaperDesk(maker, files)
    found = await checks.check(papers[1].code)
    assert found is not None and not found.replaced
    assert (found.kind, found.registry_number, found.body) == (
        "permission-appendix-4", f"{view.number}/2", "kst-rudny")
    assert found.initials == "И. А."  # no more of the person than this
    assert await checks.check(papers[1].code[:-1] + "x") is None

    assert await desk.reissue(int(ref), "staff:1", "Дана Маман",
                              START + timedelta(hours=3)) == "permission-appendix-4"
    again = await checks.check(papers[1].code)
    assert again is not None and again.replaced
    filed = await checks.filed("telegram", "42", ref)
    assert filed is not None
    assert [a.filename for a in filed.papers] == [f"{view.number}-{APPLICATION}.pdf",
                                                  f"{view.number}-permission-appendix-4.pdf"]
    assert press.facts[-1][0].version == 2
    assert await checks.filed("telegram", "43", ref) is None  # never someone else's


class WritingPress(Press):
    """A press that, while it lays a paper out, writes to the database as another person's
    turn would, and locks the applications as another officer's step would."""

    def __init__(self, maker: async_sessionmaker[AsyncSession],
                 loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.maker = maker
        self.loop = loop

    def __call__(self, facts: PaperFacts, language: str) -> bytes:
        turn = asyncio.run_coroutine_threadsafe(self.turn(), self.loop)
        turn.result(timeout=10)  # raises in the press when the database is held meanwhile
        return super().__call__(facts, language)

    async def turn(self) -> None:
        async with self.maker.begin() as session:
            await session.scalars(select(Application).with_for_update())
            session.add(AuditEntry(actor="probe", action="probe", subject="turn"))


async def test_no_paper_is_laid_out_while_its_change_holds_the_database(
    db: AsyncEngine, tmp_path: Path
) -> None:
    """Laying a PDF out takes a few hundred ms: the change that issues it must not hold the
    database (SQLite's one connection, an application's row lock) meanwhile."""
    maker = sessions(db)
    press = WritingPress(maker, asyncio.get_running_loop())
    files = DiskFileStore(tmp_path / "files", Keyring.parse(new_key()))
    registry = PaperRegistry(in_thread(press), files, BASE, "kk")
    view = await SqlApplications(maker, registry).submit("telegram", "42", "visit", {
        **ANSWERS, "phone_verified": True}, "d-1", START)
    desk = StaffDesk(maker, registry)
    ref = (await SqlApplications(maker).list_for("telegram", "42"))[0].ref
    await desk.act(int(ref), "accept", "staff:1", {}, START + timedelta(hours=1), "Дана Маман")
    await desk.act(int(ref), "approve", "staff:1", {"period": {
        "from": "2026-12-01", "to": "2026-12-31"}}, START + timedelta(hours=2), "Дана Маман")
    assert await desk.reissue(int(ref), "staff:1", "Дана Маман",
                              START + timedelta(hours=3)) == "permission-appendix-4"

    # each paper laid out once, and filed with the code its QR code carries
    assert [(f.kind, f.registry_number) for f, _ in press.facts] == [
        (APPLICATION, f"{view.number}/1"), ("permission-appendix-4", f"{view.number}/2"),
        ("permission-appendix-4", f"{view.number}/3")]
    async with maker() as session:
        papers = (await session.scalars(select(IssuedPaper).order_by(IssuedPaper.id))).all()
        probes = await session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.actor == "probe"))
    assert probes == 3
    for paper, (facts, _) in zip(papers, press.facts, strict=True):
        assert facts.verify_url == f"{BASE}{VERIFY_PATH}{paper.code}"
        assert await files.read(paper.sha256) == press.bytes_of(facts)
