"""A case anonymised (retention or /forget) keeps no words staff typed into its decision,
nested ones included, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import sessions
from storage.models import Application
from storage.privacy import anonymise
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
