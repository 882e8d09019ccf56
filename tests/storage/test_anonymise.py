"""A case anonymised (retention or /forget) keeps no words staff typed into its decision,
nested ones included, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from flows.delivery import CITIZEN
from flows.interview import record_heard
from flows.messages import Text
from storage.conversations import ensure_person
from storage.db import sessions
from storage.files import DiskFileStore
from storage.models import Application, AuditEntry, OutboxMessage
from storage.outbox import OutboxStore, enqueue, say
from storage.privacy import SqlPersonalData, anonymise
from storage.staff import StaffDesk
from tests.clock import MovableClock
from tests.sealing import KEYRING
from tests.storage.test_interviews import MONDAY, accepted

HEARING = {"date": "2026-11-27", "time": "15:00", "place": "г. Рудный, ул. Ленина, 1, каб. 5",
           "details": "заключение психолога о ребенке Иванове"}
ENDS = ("sent", "retry", "failed", "released")  # how a send under way may end


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


async def test_a_message_on_its_way_when_the_case_is_anonymised_loses_its_words_when_the_send_ends(
    db: AsyncEngine, clock: MovableClock
) -> None:
    """A send under way is left to finish (the worker holds the words already); once it ends,
    however it ends, the message keeps no word of the erased case, and is never tried again.
    Not at the next daily run: the same moment."""
    ref = await accepted(db, "1", "d1")
    maker = sessions(db)
    async with maker.begin() as session:
        application = await session.get(Application, int(ref))
        assert application is not None
        for n, end in enumerate(ENDS):  # one chat each: a chat's messages go one at a time
            reader = await ensure_person(session, "telegram", f"90{n}")
            enqueue(session, key=f"reason:{end}", audience=CITIZEN,
                    person_id=reader.id, application_id=application.id,
                    message=say(Text("staff-reply", {"text": "Нет справки о доходах"})))
    store = OutboxStore(maker)
    claimed = {item.key: item.id for item in await store.claim_due(clock(), limit=100, staff=0)}
    assert {f"reason:{end}" for end in ENDS} <= set(claimed)
    async with maker.begin() as session:
        application = await session.get(Application, int(ref))
        assert application is not None
        await anonymise(session, application, MONDAY)

    await store.mark_sent(claimed["reason:sent"], "7", MONDAY)
    await store.mark_retry(claimed["reason:retry"], MONDAY + timedelta(minutes=1), "timeout")
    await store.mark_failed(claimed["reason:failed"], "failed", "gave up")
    await store.release(claimed["reason:released"])

    async with maker() as session:
        left = {row.key: (row.status, row.payload) for row in await session.scalars(
            select(OutboxMessage).where(OutboxMessage.key.startswith("reason:")))}
    assert left == {"reason:sent": ("sent", {}), "reason:retry": ("cancelled", {}),
                    "reason:failed": ("failed", {}), "reason:released": ("cancelled", {})}


async def test_a_specialists_answer_on_its_way_at_forget_goes_out_then_keeps_no_words(
    db: AsyncEngine, clock: MovableClock, tmp_path: Path
) -> None:
    """`/forget` lets the person's own messages still queued go out first (a specialist's
    answer is theirs to read); one on its way when they forget is emptied once it is out."""
    maker = sessions(db)
    async with maker.begin() as session:
        reader = await ensure_person(session, "telegram", "901")
        enqueue(session, key="reply:1", audience=CITIZEN, person_id=reader.id,
                message=say(Text("staff-reply", {"text": "Приходите с паспортом"})))
    store = OutboxStore(maker)
    [claimed] = await store.claim_due(clock(), limit=10, staff=0)
    await SqlPersonalData(maker, DiskFileStore(tmp_path / "files", KEYRING)).forget(
        "telegram", "901", clock())
    await store.mark_retry(claimed.id, clock() + timedelta(minutes=1), "timeout")
    assert await payloads(db) == {"reply:1": "pending"}  # still theirs to receive
    [again] = await store.claim_due(clock() + timedelta(minutes=1), limit=10, staff=0)
    await store.mark_sent(again.id, "8", clock())
    assert await payloads(db) == {"reply:1": ""}


async def payloads(db: AsyncEngine) -> dict[str, str]:
    """Each message's status while it keeps its words; "" once it has none."""
    async with sessions(db)() as session:
        return {row.key: row.status if row.payload else "" for row in await session.scalars(
            select(OutboxMessage))}
