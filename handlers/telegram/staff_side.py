"""The staff side's shared parts: who may act as staff, and the object every staff
handler works with (the bot, the desk, the topics, the language, the clock)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Any, Protocol

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.types import BufferedInputFile, ForceReply, Message

from flows.calendar import KZ_TZ
from flows.desk import ActResult, Citizen, DeliveryTroubles, Line
from flows.filetypes import MAX_DOCUMENT_BYTES, detect_document_type, proper_name
from flows.menu import status_id
from flows.messages import Arg, OutgoingMessage, Text
from flows.ports import Seat
from flows.procedure import Snapshot, card
from flows.staff_input import tidy
from handlers.l10n import Localizer
from handlers.telegram.render import TelegramRenderer, split_into, split_text
from handlers.telegram.topics import StaffTopics

log = logging.getLogger(__name__)

MEMBER_STATUSES = {"creator", "administrator", "member"}
# What staff may post that a WhatsApp citizen is not sent (text, photos and files are).
OTHER_CONTENT = ("sticker", "voice", "video", "video_note", "audio", "animation", "location",
                 "contact", "poll", "dice", "venue")
# What a citizen's message to staff is, as kept for the console (storage: CitizenWord.kind).
WORDS, FILE = "text", "file"


class ReplyRequest(Protocol):
    """A question the bot asked staff, answered by replying to it."""

    @property
    def message_id(self) -> int: ...

    @property
    def application_id(self) -> int: ...

    @property
    def action(self) -> str: ...

    @property
    def data(self) -> dict[str, Any]: ...


class Desk(Protocol):
    """The staff desk's data, as the staff handlers, the digest and the citizen bridge use it."""

    async def citizen_by_address(self, channel: str, external_id: str) -> Citizen | None: ...
    async def citizen_of_thread(self, chat_id: int, thread_id: int) -> Citizen | None: ...
    async def snapshot(self, application_id: int) -> Snapshot | None: ...
    async def card_message_ids(self, application_id: int) -> list[int]: ...
    async def card_lost(self, application_id: int, today: date) -> None: ...
    async def person_of(self, application_id: int) -> int | None: ...
    async def act(self, application_id: int, action: str, actor: str, details: dict[str, Any],
                  at: datetime, actor_name: str = "") -> ActResult: ...
    async def reissue(self, application_id: int, actor: str, actor_name: str,
                      at: datetime) -> str | None: ...
    async def staff_reply(self, person_id: int, key: str, text: str, actor: str) -> None: ...
    async def enqueue_staff(self, person_id: int, key: str, message: OutgoingMessage) -> None: ...
    async def keep_words(self, person_id: int, text: str, kind: str) -> None: ...
    async def audit(self, actor: str, action: str, subject: str,
                    details: dict[str, Any]) -> None: ...
    async def open_request(self, chat_id: int, message_id: int, application_id: int,
                           action: str, staff_user_id: int, data: dict[str, Any]) -> None: ...
    async def take_request(self, chat_id: int, message_id: int) -> ReplyRequest | None: ...
    async def was_asked(self, chat_id: int, message_id: int) -> bool: ...
    async def asked_of(self, chat_id: int, staff_user_id: int, person_id: int,
                       since: datetime) -> ReplyRequest | None: ...
    async def due_or_overdue(self, today: date) -> list[tuple[Snapshot, date]]: ...
    async def open_applications(self) -> list[Snapshot]: ...
    async def delivery_troubles(self, since: datetime) -> DeliveryTroubles: ...
    async def post_once(self, job: str, on: date, message: OutgoingMessage) -> bool: ...


class InterviewSessions(Protocol):
    """The conversation with each child, as staff run it from the citizen's topic (`child`:
    the child's place in the application; siblings each have their own)."""

    async def start(self, application_id: int, actor: str, now: datetime,
                    child: int = 0) -> str | None: ...
    async def confirm_present(self, application_id: int, actor: str,
                              child: int = 0) -> bool: ...
    async def seat_of(self, channel: str, external_id: str, now: datetime) -> Seat | None: ...
    async def open_id(self, application_id: int, child: int = 0) -> int | None: ...
    async def present(self, application_id: int, child: int = 0) -> bool | None: ...
    async def relay(self, session_id: int, role: str, text: str, now: datetime) -> bool: ...
    async def end(self, application_id: int, actor: str, now: datetime,
                  child: int = 0, actor_name: str = "") -> list[Line] | None: ...


class CitizenFiles(Protocol):
    """Staff's photos and files for a citizen on another messenger (WhatsApp), queued for them."""

    async def send(self, person_id: int, key: str, data: bytes, *, mime: str, name: str,
                   image: bool, text: str, actor: str) -> None: ...


class SlotOverrides(Protocol):
    async def set_override(self, body_code: str, kind: str, start: datetime, end: datetime,
                           actor: str) -> None: ...


class StaffGate:
    """Who may act as staff: `STAFF_ADMIN_IDS`, or whoever is in the staff group right now.

    Membership is asked on every staff action, never cached: a specialist removed from the
    group loses their powers on their very next tap or message. Staff act at a person's pace,
    so this is one getChatMember per action; a cache kept fresh by chat_member updates would
    be stale whenever such an update is missed (the bot must be an admin, opt in to them in
    allowed_updates, and be running when they come).
    """

    def __init__(self, bot: Bot, chat_id: int, admin_ids: list[int]) -> None:
        self.bot, self.chat_id, self.admin_ids = bot, chat_id, set(admin_ids)

    async def allows(self, user_id: int) -> bool:
        if user_id in self.admin_ids:
            return True
        try:
            member = await self.bot.get_chat_member(self.chat_id, user_id)
        except (TelegramBadRequest, TelegramForbiddenError) as error:
            # Unknown user, or the bot itself is out of the group: no one acts as staff.
            log.info("staff check for user %s refused: %s", user_id, error.message)
            return False
        return member.status in MEMBER_STATUSES


@dataclass
class StaffSide:
    """What the staff handlers and the citizen bridge share."""

    bot: Bot
    desk: Desk
    topics: StaffTopics
    gate: StaffGate
    renderer: TelegramRenderer
    l10n: Localizer
    chat_id: int
    language: str
    clock: Callable[[], datetime]
    wake: Callable[[], None]  # tells the outbox worker there is something to deliver
    slots: SlotOverrides | None = None
    sessions: InterviewSessions | None = None
    video_base: str = ""  # INTERVIEW_VIDEO_BASE: rooms for a video call, when set
    citizen_files: CitizenFiles | None = None  # staff's files for citizens

    def text(self, key: str, **args: Any) -> str:
        return self.l10n.render(Text(key, args), self.language)

    async def post(self, thread: int, key: str, **args: Any) -> Message:
        return await self.bot.send_message(self.chat_id, self.text(key, **args),
                                           message_thread_id=thread)

    # ------------------------------------------------------------------ citizen -> topic
    async def citizen_opened(self, channel: str, external_id: str) -> None:
        citizen = await self.desk.citizen_by_address(channel, external_id)
        if citizen is None:
            return
        await self.desk.enqueue_staff(citizen.person_id, f"opened:{secrets.token_hex(8)}",
                                      OutgoingMessage((Text("staff-citizen-opened"),)))
        self.wake()

    async def relay(self, message: Message) -> None:
        """Copy a citizen's message (text, photo, file) into their topic, kept first for the
        console: a text as it is, anything else as a file with its caption."""
        words, kind = (message.text, WORDS) if message.text is not None else (
            message.caption or "", FILE)
        person = await self._kept("telegram", str(message.chat.id), words, kind)
        if person is not None:
            await self.topics.within(person, lambda thread: self.bot.copy_message(
                self.chat_id, message.chat.id, message.message_id, message_thread_id=thread))

    async def _kept(self, channel: str, external_id: str, text: str, kind: str) -> int | None:
        """The citizen's words kept (before Telegram is asked anything, so a failure there
        loses nothing); the citizen's person id."""
        citizen = await self.desk.citizen_by_address(channel, external_id)
        if citizen is None:
            return None
        await self.desk.keep_words(citizen.person_id, text, kind)
        return citizen.person_id

    async def relay_text(self, channel: str, external_id: str, text: str) -> None:
        """A message from a citizen on another messenger, posted into their topic."""
        person = await self._kept(channel, external_id, text, WORDS)
        if person is not None:
            for piece in split_text(self.text("staff-citizen-says", text=text)):
                await self.topics.within(person, partial(self._say_in, piece))

    async def relay_file(self, channel: str, external_id: str, data: bytes,
                         filename: str) -> None:
        person = await self._kept(channel, external_id, "", FILE)
        if person is not None:
            name = proper_name(filename, detect_document_type(data[:4096]) or "")
            await self.topics.within(person, lambda thread: self.bot.send_document(
                self.chat_id, BufferedInputFile(data, name),
                caption=self.text("staff-citizen-file"), message_thread_id=thread))

    async def _say_in(self, text: str, thread: int) -> Message:
        return await self.bot.send_message(self.chat_id, text, message_thread_id=thread)

    async def tell(self, person_id: int, key: str, **args: Any) -> Message:
        """A line in the person's topic, wherever it is now (`post` once it is known)."""
        return await self.topics.within(person_id,
                                        lambda thread: self.post(thread, key, **args))

    # ------------------------------------------------------------------ topic -> citizen
    async def send_file(self, citizen: Citizen, message: Message, actor: str) -> None:
        """A specialist's photo or file for a citizen: fetched from Telegram and queued for
        them with the specialist's label (as their words are), or staff are told in the
        topic why it cannot go."""
        thread = message.message_thread_id
        found = _staff_file(message)
        if thread is None:
            return
        if found is None:
            if any(getattr(message, kind) for kind in OTHER_CONTENT):  # a sticker, a voice...
                await self.post(thread, "staff-file-kind-unsupported")
            return  # else a service message: a topic renamed, a message pinned
        file_id, size, image, name, declared = found
        if size is not None and size > MAX_DOCUMENT_BYTES:  # Telegram gives a bot no more
            await self.post(thread, "staff-file-too-large", size=_megabytes(size),
                            limit=_megabytes(MAX_DOCUMENT_BYTES))
            return
        if self.citizen_files is None:
            log.warning("no way to pass staff files to %s citizens", citizen.channel)
            return
        try:
            download = await self.bot.download(file_id)
        except TelegramBadRequest as error:  # "file is too big": the size was not told
            log.info("staff file not fetched: %s", error.message)
            await self.post(thread, "staff-file-too-large", size=_megabytes(size),
                            limit=_megabytes(MAX_DOCUMENT_BYTES))
            return
        data = download.read() if download is not None else b""
        mime = detect_document_type(data[:4096]) or declared or "application/octet-stream"
        text = tidy(message.caption or "")
        await self.citizen_files.send(
            citizen.person_id, f"reply:{self.chat_id}:{message.message_id}", data, mime=mime,
            name=proper_name(name, mime), image=image, text=text, actor=actor)
        self.wake()

    # ------------------------------------------------------------------ the card
    async def refresh_card(self, snapshot: Snapshot, card_id: int | None = None,
                           today: date | None = None) -> None:
        """Show the card as of `today` (the clock's day unless given): its dates marked due
        or overdue, and no button a term no longer allows."""
        # The card's messages are recorded when its delivery is (a long card is in pieces, its
        # buttons on the last); a tap on a card not recorded so knows its own message.
        ids = await self.desk.card_message_ids(snapshot.id)
        if card_id is not None and card_id not in ids:
            ids = [card_id]
        if not ids:
            return
        day = today or self.clock().astimezone(KZ_TZ).date()
        message = card(snapshot, day)
        pieces = split_into(self.l10n.join(message.parts, self.language), len(ids))
        markup = self.renderer.inline(message, self.language)
        shown_in = ids[len(ids) - len(pieces):]
        for i, (message_id, piece) in enumerate(zip(shown_in, pieces, strict=True)):
            try:
                await self.bot.edit_message_text(
                    text=piece, chat_id=self.chat_id, message_id=message_id,
                    reply_markup=markup if i == len(pieces) - 1 else None)
            except TelegramBadRequest as error:  # "not modified" among them
                log.info("card %s not refreshed: %s", snapshot.number, error.message)
                if "message to edit not found" in error.message.lower():
                    # deleted, alone or with its topic: staff would have no card to act on
                    await self.desk.card_lost(snapshot.id, day)
                    self.wake()
                    return

    async def apply(self, application_id: int, action: str, details: dict[str, Any],
                    user_id: int, user_name: str, thread: int | None,
                    card_id: int | None = None) -> ActResult:
        """The desk takes the step (the change, its audit and the citizen's notice in one
        transaction); the topic hears of it. The console calls this too (issue 17), so a
        step taken there shows in the topic; what the desk answered is returned."""
        actor = f"staff:{user_id}"
        result = await self.desk.act(application_id, action, actor, details, self.clock(),
                                     user_name)
        snapshot = result.snapshot
        person = await self.desk.person_of(snapshot.id) if snapshot is not None else None
        if thread is not None:  # tapped in the topic
            say = partial(self.post, thread)
        elif person is not None:  # from the console: the topic may have been deleted
            say = partial(self.tell, person)
        else:
            return result
        if result.reason is not None:  # a term the law sets
            await say(result.reason.key, **result.reason.args)
            return result
        if not result.ok or snapshot is None:
            args: dict[str, Arg] = {} if snapshot is None else {
                "number": snapshot.number,
                "status": Text(status_id(snapshot.status, snapshot.service))}
            await say(result.error, **args)
            return result
        self.wake()
        await say("staff-done", who=user_name, action=Text(f"staff-action-{action}"),
                  number=snapshot.number,
                  status=Text(status_id(snapshot.status, snapshot.service)))
        await self.refresh_card(snapshot, card_id)
        if person is not None:
            await self.topics.refresh_title(person)
        return result

    async def ask(self, thread: int | None, application_id: int, action: str, user_id: int,
                  key: str, data: dict[str, Any] | None = None, **args: Any) -> None:
        """A question staff answer by replying to it (Telegram's force-reply)."""
        prompt = await self.bot.send_message(
            self.chat_id, self.text(key, **args), message_thread_id=thread,
            reply_markup=ForceReply(selective=True))
        await self.desk.open_request(self.chat_id, prompt.message_id, application_id, action,
                                     user_id, data or {})


def _staff_file(message: Message) -> tuple[str, int | None, bool, str, str] | None:
    """A photo or a file in a staff message: its id, size, whether it is a photo, its name
    and the type Telegram reports."""
    if message.photo:
        largest = message.photo[-1]
        return largest.file_id, largest.file_size, True, "photo", "image/jpeg"
    if message.document is not None:
        document = message.document
        return (document.file_id, document.file_size, False, document.file_name or "file",
                document.mime_type or "")
    return None


def _megabytes(size: int | None) -> str:
    return "?" if size is None else f"{size / (1024 * 1024):.1f}".removesuffix(".0")
