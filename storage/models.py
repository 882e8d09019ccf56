"""The database schema: typed SQLAlchemy 2 models. Alembic migrations mirror this file."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.clock import stamp
from storage.sealed import BLIND_OF, SealedDate, SealedJSON, SealedText, index_blindly

SEALED = SealedText()  # a personal value: ciphertext in the database (storage/sealed.py)


class Base(DeclarativeBase):
    # Every JSON tree (answers, state, payloads, transcripts) may hold personal data: sealed.
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: SealedJSON}


index_blindly(Base)


class Person(Base):
    """A citizen (or staff member) as one messenger account."""

    __tablename__ = "people"
    __table_args__ = (Index("ux_people_channel_external_key", "channel", "external_key",
                            unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    # The messenger's id of the account (on WhatsApp, the phone number): sealed, and found
    # by its blind index.
    external_id: Mapped[str] = mapped_column(SEALED)
    external_key: Mapped[str] = mapped_column(
        String(64), info={BLIND_OF: ("channel", "external_id")})
    language: Mapped[str | None] = mapped_column(String(8))
    display_name: Mapped[str] = mapped_column(SEALED, default="")
    created_at: Mapped[datetime] = mapped_column(default=stamp)
    # The person's last message to us: WhatsApp allows free-form replies for 24 h after it.
    last_inbound_at: Mapped[datetime | None]

    conversation: Mapped[Conversation | None] = relationship(back_populates="person")


class Conversation(Base):
    """The flow state of one person, saved after every step."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    flow: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=stamp, onupdate=stamp)

    person: Mapped[Person] = relationship(back_populates="conversation")


class ProcessedUpdate(Base):
    """The update log: every update received, so a redelivered one is handled once.

    A citizen's update is kept from receipt until its reply is sent, and `status` says how far
    it got: `received`; `handled` (the new state and `reply` were committed in one
    transaction, `sent_calls` of the reply's messenger calls went out); `done` (the update
    and the reply are dropped). A restart finishes whatever a crash left in between.
    """

    __tablename__ = "processed_updates"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    # Last touched: received, handled, a reply call sent. With replicas, one untouched for
    # long was left by a dead process and another takes it over (`SeenUpdates.idle`).
    at: Mapped[datetime] = mapped_column(default=stamp, onupdate=stamp)
    status: Mapped[str] = mapped_column(String(16), default="done", server_default="done")
    chat: Mapped[str | None] = mapped_column(SEALED)  # whom the reply goes to
    payload: Mapped[dict[str, Any] | None]  # the update as received
    reply: Mapped[dict[str, Any] | None]
    sent_calls: Mapped[int] = mapped_column(default=0, server_default="0")


Index("ix_processed_updates_open", ProcessedUpdate.channel, ProcessedUpdate.status)


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=stamp, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(100), default="")
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


# "Was this case anonymised?": asked at each erasure and by pages and papers.
Index("ix_audit_log_action_subject", AuditEntry.action, AuditEntry.subject)


def citizen_actor(person_id: int) -> str:
    """The actor of a citizen's step in `audit_log` and `application_notes`: their row, never
    their account. A Telegram id or a phone number names the person, and `actor` stays
    readable after an erasure (it is not sealed); the row's own account is."""
    return f"citizen:{person_id}"


class NumberSequence(Base):
    """The last number given per prefix and year (ВП-2026-00042)."""

    __tablename__ = "number_sequences"

    prefix: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class Application(Base):
    """An application: the fields of the official form, plus every answer as JSON."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    service: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    draft_key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(32))
    body_code: Mapped[str] = mapped_column(String(32))
    applicant_surname: Mapped[str] = mapped_column(SEALED)
    applicant_first_name: Mapped[str] = mapped_column(SEALED)
    applicant_patronymic: Mapped[str | None] = mapped_column(SEALED)
    applicant_iin: Mapped[str] = mapped_column(SEALED)
    # The IIN's blind index: other applications of the same person are found by it.
    applicant_iin_key: Mapped[str | None] = mapped_column(
        String(64), index=True, info={BLIND_OF: ("applicant_iin",)})
    applicant_address: Mapped[str] = mapped_column(SEALED)
    applicant_phone: Mapped[str] = mapped_column(SEALED)
    child_residence: Mapped[str | None] = mapped_column(String(32))
    period_from: Mapped[date | None]
    period_to: Mapped[date | None]
    consent: Mapped[bool]
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    submitted_at: Mapped[datetime]
    registered_on: Mapped[date]
    check_due: Mapped[date]
    decision_due: Mapped[date]
    # What staff decided: missing documents, hearing, approved period, reasons.
    decision: Mapped[dict[str, Any]] = mapped_column(default=dict)

    children: Mapped[list[ApplicationChild]] = relationship(
        order_by="ApplicationChild.position", cascade="all, delete-orphan"
    )
    documents: Mapped[list[Document]] = relationship(
        order_by="Document.id", cascade="all, delete-orphan"
    )
    history: Mapped[list[StatusChange]] = relationship(
        order_by="StatusChange.id", cascade="all, delete-orphan"
    )


class ApplicationChild(Base):
    __tablename__ = "application_children"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    position: Mapped[int]
    surname: Mapped[str] = mapped_column(SEALED)
    first_name: Mapped[str] = mapped_column(SEALED)
    patronymic: Mapped[str | None] = mapped_column(SEALED)
    birth_date: Mapped[date] = mapped_column(SealedDate())


class Document(Base):
    """A file's metadata; the bytes live in FILES_DIR named by their SHA-256."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    mime: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    original_name: Mapped[str] = mapped_column(SEALED, default="")


class StatusChange(Base):
    __tablename__ = "status_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    status: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(default=stamp)
    actor: Mapped[str] = mapped_column(String(100))
    note: Mapped[str] = mapped_column(SEALED, default="")


Index("ix_applications_status", Application.status)


class StaffThread(Base):
    """The forum topic in the staff group that belongs to one citizen (reused, never closed)."""

    __tablename__ = "staff_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)  # Telegram's ids are 64-bit
    thread_id: Mapped[int]
    title: Mapped[str] = mapped_column(SEALED)  # it names the citizen
    created_at: Mapped[datetime] = mapped_column(default=stamp)


class OutboxMessage(Base):
    """A message to deliver, written in the same transaction as the change it announces.

    `key` is unique per message; `attempts` and `last_attempt_at` are recorded *before* each
    send, so after a crash a message whose fate is unknown is never blindly sent again.
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    audience: Mapped[str] = mapped_column(String(16))  # flows/delivery.py: whose it is
    # None for a message to the staff group itself (the digest), which concerns nobody.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=stamp)
    # A message that is pointless late (a reminder, a notice of a deadline) is never sent
    # after this moment: it is marked `expired` and counted in the staff digest.
    not_after: Mapped[datetime | None]
    last_attempt_at: Mapped[datetime | None]
    # While `sending`: until when the claim is the claimer's. A claim past it belongs to a
    # replica that died mid-send: the message becomes `uncertain` (storage/outbox.py).
    lease_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(String(500), default="")
    provider_message_id: Mapped[str | None] = mapped_column(String(100), index=True)
    # An erasure reached it while it was on its way: the send's end empties it
    # (storage/erased_messages.py `after_send`).
    erase_after_send: Mapped[bool] = mapped_column(default=False, server_default=false())
    # What the messenger later reported: sent, delivered, read, failed (WhatsApp statuses).
    provider_status: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=stamp)


Index("ix_outbox_queue", OutboxMessage.status, OutboxMessage.id)  # a claim reads it in order


class ApplicationNote(Base):
    """Something attached to an application: a citizen's objection, a staff comment."""

    __tablename__ = "application_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(SEALED, default="")
    document_sha256: Mapped[str | None] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(default=stamp)


class StaffRequest(Base):
    """A question the bot asked a staff member (reply to it with the reasons, the date...)."""

    __tablename__ = "staff_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int]
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    action: Mapped[str] = mapped_column(String(32))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    staff_user_id: Mapped[int] = mapped_column(BigInteger)
    done: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=stamp)

    __table_args__ = (UniqueConstraint("chat_id", "message_id"),)


class JobRun(Base):
    """When a scheduled job (the daily digest) last ran, so a restart does not repeat it."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_run_on: Mapped[date]


class InterviewBooking(Base):
    """A booked conversation with the child. One live booking per slot and body: the partial
    unique index makes a double booking impossible, even for two parents at the same instant."""

    __tablename__ = "interview_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    # Which of the application's children (their place in its list): each has their own.
    child_position: Mapped[int] = mapped_column(default=0, server_default="0")
    body_code: Mapped[str] = mapped_column(String(32))
    slot_key: Mapped[str] = mapped_column(String(12))
    starts_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="booked")  # booked, cancelled
    created_at: Mapped[datetime] = mapped_column(default=stamp)


Index("ux_interview_slot_taken", InterviewBooking.body_code, InterviewBooking.slot_key,
      unique=True, sqlite_where=InterviewBooking.status == "booked",
      postgresql_where=InterviewBooking.status == "booked")


class InterviewInvite(Base):
    """The one-time code a parent forwards to a child abroad; it reveals nothing by itself.
    One per child of the application."""

    __tablename__ = "interview_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    child_position: Mapped[int] = mapped_column(default=0, server_default="0")
    code: Mapped[str] = mapped_column(String(16), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    # Indexed: each typed message asks whether its sender is a child in a conversation.
    child_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), index=True)
    # The language the parent chose for the child (kk, ru, en): the child's first screen is
    # in it. NULL for an invite made before it was asked: the parent's own language then.
    language: Mapped[str | None] = mapped_column(String(8))


class SlotOverride(Base):
    """Staff opened or closed times of a body, on top of the office-hours default."""

    __tablename__ = "slot_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_code: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # open, close
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=stamp)


class InterviewSession(Base):
    """The conversation in the messenger with one child; its transcript is that child's
    interview record."""

    __tablename__ = "interview_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    child_position: Mapped[int] = mapped_column(default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, closed
    representative_present: Mapped[bool] = mapped_column(default=False)
    started_at: Mapped[datetime] = mapped_column(default=stamp)
    ended_at: Mapped[datetime | None]
    staff_actor: Mapped[str] = mapped_column(String(100))
    transcript: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Consent(Base):
    """The consent an application was submitted with, as the person gave it: the exact words
    shown in their language, the words' version (`flows.common.consent_version`) and the
    moment of the tap. Written in the submission's transaction; a consent given in a draft
    that was abandoned is not a consent to anything and is never written."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    language: Mapped[str] = mapped_column(String(8))
    version: Mapped[str] = mapped_column(String(32), index=True)
    text: Mapped[str] = mapped_column(Text)
    given_at: Mapped[datetime]


class IssuedPaper(Base):
    """A legal document issued on an application (flows/paper.py): its PDF is kept on disk
    by its SHA-256, and anyone holding it can check it at /verify/<code>. Issuing it again
    makes a new version; the older one then reads as replaced."""

    __tablename__ = "issued_papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    part: Mapped[int] = mapped_column(default=0)  # whose paper of its kind: a child's record
    version: Mapped[int]
    registry_number: Mapped[str] = mapped_column(String(40), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)  # random: it cannot be guessed
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    language: Mapped[str] = mapped_column(String(8))
    issued_at: Mapped[datetime] = mapped_column(default=stamp)
    issued_by: Mapped[str] = mapped_column(String(200), default="")  # the official's name
    replaced_at: Mapped[datetime | None]


class ServiceInterest(Base):
    """"Tell me when I can apply here": a person's interest in a related service the bot does
    not take yet (flows/related.py), once per person and service; the digest counts them."""

    __tablename__ = "service_interest"
    __table_args__ = (UniqueConstraint("person_id", "service"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    service: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(index=True)


class ConsoleLink(Base):
    """A one-time sign-in link sent to a staff member by the bot (`/console`)."""

    __tablename__ = "console_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(BigInteger)  # Telegram's ids are 64-bit
    name: Mapped[str] = mapped_column(SEALED, default="")
    role: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=stamp)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class ConsoleSession(Base):
    """A signed-in browser: its role and language, its CSRF token, when it was last used."""

    __tablename__ = "console_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(SEALED, default="")
    role: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(8))
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=stamp)
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]


class OfficialName(Base):
    """How a staff member signs the papers they issue: the full name and the position, in
    each language a paper is made in, as they entered them in the console. Without one a
    paper carries their messenger name and a neutral "official of the service provider"."""

    __tablename__ = "officials"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, unique=True)  # their Telegram id
    full_name: Mapped[str] = mapped_column(SEALED, default="")
    position_kk: Mapped[str] = mapped_column(String(300), default="")
    position_ru: Mapped[str] = mapped_column(String(300), default="")
    updated_at: Mapped[datetime] = mapped_column(default=stamp, onupdate=stamp)


class CitizenWord(Base):
    """A citizen's own message to staff, kept when it is relayed into their topic (issue 17),
    so the console shows the chat both ways. A file is kept as a line only ("file"; its
    caption as the text): the file itself is in the staff topic."""

    __tablename__ = "citizen_words"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=stamp, index=True)
    text: Mapped[str] = mapped_column(SEALED, default="")
    kind: Mapped[str] = mapped_column(String(16), default="text")  # "text" or "file"
