"""A case anonymised (retention or /forget) keeps no words staff typed into its decision,
nested ones included, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from flows.interview import record_heard
from storage.db import sessions
from storage.models import Application, AuditEntry
from storage.privacy import anonymise
from storage.staff import StaffDesk
from tests.storage.test_interviews import MONDAY, accepted

HEARING = {"date": "2026-11-27", "time": "15:00", "place": "г. Рудный, ул. Ленина, 1, каб. 5",
           "details": "заключение психолога о ребенке Иванове"}


async def test_the_hearings_typed_words_go_with_the_reasons(db: AsyncEngine) -> None:
    ref = await accepted(db, "1", "d1")
    maker = sessions(db)
    async with maker.begin() as session:
        application = await session.get(Application, int(ref))
        assert application is not None
        application.decision = {**application.decision, "hearing": HEARING,
                                "reasons": "Встречи травмируют ребенка."}
    async with maker.begin() as session:
        application = await session.get(Application, int(ref))
        assert application is not None
        await anonymise(session, application, MONDAY)
    async with maker() as session:
        application = await session.get(Application, int(ref))
        assert application is not None
        decision = application.decision
    assert "reasons" not in decision
    assert decision["hearing"] == {"date": "2026-11-27", "time": "15:00",
                                   "place": "г. Рудный, ул. Ленина, 1, каб. 5"}


async def test_the_words_staff_typed_leave_the_audit_log_with_the_case(db: AsyncEngine) -> None:
    """The audit log keeps who took which step and when; what staff typed into the step is
    the case's personal data and goes with the rest of it."""
    ref = await accepted(db, "1", "d1")
    async with sessions(db).begin() as session:  # the conversation with the child was held
        application = await session.get(Application, int(ref))
        assert application is not None
        application.decision = record_heard(application.decision, 0)
    words = "Ребенок Иванов Нурлан хочет жить с матерью."
    result = await StaffDesk(sessions(db)).act(int(ref), "decide", "staff:1", {"text": words},
                                               MONDAY)
    assert result.ok
    maker = sessions(db)
    async with maker.begin() as session:
        application = await session.get(Application, int(ref))
        assert application is not None
        await anonymise(session, application, MONDAY)
    async with maker() as session:
        steps = {row.action: row.details for row in await session.scalars(select(AuditEntry))}
    assert steps["application.decide"] == {}
    assert "application.accept" in steps  # who took which step stays
