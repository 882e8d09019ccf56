"""The conversation with the child: free slots, bookings, the child's invite, reminders.

A slot is booked by inserting a row that a partial unique index guards, so two parents
tapping the same time at the same instant cannot both get it. A time that is not free is
refused with its reason (`flows.booking.not_free`: passed, taken, closed, or the term over,
which staff are told of once). Reminders are outbox rows
whose `next_attempt_at` is 24 h and 1 h before the slot: the delivery worker sends them then.
A parent who has booked no time is reminded, and staff alerted, by a once-a-day job
(`nudge_unbooked`) whose run is claimed in the same transaction as the notices it writes.

With siblings, each child has their own conversation: a booking, an invite, reminders and
notices per child (`child_position`, the child's place in the application's list of children,
0 for the only or the first child, whose keys read as they always did).

A child abroad joins by messenger (opening the invite) or, when the parent gives their address,
by e-mail (issue 16): then the child is a person of channel "email" whose id is the address,
the invite is theirs at once, and the invitation with the calendar file waits in the outbox
(`invite-mail:<application>:<child>`). Either way, a child already in the conversation is
sent the new time when the parent changes it, and their reminders follow it.

The parent may switch the child's channel later ("How the child joins"): to the messenger,
when the child was invited by e-mail (the invite gets a new code, the mail's one no longer
works), or to e-mail, or to another address. Whoever the child was before is sent nothing
more of that conversation: their messages still waiting in the outbox are cancelled.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from flows.booking import (
    MAIL,
    TERM_ENDED,
    calendar_file,
    mail_invitation,
    not_free,
    term_ended_alert,
    time_moved,
)
from flows.ics import calendar_invite
from flows.interview import (
    about_child,
    booking_nudges,
    child_born,
    child_city,
    child_first_name,
    child_name,
    child_slot_text,
    children,
    meeting_place,
    record_booking,
    siblings,
    slot_text,
    staff_meeting_place,
)
from flows.messages import Arg, OutgoingMessage, Text
from flows.payloads import Book, BookFor
from flows.ports import (
    Booking,
    ByMessengerNow,
    ChildTime,
    ChildWay,
    Invitation,
    Joined,
    SlotOffer,
)
from flows.procedure import with_buttons
from flows.services import SERVICES
from flows.slots import Availability, Slot, free_slots, reminder_expires, term_end
from flows.turn import button
from storage.applications import owned_application, snapshot_of
from storage.clock import from_db, to_db
from storage.conversations import buttons_seq, ensure_person, person_for
from storage.models import (
    Application,
    AuditEntry,
    InterviewBooking,
    InterviewInvite,
    JobRun,
    OutboxMessage,
    Person,
    SlotOverride,
    citizen_actor,
)
from storage.outbox import CITIZEN, STAFF, enqueue

log = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed by a child
CODE_LENGTH = 8
REMINDERS = (24, 1)  # hours before the conversation
NUDGE_JOB = "interview_unbooked"  # the once-a-day reminder of a time not yet booked


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@dataclass(frozen=True)
class _Term:
    """What a child's free times are cut from (`flows.slots.free_slots`)."""

    accepted_on: date
    born: date
    ours: dict[int, Slot]  # the application's booked times, by child
    taken: set[str]  # the keys booked by others (other parents, the child's siblings)
    availability: Availability


@dataclass(frozen=True)
class _Usable:
    """An invite that may still be used, with what it is for."""

    invite: InterviewInvite
    application: Application
    booking: InterviewBooking


def hears_the_child(application: Application) -> bool:
    return SERVICES[application.service].hears_the_child


def _with_place(text: Text, place: Text | None) -> OutgoingMessage:
    """A notice of the conversation's time, and where it is when it is in person."""
    return OutgoingMessage((text,) if place is None else (text, place))


def _about(key: str, args: dict[str, Arg], application: Application, child: int) -> Text:
    """A notice of one child's conversation (naming the child when there are several)."""
    return about_child(key, args, application.answers, child)


def _nudge_key(application_id: int, audience: str, child: int) -> str:
    """Told once per child and audience; the first child's key is the one of before."""
    key = f"unbooked:{application_id}:{audience}"
    return key if child == 0 else f"{key}:{child}"


async def claim_run(session: AsyncSession, job: str, on: date) -> bool:
    """True once per job and day (like `StaffDesk.claim_job`), inside the caller's
    transaction: the claim commits with what the run writes, or not at all."""
    # Locked: a replica claiming at the same instant waits, then sees this day's claim.
    run = await session.get(JobRun, job, with_for_update=True)
    if run is not None and run.last_run_on >= on:
        return False
    if run is None:
        try:
            async with session.begin_nested():  # the first run ever: one insert wins
                session.add(JobRun(name=job, last_run_on=on))
        except IntegrityError:
            return False
    else:
        run.last_run_on = on
    return True


class SqlInterviews:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    async def _term(self, session: AsyncSession, application: Application,
                    child: int | None = None) -> _Term | None:
        """What this child's free times are cut from; None when no time is to be chosen."""
        if not hears_the_child(application) or application.status != "under_review":
            return None
        accepted = application.decision.get("accepted_on")
        position = 0 if child is None else child
        born = child_born(application.answers, position)
        if accepted is None or born is None:
            return None
        bookings = (await session.scalars(select(InterviewBooking).where(
            InterviewBooking.body_code == application.body_code,
            InterviewBooking.status == "booked"))).all()
        ours = {b.child_position: Slot.from_key(b.slot_key) for b in bookings
                if b.application_id == application.id}
        # A brother's or a sister's time is taken too: each child has their own conversation.
        taken = {b.slot_key for b in bookings
                 if b.application_id != application.id or b.child_position != position}
        overrides = (await session.scalars(select(SlotOverride).where(
            SlotOverride.body_code == application.body_code))).all()
        availability = Availability(
            closed=[(from_db(o.starts_at), from_db(o.ends_at)) for o in overrides
                    if o.kind == "close"],
            opened=[(from_db(o.starts_at), from_db(o.ends_at)) for o in overrides
                    if o.kind == "open"],
        )
        return _Term(date.fromisoformat(accepted), born, ours, taken, availability)

    async def _offer(self, session: AsyncSession, application: Application, now: datetime,
                     child: int | None = None) -> SlotOffer | None:
        """The free times for this child's conversation; asked for no child, the first
        child's, with no one booked time when there are several (`SlotOffer.booked`)."""
        term = await self._term(session, application, child)
        if term is None:
            return None
        kids = children(application.answers)
        position = 0 if child is None else child
        slots = free_slots(term.accepted_on, now, term.taken, term.availability,
                           birth=term.born)
        whole = child is None and len(kids) > 1
        return SlotOffer(str(application.id), application.number, tuple(slots),
                         child_city(application.answers),
                         None if whole else term.ours.get(position), position,
                         tuple(ChildTime(place, child_name(application.answers, place),
                                         term.ours.get(place)) for place in range(len(kids))))

    async def _not_free(self, session: AsyncSession, application: Application, key: str,
                        now: datetime, child: int) -> str:
        """Why `key` cannot be booked (a message id, `flows.booking.not_free`). When the term
        is over, staff are told with the refusal, once (the term is the application's, all
        its children's): only they can settle it."""
        term = await self._term(session, application, child)
        if term is None:
            return "booking-not-available"
        why = not_free(key, term.accepted_on, now, term.taken, term.availability)
        alert = f"term-ended:{application.id}"
        if why != TERM_ENDED or await session.scalar(
                select(OutboxMessage.id).where(OutboxMessage.key == alert)) is not None:
            return why
        try:
            async with session.begin_nested():  # two taps at one instant: one alert
                enqueue(session, key=alert, audience=STAFF, person_id=application.person_id,
                        application_id=application.id, message=term_ended_alert(
                            application.number, term_end(term.accepted_on)))
        except IntegrityError:
            pass
        return why

    async def offer(self, channel: str, user_id: str, ref: str, now: datetime,
                    child: int | None = None) -> SlotOffer | None:
        async with self.sessions() as session:
            application = await owned_application(session, channel, user_id, ref)
            return await self._offer(session, application, now, child) if application \
                else None

    async def book(self, channel: str, user_id: str, ref: str, key: str,
                   now: datetime, child: int = 0, language: str | None = None) -> Booking | str:
        try:
            async with self.sessions.begin() as session:
                application = await owned_application(session, channel, user_id, ref)
                offer = await self._offer(session, application, now, child) \
                    if application else None
                if application is None or offer is None:
                    return "booking-not-available"
                slot = next((s for s in offer.slots if s.key == key), None)
                if slot is None:  # passed, the term over, taken or closed: said as it is
                    return await self._not_free(session, application, key, now, child)
                await self._drop_booking(session, application, child)
                session.add(InterviewBooking(application_id=application.id,
                                             child_position=child,
                                             body_code=application.body_code, slot_key=key,
                                             starts_at=to_db(slot.start)))
                await session.flush()  # the unique index speaks here when the slot is gone
                invite = await self._invite(session, application.id, child, slot, language)
                application.decision = record_booking(application.decision, child, key)
                await self._drop_nudges(session, application.id, child)
                self._remind(session, application, slot, offer.zone, now, child)
                calendar = self._calendar(application, slot, now)
                told = await self._tell_child(session, application, invite, slot, offer.zone,
                                              now, language, calendar)
                session.add(AuditEntry(actor=citizen_actor(application.person_id),
                                       action="interview.book",
                                       subject=application.number,
                                       details={"slot": key, "child": child}))
                booked = _about("staff-interview-booked", {
                    "number": application.number, "slot": slot_text(slot, offer.zone)},
                    application, child)
                enqueue(session, key=f"booked:{application.id}:{key}:{secrets.token_hex(4)}",
                        audience=STAFF, person_id=application.person_id,
                        application_id=application.id,
                        message=_with_place(booked, staff_meeting_place(application.answers)))
                name = child_name(application.answers, child) if offer.siblings else ""
                return Booking(str(application.id), application.number, slot, offer.zone,
                               invite.code, calendar, meeting_place(application.answers),
                               child, name, child_told=told is not None,
                               child_address=told.external_id
                               if told is not None and told.channel == MAIL else "")
        except IntegrityError:
            return "booking-slot-taken"

    async def cancel(self, channel: str, user_id: str, ref: str, child: int = 0) -> bool:
        async with self.sessions.begin() as session:
            application = await owned_application(session, channel, user_id, ref)
            if application is None:
                return False
            return await self._drop_booking(session, application, child)

    async def _drop_booking(self, session: AsyncSession, application: Application,
                            child: int) -> bool:
        application_id = application.id
        booking = await session.scalar(select(InterviewBooking).where(
            InterviewBooking.application_id == application_id,
            InterviewBooking.child_position == child,
            InterviewBooking.status == "booked"))
        if booking is None:
            return False
        booking.status = "cancelled"
        application.decision = record_booking(application.decision, child, None)
        await session.flush()
        # Reminders of the old time must not go out (each child's conversation has its own
        # time, so the slot names the child's reminders).
        await session.execute(update(OutboxMessage).where(
            OutboxMessage.application_id == application_id,
            OutboxMessage.key.startswith(f"remind:{application_id}:{booking.slot_key}:"),
            OutboxMessage.status == "pending").values(status="cancelled"))
        return True

    async def _drop_nudges(self, session: AsyncSession, application_id: int,
                           child: int) -> None:
        """A child's time is booked: "no time booked yet" for that child must not go out."""
        await session.execute(update(OutboxMessage).where(
            OutboxMessage.application_id == application_id,
            OutboxMessage.key.in_([_nudge_key(application_id, audience, child)
                                   for audience in (CITIZEN, STAFF)]),
            OutboxMessage.status == "pending").values(status="cancelled"))

    async def _invite(self, session: AsyncSession, application_id: int, child: int,
                      slot: Slot, language: str | None = None) -> InterviewInvite:
        """The child's code: one per child, valid until their conversation is over; it keeps
        the language chosen for the child (a time changed without one keeps the old)."""
        invite = await session.scalar(select(InterviewInvite).where(
            InterviewInvite.application_id == application_id,
            InterviewInvite.child_position == child))
        expires = to_db(slot.end + timedelta(hours=1))
        if invite is None:
            invite = InterviewInvite(application_id=application_id, child_position=child,
                                     code=new_code(), expires_at=expires, language=language)
            session.add(invite)
        else:
            invite.expires_at = expires
            if language is not None:
                invite.language = language
        return invite

    @staticmethod
    def _calendar(application: Application, slot: Slot, now: datetime) -> bytes:
        """The .ics of the booked time, the same for the parent and the child."""
        return calendar_invite(slot, f"{application.number}-{slot.key}@applications-bot",
                               application.number, application.number, stamp=now)

    async def _tell_child(self, session: AsyncSession, application: Application,
                          invite: InterviewInvite, slot: Slot, zone: str | None,
                          now: datetime, language: str | None, calendar: bytes) -> Person | None:
        """A new time for a child already in the conversation (joined by messenger, or
        invited by e-mail): they are told it, and their reminders follow it (those of the
        old time went with the old booking). The child, or None when nobody is in yet."""
        child = None if invite.child_person_id is None else \
            await session.get(Person, invite.child_person_id)
        if child is None:
            return None
        by_mail = child.channel == MAIL
        if by_mail and language is not None:
            child.language = language  # no /language in a mail: the parent's choice holds
        position = invite.child_position
        self._remind(session, application, slot, zone, now, position, child_person=child.id)
        attachment = calendar_file(application.number, position,
                                   siblings(application.answers), calendar)
        enqueue(session, key=f"moved:{application.id}:{position}:{slot.key}:"
                             f"{secrets.token_hex(4)}",
                audience=CITIZEN, person_id=child.id, application_id=application.id,
                child=position,
                message=time_moved(application.answers, position, slot, zone, attachment,
                                   by_mail=by_mail))
        return child

    async def _seat(self, session: AsyncSession, application: Application,
                    invite: InterviewInvite, slot: Slot, person_id: int, now: datetime, *,
                    given: bool = False) -> bool:
        """The child's place in their conversation: the invite is theirs, and their
        reminders are set. Used once (of two people saying "it is me" at the same instant,
        one gets it), unless the parent `given` it: their latest choice of the child's
        channel holds. False when someone had used it."""
        claim = update(InterviewInvite).where(InterviewInvite.id == invite.id)
        if not given:
            claim = claim.where(InterviewInvite.used_at.is_(None))
        claimed = await session.scalar(
            claim.values(used_at=to_db(now), child_person_id=person_id)
            .returning(InterviewInvite.id))
        if claimed is None:
            return False
        # Given again (another address, or the same once more): the reminders not yet sent
        # go to this child, once.
        await session.execute(delete(OutboxMessage).where(
            OutboxMessage.key.in_([f"remind:{application.id}:{slot.key}:{hours}:child"
                                   for hours in REMINDERS]),
            OutboxMessage.status == "pending"))
        self._remind(session, application, slot, child_city(application.answers), now,
                     invite.child_position, child_person=person_id)
        return True

    async def _booked_abroad(self, session: AsyncSession, channel: str, user_id: str, ref: str,
                             child: int, now: datetime) -> _Usable | None:
        """This parent's booked conversation of a child abroad, with the child's invite still
        valid; None when there is none."""
        application = await owned_application(session, channel, user_id, ref)
        if application is None or child_city(application.answers) is None \
                or not hears_the_child(application) or application.status != "under_review":
            return None
        booking = await session.scalar(select(InterviewBooking).where(
            InterviewBooking.application_id == application.id,
            InterviewBooking.child_position == child,
            InterviewBooking.status == "booked"))
        invite = await session.scalar(select(InterviewInvite).where(
            InterviewInvite.application_id == application.id,
            InterviewInvite.child_position == child))
        if booking is None or invite is None or from_db(invite.expires_at) < now:
            return None
        return _Usable(invite, application, booking)

    @staticmethod
    async def _release(session: AsyncSession, application_id: int, person_id: int) -> None:
        """The child no longer joins as this person: nothing more of the conversation goes
        to them. Their reminders are dropped, as `_seat` drops them (their keys name the
        time, not the person: the next child's take them); anything else waiting, an
        invitation not yet sent, is cancelled."""
        waiting = (OutboxMessage.application_id == application_id,
                   OutboxMessage.person_id == person_id, OutboxMessage.status == "pending")
        await session.execute(delete(OutboxMessage).where(
            *waiting, OutboxMessage.key.startswith(f"remind:{application_id}:"),
            OutboxMessage.key.endswith(":child")))
        await session.execute(update(OutboxMessage).where(*waiting).values(status="cancelled"))

    async def child_way(self, channel: str, user_id: str, ref: str, child: int,
                        now: datetime) -> ChildWay | None:
        async with self.sessions() as session:
            found = await self._booked_abroad(session, channel, user_id, ref, child, now)
            if found is None:
                return None
            invite, answers = found.invite, found.application.answers
            person = None if invite.child_person_id is None else \
                await session.get(Person, invite.child_person_id)
            by_mail = person is not None and person.channel == MAIL
            return ChildWay(str(found.application.id), child,
                            child_name(answers, child) if siblings(answers) else "",
                            person.external_id if person is not None and by_mail else "",
                            joined=person is not None and not by_mail, code=invite.code)

    async def by_messenger(self, channel: str, user_id: str, ref: str, child: int,
                           now: datetime) -> ByMessengerNow | str:
        async with self.sessions.begin() as session:
            found = await self._booked_abroad(session, channel, user_id, ref, child, now)
            if found is None:
                return "booking-not-available"
            invite, application = found.invite, found.application
            person = None if invite.child_person_id is None else \
                await session.get(Person, invite.child_person_id)
            if person is None:  # nobody in yet: the same invite to forward
                return ByMessengerNow(invite.code)
            if person.channel != MAIL:
                return "booking-child-in-messenger"
            # The mail's code opens nothing now (a reply to it is no longer the child's).
            invite.code, invite.used_at, invite.child_person_id = new_code(), None, None
            await self._release(session, application.id, person.id)
            session.add(AuditEntry(actor=citizen_actor(application.person_id),
                                   action="interview.child-by-messenger",
                                   subject=application.number, details={"child": child}))
            log.info("application %s: child %s joins by messenger instead of e-mail",
                     application.id, child)
            return ByMessengerNow(invite.code, person.external_id)

    async def invite_by_mail(self, channel: str, user_id: str, ref: str, child: int,
                             address: str, now: datetime) -> str | None:
        """The parent gives the address of the child abroad: the child joins by e-mail."""
        async with self.sessions.begin() as session:
            found = await self._booked_abroad(session, channel, user_id, ref, child, now)
            if found is None:
                return "booking-not-available"
            application, booking, invite = found.application, found.booking, found.invite
            zone = child_city(application.answers)
            person = await ensure_person(session, MAIL, address.lower())
            if invite.child_person_id not in (None, person.id):  # another address, a messenger
                await self._release(session, application.id, invite.child_person_id)
            # The child reads the language the parent chose for them (theirs, if none).
            person.language = invite.language or await session.scalar(
                select(Person.language).where(Person.id == application.person_id))
            slot = Slot.from_key(booking.slot_key)
            await self._seat(session, application, invite, slot, person.id, now, given=True)
            session.add(AuditEntry(actor=citizen_actor(application.person_id),
                                   action="interview.child-by-mail",
                                   subject=application.number, details={"child": child}))
            key = f"invite-mail:{application.id}:{child}"
            if await session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key)):
                key = f"{key}:{secrets.token_hex(4)}"  # invited again: the mail goes again
            attachment = calendar_file(application.number, child,
                                       siblings(application.answers),
                                       self._calendar(application, slot, now))
            enqueue(session, key=key, audience=CITIZEN, person_id=person.id,
                    application_id=application.id, child=child,
                    message=mail_invitation(application.answers, child, slot, zone, attachment))
            log.info("application %s: child %s invited by e-mail (person %s)", application.id,
                     child, person.id)
            return None

    def _remind(self, session: AsyncSession, application: Application, slot: Slot,
                zone: str | None, now: datetime, child: int,
                child_person: int | None = None) -> None:
        for hours in REMINDERS:
            at = slot.start - timedelta(hours=hours)
            if at <= now:
                continue  # booked too late for this reminder
            prefix = f"remind:{application.id}:{slot.key}:{hours}"
            until = reminder_expires(slot.start, hours)
            shown = slot_text(slot, zone)
            answers = application.answers
            args: dict[str, Arg] = {"number": application.number, "hours": hours, "slot": shown}
            if child_person is None:
                self._at(session, f"{prefix}:parent", CITIZEN, application, at, until,
                         _with_place(_about("reminder-parent", args, application, child),
                                     meeting_place(answers)))
                self._at(session, f"{prefix}:staff", STAFF, application, at, until,
                         _with_place(_about("reminder-staff", args, application, child),
                                     staff_meeting_place(answers)))
            else:
                self._at(session, f"{prefix}:child", CITIZEN, application, at, until,
                         OutgoingMessage((Text("reminder-child", {
                             "hours": hours, "slot": child_slot_text(slot, zone)}),)),
                         person_id=child_person, child=child)

    def _at(self, session: AsyncSession, key: str, audience: str, application: Application,
            at: datetime, until: datetime, message: OutgoingMessage,
            person_id: int | None = None, child: int | None = None) -> None:
        enqueue(session, key=key, audience=audience,
                person_id=person_id or application.person_id, application_id=application.id,
                message=message, not_before=at, not_after=until, child=child)

    async def _usable(self, session: AsyncSession, channel: str, user_id: str, code: str,
                      now: datetime) -> _Usable | str:
        """The invite behind a code if this person may still use it; else why not."""
        invite = await session.scalar(select(InterviewInvite).where(
            InterviewInvite.code == code.strip().upper()))
        if invite is None:
            return "invite-unknown"
        if invite.used_at is not None:
            return "invite-used"
        if from_db(invite.expires_at) < now:
            return "invite-expired"
        application = await session.get(Application, invite.application_id)
        booking = await session.scalar(select(InterviewBooking).where(
            InterviewBooking.application_id == invite.application_id,
            InterviewBooking.child_position == invite.child_position,
            InterviewBooking.status == "booked"))
        if application is None or booking is None:
            return "invite-expired"
        person = await person_for(session, channel, user_id)
        if person is not None and person.id == application.person_id:
            return "invite-for-child"  # the applicant forwards it; it is not theirs to use
        return _Usable(invite, application, booking)

    async def invitation(self, channel: str, user_id: str, code: str,
                         now: datetime) -> Invitation | str:
        async with self.sessions() as session:
            usable = await self._usable(session, channel, user_id, code, now)
            if isinstance(usable, str):
                return usable
            language = usable.invite.language
            if language is None:  # an invite made before the parent was asked: theirs
                language = await session.scalar(select(Person.language).where(
                    Person.id == usable.application.person_id))
            return Invitation(child_first_name(usable.application.answers,
                                               usable.invite.child_position), language)

    async def join(self, channel: str, user_id: str, code: str,
                   now: datetime) -> Joined | str:
        async with self.sessions.begin() as session:
            usable = await self._usable(session, channel, user_id, code, now)
            if isinstance(usable, str):
                return usable
            application, booking = usable.application, usable.booking
            child = await ensure_person(session, channel, user_id)
            slot = Slot.from_key(booking.slot_key)
            if not await self._seat(session, application, usable.invite, slot, child.id, now):
                return "invite-used"
            zone = child_city(application.answers)
            position = usable.invite.child_position
            session.add(AuditEntry(actor=citizen_actor(child.id), action="interview.child-joined",
                                   subject=application.number, details={"child": position}))
            return Joined(str(application.id), application.number, slot, zone,
                          str(application.answers.get("subject") or ""), position)

    async def child_reply(self, channel: str, user_id: str, ref: str, confirmed: bool,
                          child: int = 0) -> bool:
        """The child confirmed the time, or asked for another one (the parent is told).
        Only the child who joined this child's invite may: anyone else is refused."""
        async with self.sessions.begin() as session:
            found = await self._childs_application(session, channel, user_id, ref, child)
            if found is None:
                return False
            application, child_person = found
            verdict = "confirmed" if confirmed else "another-time"
            booked = await session.scalar(select(InterviewBooking.slot_key).where(
                InterviewBooking.application_id == application.id,
                InterviewBooking.child_position == child,
                InterviewBooking.status == "booked"))
            # One answer per booked time: a double tap must not tell the parent twice. Each
            # child has their own time, so it names the child's answer too.
            tag = f"{booked or '-'}:{verdict}" if child == 0 \
                else f"{booked or '-'}:{child}:{verdict}"
            if await session.scalar(select(OutboxMessage.id).where(
                    OutboxMessage.key == f"child:{application.id}:{tag}")):
                return True
            session.add(AuditEntry(actor=citizen_actor(child_person),
                                   action=f"interview.child-{verdict}",
                                   subject=application.number, details={"child": child}))
            message = OutgoingMessage((_about(f"notify-child-{verdict}",
                                              {"number": application.number},
                                              application, child),))
            # Another time asked: the parent's notice carries the button that changes it.
            rows = [] if confirmed else [[button("booking-change", BookFor(ref, child)
                                                 if child else Book(ref))]]
            enqueue(session, key=f"child:{application.id}:{tag}", audience=CITIZEN,
                    person_id=application.person_id, application_id=application.id,
                    message=with_buttons(message, rows, await buttons_seq(
                        session, application.person_id)))
            enqueue(session, key=f"child-staff:{application.id}:{tag}",
                    audience=STAFF, person_id=application.person_id,
                    application_id=application.id, message=message)
            return True

    async def _childs_application(self, session: AsyncSession, channel: str, user_id: str,
                                  ref: str, child: int) -> tuple[Application, int] | None:
        """The interview application `ref` and the child's row, if this person is the child
        who joined that child's invite. A refusal is logged once, with ids only: a forged
        button is not worth more."""
        application = await session.get(Application, int(ref)) \
            if ref.isascii() and ref.isdigit() and len(ref) <= 18 else None
        person = await person_for(session, channel, user_id)
        invite = await session.scalar(select(InterviewInvite).where(
            InterviewInvite.application_id == application.id,
            InterviewInvite.child_position == child)) if application else None
        if application is None or not hears_the_child(application):
            reason = "no interview application"
        elif invite is None or person is None or invite.child_person_id != person.id:
            reason = "not its child"
        else:
            return application, person.id
        log.warning("child reply refused: application %s, person %s: %s", ref[:18],
                    person.id if person else "-", reason)
        return None

    async def no_slots(self, channel: str, user_id: str, ref: str) -> None:
        async with self.sessions.begin() as session:
            application = await owned_application(session, channel, user_id, ref)
            if application is None:
                return
            enqueue(session, key=f"no-slots:{application.id}:{secrets.token_hex(4)}",
                    audience=STAFF, person_id=application.person_id,
                    application_id=application.id, message=OutgoingMessage((Text(
                        "staff-interview-no-slots", {"number": application.number}),)))

    async def set_override(self, body_code: str, kind: str, start: datetime, end: datetime,
                           actor: str) -> None:
        """Staff open or close times of a body."""
        async with self.sessions.begin() as session:
            session.add(SlotOverride(body_code=body_code, kind=kind, starts_at=to_db(start),
                                     ends_at=to_db(end), actor=actor))
            session.add(AuditEntry(actor=actor, action=f"slots.{kind}", subject=body_code,
                                   details={"from": start.isoformat(), "to": end.isoformat()}))

    async def nudge_unbooked(self, today: date, now: datetime) -> int:
        """Once a day: a parent who has booked no time for a child's conversation is
        reminded and, near the end of its term, staff are alerted, child by child
        (`flows.interview.booking_nudges`). The day's run is claimed in the transaction that
        writes the notices, and each notice is written once per child, so a restart repeats
        none. How many were queued."""
        async with self.sessions.begin() as session:
            if not await claim_run(session, NUDGE_JOB, today):
                return 0
            waiting = (await session.scalars(select(Application).where(
                Application.status == "under_review").order_by(Application.id))).all()
            queued = 0
            for application in waiting:
                if not hears_the_child(application):
                    continue
                seq = await buttons_seq(session, application.person_id)
                for nudge in booking_nudges(snapshot_of(application), today, seq):
                    key = _nudge_key(application.id, nudge.audience, nudge.child)
                    if await session.scalar(select(OutboxMessage.id).where(
                            OutboxMessage.key == key)):
                        continue  # told once is enough
                    enqueue(session, key=key, audience=nudge.audience,
                            person_id=application.person_id, application_id=application.id,
                            message=nudge.message, not_after=nudge.until)
                    queued += 1
            if queued:
                log.info("%d notices of a conversation time not yet booked", queued)
            return queued
