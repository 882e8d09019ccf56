"""Applications: submitted once per draft, numbered for dictation, with working-day deadlines."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.calendar import KZ_TZ, registration_date
from flows.common import CONSENT_RECORD, CONSENT_STEP
from flows.complaint import ABOUT
from flows.messages import OutgoingMessage, Text
from flows.paper import Confirmation
from flows.ports import ApplicationView, HistoryEntry, StoredFile, Submitted
from flows.procedure import OPEN, Snapshot, card, citizen_notice, next_date
from flows.services import SERVICES
from storage.clock import from_db, now_of, to_db
from storage.conversations import ensure_person, person_for
from storage.laid_out import papers_first
from storage.models import (
    Application,
    ApplicationChild,
    ApplicationNote,
    AuditEntry,
    Consent,
    Document,
    NumberSequence,
    Person,
    StatusChange,
    citizen_actor,
)
from storage.outbox import CITIZEN, STAFF, enqueue
from storage.privacy import was_anonymised
from storage.sealed import blind_value, keyring_of, matches

if TYPE_CHECKING:  # papers reads applications: a type here, not an import cycle
    from storage.papers import PaperRegistry

OPEN_STATUSES = OPEN


async def next_number(session: AsyncSession, prefix: str, year: int) -> str:
    """The next number of the year, taken atomically: one UPDATE increments and returns it,
    so two people submitting at the same instant never get the same number."""
    bump = (update(NumberSequence)
            .where(NumberSequence.prefix == prefix, NumberSequence.year == year)
            .values(last=NumberSequence.last + 1)
            .returning(NumberSequence.last))
    last = (await session.execute(bump)).scalar_one_or_none()
    if last is None:  # the year's first application
        try:
            async with session.begin_nested():
                session.add(NumberSequence(prefix=prefix, year=year, last=1))
            last = 1
        except IntegrityError:  # someone else started the year a moment ago
            last = (await session.execute(bump)).scalar_one()
    return f"{prefix}-{year}-{last:05d}"


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


class SqlApplications:
    def __init__(self, sessions: async_sessionmaker[AsyncSession],
                 papers: PaperRegistry | None = None) -> None:
        self.sessions = sessions
        self.papers = papers  # files the application itself (appendix 1) as a PDF

    async def submit(
        self,
        channel: str,
        user_id: str,
        service: str,
        answers: dict[str, Any],
        draft_key: str,
        at: datetime,
    ) -> Submitted:
        async def submitted() -> Submitted:
            async with self.sessions.begin() as session:
                existing = await self._by_draft(session, draft_key)
                if existing is not None:
                    return _submitted(existing)
                application = await self._create(session, channel, user_id, service, answers,
                                                 draft_key, at)
                return _submitted(application)

        try:
            return await papers_first(self.papers, submitted)
        except IntegrityError:
            # Two Submit taps raced and the other one created it; anything else is a bug.
            async with self.sessions() as session:
                existing = await self._by_draft(session, draft_key)
            if existing is None:
                raise
            return _submitted(existing)

    async def _by_draft(self, session: AsyncSession, draft_key: str) -> Application | None:
        return await session.scalar(select(Application).where(Application.draft_key == draft_key))

    async def _create(
        self,
        session: AsyncSession,
        channel: str,
        user_id: str,
        service: str,
        answers: dict[str, Any],
        draft_key: str,
        at: datetime,
    ) -> Application:
        person = await ensure_person(session, channel, user_id)
        registered = registration_date(at)
        answers, consent = _split_consent(answers)
        declared = SERVICES[service]
        if declared.complains_about_application:  # the applicant and body of the application
            about = await owned_application(session, channel, user_id, str(answers.get(ABOUT)))
            if about is None:
                raise LookupError("a complaint about an application that is not the person's")
            answers = {**{key: about.answers.get(key) for key in APPLICANT_KEYS}, **answers,
                       "about_number": about.number}
        terms = declared.terms_of(answers)
        application = Application(
            number=await next_number(session, SERVICES[service].prefix, registered.year),
            service=service,
            person_id=person.id,
            draft_key=draft_key,
            status="submitted",
            body_code=answers["body"],
            applicant_surname=answers["surname"],
            applicant_first_name=answers["first_name"],
            applicant_patronymic=answers.get("patronymic"),
            applicant_iin=answers["iin"],
            applicant_address=answers["address"],
            applicant_phone=answers["phone"],
            child_residence=answers.get("residence"),
            period_from=_date(answers.get("period_from")),
            period_to=_date(answers.get("period_to")),
            consent=answers.get("consent") == "yes",
            answers=answers,
            submitted_at=to_db(at),
            registered_on=registered,
            check_due=terms.check_due(registered),
            decision_due=terms.decision_due(registered),
        )
        application.children = [
            ApplicationChild(
                position=i,
                surname=child["surname"],
                first_name=child["first_name"],
                patronymic=child.get("patronymic"),
                birth_date=date.fromisoformat(child["birth_date"]),
            )
            for i, child in enumerate(children_of(answers))
        ]
        application.documents = [
            Document(kind=kind, sha256=f["sha256"], mime=f["mime"], size=f["size"],
                     original_name=f.get("name", ""))
            for kind in SERVICES[service].form.file_steps()
            for f in answers.get(kind, [])
        ]
        application.history = [StatusChange(status="submitted", at=to_db(at), actor="citizen")]
        session.add(application)
        await session.flush()
        if consent is not None:  # in this transaction: no application, no consent
            session.add(Consent(application_id=application.id, language=consent["language"],
                                version=consent["version"], text=consent["text"],
                                given_at=to_db(datetime.fromisoformat(consent["at"]))))
        session.add(AuditEntry(actor=citizen_actor(person.id), action="application.submit",
                               subject=application.number, details={"service": service}))
        # The card and the documents reach the staff topic through the outbox, so a crash
        # after this commit still delivers them.
        enqueue(session, key=f"card:{application.id}", audience=STAFF, person_id=person.id,
                application_id=application.id,
                message=card(await staff_snapshot(session, application),
                             at.astimezone(KZ_TZ).date()))
        for i, document in enumerate(application.documents):
            kind = declared.document_of(document.kind)
            caption = Text("staff-document-uploaded", {
                "document": Text(f"document-{kind.code if kind else 'other'}"),
                "number": application.number})
            enqueue(session, key=f"doc:{application.id}:{i}", audience=STAFF,
                    person_id=person.id, application_id=application.id,
                    message=OutgoingMessage((caption,)),
                    document={"sha256": document.sha256, "mime": document.mime,
                              # the application's number, not the sender's file name: the
                              # sender (flows/filetypes.proper_name) adds the detected type
                              "name": f"{application.number}-{i + 1}"})
        if self.papers is not None and declared.filed_paper:  # the citizen's copy, and staff's
            confirmation = Confirmation(channel, _account(person), at,
                                        bool(answers.get("phone_verified")))
            await self.papers.issue(session, application, declared.filed_paper, at,
                                    confirmation=confirmation)
        if declared.notice_on_submit:  # a complaint: its terms and where it goes next
            enqueue(session, key=f"status:{application.id}:submitted", audience=CITIZEN,
                    person_id=person.id, application_id=application.id,
                    message=citizen_notice(snapshot_of(application)))
        return application

    async def list_for(self, channel: str, user_id: str) -> list[ApplicationView]:
        async with self.sessions() as session:
            person = await person_for(session, channel, user_id)
            if person is None:
                return []
            rows = await session.scalars(
                select(Application)
                .where(Application.person_id == person.id)
                .order_by(Application.id.desc())
            )
            return [_view(row, _today(session), with_history=False) for row in rows]

    async def get_for(self, channel: str, user_id: str, ref: str) -> ApplicationView | None:
        async with self.sessions() as session:
            row = await owned_application(session, channel, user_id, ref)
            if row is None:
                return None
            await session.refresh(row, ["history"])
            view = _view(row, _today(session), with_history=True)
            return dataclasses.replace(view, erased=await was_anonymised(session, row))

    async def add_objection(
        self, channel: str, user_id: str, ref: str, text: str, document: StoredFile | None
    ) -> str | None:
        async with self.sessions.begin() as session:
            row = await owned_application(session, channel, user_id, ref)
            if row is None:
                return None
            session.add(ApplicationNote(
                application_id=row.id, kind="objection", text=text,
                document_sha256=document.sha256 if document else None,
                actor=citizen_actor(row.person_id)))
            if document is not None:
                session.add(Document(application_id=row.id, kind="objection",
                                     sha256=document.sha256, mime=document.mime,
                                     size=document.size))
            session.add(AuditEntry(actor=citizen_actor(row.person_id),
                                   action="application.objection",
                                   subject=row.number))
            return row.number


def _split_consent(answers: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The answers to keep, and the consent record to write beside them: its words live in
    `consents` alone, the answers keep its version and moment for the card's consent line."""
    record = answers.get(CONSENT_RECORD)
    if not isinstance(record, dict) or answers.get(CONSENT_STEP.id) != "yes":
        return {k: v for k, v in answers.items() if k != CONSENT_RECORD}, None
    kept = {k: v for k, v in record.items() if k != "text"}
    return {**answers, CONSENT_RECORD: kept}, record


def children_of(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The children of a form: a list (visit permission) or one child (child's opinion)."""
    if "children" in answers:
        return list(answers["children"])
    if "child_birth_date" in answers:
        return [{key: answers.get(f"child_{key}")
                 for key in ("surname", "first_name", "patronymic", "birth_date")}]
    return []


async def owned_application(session: AsyncSession, channel: str, user_id: str,
                 ref: str) -> Application | None:
    """The application `ref` if it belongs to this person (never someone else's)."""
    if not ref.isdigit():
        return None
    person = await person_for(session, channel, user_id)
    row = await session.get(Application, int(ref))
    if row is None or person is None or row.person_id != person.id:
        return None
    return row


# What a complaint takes from the application it is about: who files it, and where.
APPLICANT_KEYS = ("region", "body", "surname", "first_name", "patronymic", "iin", "address",
                  "phone", "phone_verified")


def _account(person: Person) -> str:
    """The messenger account as a paper may show it: the name, and the id's last digits."""
    tail = person.external_id[-4:]
    return f"{person.display_name} (…{tail})" if person.display_name else f"…{tail}"


def snapshot_of(application: Application) -> Snapshot:
    return Snapshot(
        id=application.id, number=application.number, service=application.service,
        status=application.status, answers=application.answers,
        registered_on=application.registered_on, check_due=application.check_due,
        decision_due=application.decision_due, decision=application.decision,
    )


async def staff_snapshot(session: AsyncSession, application: Application) -> Snapshot:
    """The snapshot on the staff card: with the numbers of the other applications made under
    the same IIN, found by its blind index (the IIN itself is sealed)."""
    others = await session.scalars(select(Application.number).where(
        matches(session, Application.applicant_iin_key, application.applicant_iin),
        Application.id != application.id).order_by(Application.id))
    return dataclasses.replace(snapshot_of(application), same_iin=tuple(others))


async def staff_snapshots(session: AsyncSession,
                          applications: Sequence[Application]) -> list[Snapshot]:
    """`staff_snapshot` for many at once, the other applications under each IIN read in one
    query instead of one each: the digest and the console's Today read every open one."""
    keyring = keyring_of(session.get_bind().dialect)
    under: defaultdict[str, list[tuple[int, str]]] = defaultdict(list)  # mark -> (id, number)
    for row_id, number, mark in await session.execute(
            select(Application.id, Application.number, Application.applicant_iin_key)
            .where(Application.applicant_iin_key.is_not(None))):
        under[str(mark)].append((row_id, number))
    snapshots = []
    for application in applications:
        value = blind_value([application.applicant_iin])
        others = sorted({found for mark in (keyring.blinds(value) if value else [])
                         for found in under.get(mark, ()) if found[0] != application.id})
        snapshots.append(dataclasses.replace(snapshot_of(application),
                                             same_iin=tuple(number for _, number in others)))
    return snapshots


def _submitted(application: Application) -> Submitted:
    return Submitted(application.number, application.registered_on, application.check_due,
                     application.decision_due)


def next_deadline(application: Application, today: date) -> date | None:
    return next_date(snapshot_of(application), today)


def _today(session: AsyncSession) -> date:
    """Today in Astana on the app's clock, which the engine carries (`storage/db.py`)."""
    return now_of(session).astimezone(KZ_TZ).date()


def _view(application: Application, today: date, *, with_history: bool) -> ApplicationView:
    history = tuple(HistoryEntry(h.status, from_db(h.at)) for h in application.history) \
        if with_history else ()
    return ApplicationView(
        ref=str(application.id),
        number=application.number,
        service=application.service,
        status=application.status,
        submitted_at=from_db(application.submitted_at),
        next_deadline=next_deadline(application, today),
        history=history,
        about=application.answers.get(ABOUT),
    )
