"""The staff group: one forum topic per citizen, application cards with their legal steps.

Staff answer a citizen by writing in the citizen's topic; they move an application with the
buttons on its card, and give details (reasons, a hearing, a period) by replying to the
bot's question. Only members of the staff group or `STAFF_ADMIN_IDS` may act.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as dt_time
from functools import partial
from typing import Any, Protocol

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    ForceReply,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from flows.calendar import KZ_TZ
from flows.common import CATALOGUE
from flows.menu import status_id
from flows.messages import Arg, OutgoingMessage, Text
from flows.procedure import REQUIRED_DOCUMENTS, Snapshot, allowed, card, transitions
from flows.validators import Invalid, check_after, check_not_past, parse_date
from handlers.l10n import Localizer
from handlers.telegram.render import TelegramRenderer, split_text
from handlers.telegram.topics import StaffTopics
from storage.sessions import SqlSessions
from storage.staff import StaffDesk

log = logging.getLogger(__name__)

MEMBER_STATUSES = {"creator", "administrator", "member"}
TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class SlotOverrides(Protocol):
    async def set_override(self, body_code: str, kind: str, start: datetime, end: datetime,
                           actor: str) -> None: ...


SLOTS_RE = re.compile(
    r"^/(open|close)(?:@\w+)?\s+([a-z0-9-]+)\s+(\S+)\s+(\d{1,2}[:.]\d{2})\s*-\s*(\d{1,2}[:.]\d{2})$")


def parse_override(text: str) -> tuple[str, str, datetime, datetime] | None:
    """"/close kst-rudny 25.11.2026 14:30-16:00" -> (kind, body, start, end) in Astana time."""
    match = SLOTS_RE.match(text.strip())
    if match is None:
        return None
    kind, body, day, start, end = match.groups()
    try:
        when = parse_date(day)
    except Invalid:
        return None
    def at(clock: str) -> datetime:
        hours, minutes = clock.replace(".", ":").split(":")
        return datetime.combine(when, dt_time(int(hours), int(minutes)), KZ_TZ)
    try:
        begin, finish = at(start), at(end)
    except ValueError:
        return None
    return (kind, body, begin, finish) if begin < finish else None


class StaffGate:
    """Who may act as staff: members of the staff group (asked briefly cached) or admins."""

    def __init__(self, bot: Bot, chat_id: int, admin_ids: list[int], ttl: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.bot, self.chat_id, self.admin_ids = bot, chat_id, set(admin_ids)
        self.ttl, self.clock = ttl, clock
        self._cache: dict[int, tuple[float, bool]] = {}

    async def allows(self, user_id: int) -> bool:
        if user_id in self.admin_ids:
            return True
        cached = self._cache.get(user_id)
        if cached and self.clock() - cached[0] < self.ttl:
            return cached[1]
        try:
            member = await self.bot.get_chat_member(self.chat_id, user_id)
            verdict = member.status in MEMBER_STATUSES
        except TelegramBadRequest:
            verdict = False
        self._cache[user_id] = (self.clock(), verdict)
        return verdict


@dataclass
class StaffSide:
    """What the staff handlers and the citizen bridge share."""

    bot: Bot
    desk: StaffDesk
    topics: StaffTopics
    gate: StaffGate
    renderer: TelegramRenderer
    l10n: Localizer
    chat_id: int
    language: str
    clock: Callable[[], datetime]
    wake: Callable[[], None]  # tells the outbox worker there is something to deliver
    slots: SlotOverrides | None = None
    sessions: SqlSessions | None = None
    video_base: str = ""  # INTERVIEW_VIDEO_BASE: rooms for a video call, when set

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
        """Copy a citizen's message (text, photo, file) into their topic."""
        citizen = await self.desk.citizen_by_address("telegram", str(message.chat.id))
        if citizen is None:
            return
        thread = await self.topics.thread_for(citizen.person_id)
        await self.bot.copy_message(self.chat_id, message.chat.id, message.message_id,
                                    message_thread_id=thread)

    async def _thread_of(self, channel: str, external_id: str) -> int | None:
        citizen = await self.desk.citizen_by_address(channel, external_id)
        return await self.topics.thread_for(citizen.person_id) if citizen else None

    async def relay_text(self, channel: str, external_id: str, text: str) -> None:
        """A message from a citizen on another messenger, posted into their topic."""
        thread = await self._thread_of(channel, external_id)
        if thread is not None:
            for piece in split_text(self.text("staff-citizen-says", text=text)):
                await self.bot.send_message(self.chat_id, piece, message_thread_id=thread)

    async def relay_file(self, channel: str, external_id: str, data: bytes,
                         filename: str) -> None:
        thread = await self._thread_of(channel, external_id)
        if thread is not None:
            await self.bot.send_document(self.chat_id, BufferedInputFile(data, filename),
                                         caption=self.text("staff-citizen-file"),
                                         message_thread_id=thread)

    # ------------------------------------------------------------------ the card
    async def refresh_card(self, snapshot: Snapshot, card_id: int | None = None) -> None:
        # The card's id is recorded when its delivery is; a tap on the card itself knows it.
        card_id = card_id or await self.desk.card_message_id(snapshot.id)
        if card_id is None:
            return
        message = card(snapshot)
        text = split_text(self.l10n.join(message.parts, self.language))[0]
        try:
            await self.bot.edit_message_text(text=text, chat_id=self.chat_id,
                                             message_id=card_id,
                                             reply_markup=self.renderer.inline(message,
                                                                               self.language))
        except TelegramBadRequest as error:
            log.info("card %s not refreshed: %s", snapshot.number, error.message)

    async def apply(self, application_id: int, action: str, details: dict[str, Any],
                    user_id: int, user_name: str, thread: int | None,
                    card_id: int | None = None) -> None:
        actor = f"staff:{user_id}"
        result = await self.desk.act(application_id, action, actor, details, self.clock())
        snapshot = result.snapshot
        if thread is None and snapshot is not None:
            person = await self.desk.person_of(snapshot.id)
            thread = await self.topics.thread_for(person) if person else None
        if thread is None:
            return
        if not result.ok or snapshot is None:
            args: dict[str, Arg] = {}
            if snapshot is not None:
                args = {"number": snapshot.number, "status": Text(status_id(snapshot.status))}
            await self.bot.send_message(
                self.chat_id, self.l10n.render(Text(result.error, args), self.language),
                message_thread_id=thread)
            return
        self.wake()
        await self.post(thread, "staff-done", who=user_name,
                        action=Text(f"staff-action-{action}"), number=snapshot.number,
                        status=Text(status_id(snapshot.status)))
        await self.refresh_card(snapshot, card_id)
        person = await self.desk.person_of(snapshot.id)
        if person is not None:
            await self.topics.refresh_title(person)

    async def ask(self, thread: int | None, application_id: int, action: str, user_id: int,
                  key: str, data: dict[str, Any] | None = None, **args: Any) -> None:
        """A question staff answer by replying to it (Telegram's force-reply)."""
        prompt = await self.bot.send_message(
            self.chat_id, self.text(key, **args), message_thread_id=thread,
            reply_markup=ForceReply(selective=True))
        await self.desk.open_request(self.chat_id, prompt.message_id, application_id, action,
                                     user_id, data or {})


def _mask_rows(side: StaffSide, snapshot: Snapshot, mask: int) -> list[list[InlineKeyboardButton]]:
    rows = []
    for bit, code in enumerate(REQUIRED_DOCUMENTS):
        on = bool(mask & (1 << bit))
        label = side.text("staff-missing-on" if on else "staff-missing-off",
                          document=Text(f"document-{code}"))
        rows.append([InlineKeyboardButton(
            text=label, callback_data=f"st:{snapshot.id}:miss:{mask ^ (1 << bit)}")])
    rows.append([InlineKeyboardButton(text=side.text("staff-missing-confirm"),
                                      callback_data=f"st:{snapshot.id}:inc-ok:{mask}")])
    rows.append([InlineKeyboardButton(text=side.text("staff-missing-comment"),
                                      callback_data=f"st:{snapshot.id}:inc-note:{mask}")])
    return rows


def _missing(mask: int) -> list[str]:
    return [code for bit, code in enumerate(REQUIRED_DOCUMENTS) if mask & (1 << bit)]


def parse_hearing(text: str, today: date) -> dict[str, str]:
    """"27.11.2026 15:00; place; grounds" -> the hearing's details."""
    parts = [part.strip() for part in text.split(";", 2)]
    if len(parts) != 3 or not all(parts):
        raise Invalid("staff-error-hearing-format")
    when = parts[0].split()
    if len(when) != 2 or not TIME_RE.match(when[1]):
        raise Invalid("staff-error-hearing-format")
    day = check_not_past(parse_date(when[0]), today)
    hours, minutes = TIME_RE.match(when[1]).groups()  # type: ignore[union-attr]
    return {"date": day.isoformat(), "time": f"{int(hours):02d}:{minutes}", "place": parts[1],
            "grounds": parts[2]}


def parse_period(text: str) -> dict[str, str]:
    words = text.replace("–", " ").replace("-", " ").split()
    if len(words) != 2:
        raise Invalid("staff-error-period-format")
    start = parse_date(words[0])
    end = check_after(parse_date(words[1]), start)
    return {"from": start.isoformat(), "to": end.isoformat()}


def staff_router(side: StaffSide) -> Router:
    router = Router(name="staff")
    router.message.filter(F.chat.id == side.chat_id)
    router.callback_query.filter(F.message.chat.id == side.chat_id)

    @router.callback_query(F.data.startswith("st:"))
    async def on_card_button(callback: CallbackQuery) -> None:
        user = callback.from_user
        if not await side.gate.allows(user.id):
            log.warning("non-staff user %s pressed %s", user.id, callback.data)
            await side.desk.audit(f"telegram:{user.id}", "staff.denied", callback.data or "", {})
            await callback.answer(side.text("staff-not-allowed"), show_alert=True)
            return
        await callback.answer()
        _, raw_id, verb, arg = [*(callback.data or "").split(":"), "", "", ""][:4]
        snapshot = await side.desk.snapshot(int(raw_id)) if raw_id.isdigit() else None
        message = callback.message
        thread = message.message_thread_id if isinstance(message, Message) else None
        if snapshot is None:
            await side.bot.send_message(side.chat_id, side.text("staff-error-not-found"),
                                        message_thread_id=thread)
            return
        await _card_action(side, snapshot, verb, arg, user.id, user.full_name, thread,
                           message if isinstance(message, Message) else None)

    @router.message(F.text.regexp(r"^/(open|close)\b"))
    async def on_slots_command(message: Message) -> None:
        user = message.from_user
        if user is None or not await side.gate.allows(user.id) or side.slots is None:
            return
        parsed = parse_override(message.text or "")
        if parsed is None:
            await message.reply(side.text("staff-slots-help"))
            return
        kind, body, start, end = parsed
        codes = {b.code for b in CATALOGUE.bodies()}
        if body not in codes:
            await message.reply(side.text("staff-slots-unknown-body",
                                          codes=", ".join(sorted(codes))))
            return
        await side.slots.set_override(body, kind, start, end, f"staff:{user.id}")
        await message.reply(side.text("staff-slots-done", kind=f"/{kind}", body=body,
                                      **{"from": start, "to": end}))

    @router.message(F.message_thread_id)
    async def on_topic_message(message: Message) -> None:
        user = message.from_user
        if user is None or user.is_bot:
            return
        if not await side.gate.allows(user.id):
            log.warning("non-staff user %s wrote in the staff group; ignored", user.id)
            return
        replied = message.reply_to_message
        if replied is not None:
            request = await side.desk.take_request(side.chat_id, replied.message_id)
            if request is not None:
                await _answer_request(side, request, message)
                return
        citizen = await side.desk.citizen_of_thread(side.chat_id, message.message_thread_id or 0)
        if citizen is None:
            return
        if message.text and await _in_session(side, citizen, message.text):
            return
        actor = f"staff:{user.id}"
        if message.text:
            await side.desk.staff_reply(citizen.person_id,
                                        f"reply:{side.chat_id}:{message.message_id}",
                                        message.text, actor)
            side.wake()
        elif citizen.channel == "telegram":
            # Photos and files go straight across; their caption travels with them.
            await side.bot.copy_message(int(citizen.external_id), side.chat_id,
                                        message.message_id)
            await side.desk.audit(actor, "staff.reply.file", str(citizen.person_id), {})

    return router


async def _in_session(side: StaffSide, citizen: Any, text: str) -> bool:
    """A specialist's words during the conversation go to the child and the parent, labelled;
    but only once the representative's presence is confirmed."""
    if side.sessions is None:
        return False
    seat = await side.sessions.seat_of(citizen.channel, citizen.external_id, side.clock())
    if seat is None or seat.role != "parent" or not seat.open:
        return False
    thread = await side.topics.thread_for(citizen.person_id)
    if not await side.sessions.present(seat.application_id):
        await side.post(thread, "staff-session-confirm-first")
        return True
    await side.sessions.relay(seat.session_id, "specialist", text, side.clock())
    side.wake()
    return True


async def _card_action(side: StaffSide, snapshot: Snapshot, verb: str, arg: str, user_id: int,
                       user_name: str, thread: int | None, message: Message | None) -> None:
    number = snapshot.number

    def can(action: str) -> bool:
        return allowed(action, snapshot.status, snapshot.service)

    if verb == "accept":
        await side.apply(snapshot.id, "accept", {}, user_id, user_name, thread,
                         message.message_id if message else None)
    elif verb in ("incomplete", "miss") and can("incomplete"):
        mask = int(arg) if arg.isdigit() else 0
        markup = InlineKeyboardMarkup(inline_keyboard=_mask_rows(side, snapshot, mask))
        if verb == "incomplete" or message is None:
            await side.bot.send_message(side.chat_id, side.text("staff-ask-missing",
                                                                number=number),
                                        message_thread_id=thread, reply_markup=markup)
        else:
            await side.bot.edit_message_reply_markup(chat_id=side.chat_id,
                                                     message_id=message.message_id,
                                                     reply_markup=markup)
    elif verb == "inc-ok":
        mask = int(arg) if arg.isdigit() else 0
        await side.apply(snapshot.id, "incomplete", {"missing": _missing(mask)}, user_id,
                         user_name, thread)
    elif verb == "inc-note" and can("incomplete"):
        await side.ask(thread, snapshot.id, "incomplete", user_id, "staff-ask-missing-comment",
                       {"mask": int(arg) if arg.isdigit() else 0}, number=number)
    elif verb == "hearing" and can("hearing"):
        await side.ask(thread, snapshot.id, "hearing", user_id, "staff-ask-hearing",
                       number=number)
    elif verb == "approve" and can("approve"):
        asked = _requested_period(snapshot)
        markup = InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=side.text("staff-approve-as-asked", **asked),
                                  callback_data=f"st:{snapshot.id}:approve-asked")],
            [InlineKeyboardButton(text=side.text("staff-approve-other"),
                                  callback_data=f"st:{snapshot.id}:approve-other")],
        ])
        await side.bot.send_message(side.chat_id,
                                    side.text("staff-ask-approve", number=number, **asked),
                                    message_thread_id=thread, reply_markup=markup)
    elif verb == "approve-asked":
        period = {k: v.isoformat() for k, v in _requested_period(snapshot).items()}
        await side.apply(snapshot.id, "approve", {"period": period}, user_id, user_name, thread)
    elif verb == "approve-other" and can("approve"):
        await side.ask(thread, snapshot.id, "approve", user_id, "staff-ask-period",
                       number=number)
    elif verb in ("session", "present", "video", "end") and side.sessions is not None:
        await _session_action(side, snapshot, verb, user_id, thread)
    elif verb == "decide" and can("decide"):
        await side.ask(thread, snapshot.id, "decide", user_id, "staff-ask-decision",
                       number=number)
    elif verb == "refuse" and can("refuse"):
        await side.ask(thread, snapshot.id, "refuse", user_id, "staff-ask-reasons",
                       number=number)
    else:
        # A step the current status does not allow: say so, change nothing.
        action = {"miss": "incomplete", "inc-note": "incomplete",
                  "approve-other": "approve"}.get(verb, verb)
        if action in transitions(snapshot.service):
            await side.apply(snapshot.id, action, {}, user_id, user_name, thread)


async def _session_action(side: StaffSide, snapshot: Snapshot, verb: str, user_id: int,
                          thread: int | None) -> None:
    """Start the conversation, confirm the representative, send a video link, end it."""
    sessions, actor, now = side.sessions, f"staff:{user_id}", side.clock()
    assert sessions is not None
    post = partial(side.post, thread) if thread is not None else None
    if verb == "session":
        error = await sessions.start(snapshot.id, actor, now)
        if error is not None:
            if post:
                await post(error, number=snapshot.number)
            return
        controls = InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=side.text(f"staff-session-{action}"),
                                  callback_data=f"st:{snapshot.id}:{action}")]
            for action in ("present", "video", "end")])
        await side.bot.send_message(side.chat_id, side.text("staff-session-started",
                                                            number=snapshot.number),
                                    message_thread_id=thread, reply_markup=controls)
    elif verb == "present":
        if await sessions.confirm_present(snapshot.id, actor) and post:
            await post("staff-session-present-confirmed")
    elif verb == "video":
        seat = await sessions.open_id(snapshot.id)
        if not side.video_base or seat is None:
            if post:
                await post("staff-video-not-configured")
            return
        room = f"{side.video_base.rstrip('/')}/{secrets.token_urlsafe(12)}"
        await sessions.relay(seat, "specialist", room, now)
        if post:
            await post("staff-video-sent", link=room)
    elif verb == "end":
        lines = await sessions.end(snapshot.id, actor, now)
        if lines is None:
            return
        record = "\n".join(
            f"{line.at.astimezone(KZ_TZ):%d.%m.%Y %H:%M} "
            f"{side.text(f'session-role-{line.role}')}: {line.text}" for line in lines)
        name = f"{snapshot.number}-transcript.txt"
        await side.bot.send_document(
            side.chat_id, BufferedInputFile((record or "—").encode(), name),
            caption=side.text("staff-session-ended", number=snapshot.number),
            message_thread_id=thread)
    side.wake()


def _requested_period(snapshot: Snapshot) -> dict[str, date]:
    return {"from": date.fromisoformat(snapshot.answers["period_from"]),
            "to": date.fromisoformat(snapshot.answers["period_to"])}


async def _answer_request(side: StaffSide, request: Any, message: Message) -> None:
    """Staff replied to the bot's question: the reasons, the hearing, the period."""
    user = message.from_user
    assert user is not None
    text = (message.text or "").strip()
    thread = message.message_thread_id
    snapshot = await side.desk.snapshot(request.application_id)
    if snapshot is None:
        return
    today = side.clock().astimezone(KZ_TZ).date()
    try:
        if not text:
            raise Invalid("staff-error-empty")
        if request.action == "hearing":
            details: dict[str, Any] = {"hearing": parse_hearing(text, today)}
        elif request.action == "approve":
            details = {"period": parse_period(text)}
        elif request.action == "refuse":
            details = {"reasons": text}
        elif request.action == "decide":
            details = {"text": text}
        else:  # incomplete, with a comment
            details = {"missing": _missing(int(request.data.get("mask", 0))), "comment": text}
    except Invalid as error:
        # Say what is wrong and ask again: the details are not lost, staff just reply again.
        await side.bot.send_message(side.chat_id,
                                    side.l10n.render(Text(error.key, error.args), side.language),
                                    message_thread_id=thread)
        key = {"hearing": "staff-ask-hearing", "approve": "staff-ask-period",
               "refuse": "staff-ask-reasons", "decide": "staff-ask-decision"}.get(
                   request.action, "staff-ask-missing-comment")
        await side.ask(thread, snapshot.id, request.action, user.id, key, request.data,
                       number=snapshot.number)
        return
    await side.apply(snapshot.id, request.action, details, user.id, user.full_name, thread)
