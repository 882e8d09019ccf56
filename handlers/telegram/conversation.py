"""The conversation with the child, from the staff group: start it, confirm the
representative, send a video link, end it (the transcript goes into the topic as a file).

With siblings each child has their own conversation: the card has a start button per child,
and the buttons that follow (present, video, end) and the record are that child's.
"""

from __future__ import annotations

import secrets
from functools import partial
from typing import Any

from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from flows.calendar import KZ_TZ
from flows.desk import Citizen
from flows.interview import about_child, siblings
from flows.payloads import StaffPayload, child_of, conversation_button
from flows.procedure import Snapshot
from handlers.telegram.staff_side import StaffSide


async def in_session(side: StaffSide, citizen: Citizen, text: str) -> bool:
    """A specialist's words during the conversation go to the child and the parent, labelled;
    but only once the representative's presence is confirmed."""
    if side.sessions is None:
        return False
    seat = await side.sessions.seat_of(citizen.channel, citizen.external_id, side.clock())
    if seat is None or seat.role != "parent" or not seat.open:
        return False
    if not await side.sessions.present(seat.application_id, seat.child):
        await side.tell(citizen.person_id, "staff-session-confirm-first")
        return True
    await side.sessions.relay(seat.session_id, "specialist", text, side.clock())
    side.wake()
    return True


def _naming(snapshot: Snapshot, child: int, key: str, **args: Any) -> tuple[str, dict[str, Any]]:
    """A staff line about one child's conversation: with siblings it names the child."""
    text = about_child(key, args, snapshot.answers, child)
    return text.key, dict(text.args)


async def session_action(side: StaffSide, snapshot: Snapshot, pressed: StaffPayload,
                         user_id: int, thread: int | None, user_name: str = "") -> None:
    """Start a child's conversation, confirm the representative, send a video link, end it."""
    sessions, actor, now = side.sessions, f"staff:{user_id}", side.clock()
    verb, child = pressed.verb, child_of(pressed)
    assert sessions is not None
    post = partial(side.post, thread) if thread is not None else None
    if verb == "session":
        error = await sessions.start(snapshot.id, actor, now, child)
        controls = InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(
                text=side.text(f"staff-session-{action}"),
                callback_data=conversation_button(snapshot.id, action, child).pack())]
            for action in ("present", "video", "end")])
        if error == "staff-session-already-open" and post and \
                await sessions.open_id(snapshot.id, child) is not None:
            # this child's: its buttons again (those posted may be gone with a deleted topic)
            await side.bot.send_message(side.chat_id, side.text(error, number=snapshot.number),
                                        message_thread_id=thread, reply_markup=controls)
            return
        if error is not None:
            if post:  # no time for this child yet, or a conversation of the application is on
                key, args = _naming(snapshot, child, error, number=snapshot.number) \
                    if error == "staff-session-not-booked" else (error, {"number": snapshot.number})
                await post(key, **args)
            return
        key, args = _naming(snapshot, child, "staff-session-started", number=snapshot.number)
        await side.bot.send_message(side.chat_id, side.text(key, **args),
                                    message_thread_id=thread, reply_markup=controls)
    elif verb == "present":
        if await sessions.confirm_present(snapshot.id, actor, child) and post:
            await post("staff-session-present-confirmed")
    elif verb == "video":
        seat = await sessions.open_id(snapshot.id, child)
        if not side.video_base or seat is None:
            if post:
                await post("staff-video-not-configured")
            return
        room = f"{side.video_base.rstrip('/')}/{secrets.token_urlsafe(12)}"
        await sessions.relay(seat, "specialist", room, now)
        if post:
            await post("staff-video-sent", link=room)
    elif verb == "end":
        lines = await sessions.end(snapshot.id, actor, now, child, user_name)
        if lines is None:
            return
        by_mail = f" {side.text('session-via-email')}"
        record = "\n".join(
            f"{line.at.astimezone(KZ_TZ):%d.%m.%Y %H:%M} "
            f"{side.text(f'session-role-{line.role}')}{by_mail if line.via == 'email' else ''}"
            f": {line.text}" for line in lines)
        # Each child's conversation has its own record.
        name = f"{snapshot.number}-{child + 1}-transcript.txt" if siblings(snapshot.answers) \
            else f"{snapshot.number}-transcript.txt"
        key, args = _naming(snapshot, child, "staff-session-ended", number=snapshot.number)
        await side.bot.send_document(
            side.chat_id, BufferedInputFile((record or "—").encode(), name),
            caption=side.text(key, **args), message_thread_id=thread)
        # Every child heard, the card now offers the decision.
        if (held := await side.desk.snapshot(snapshot.id)) is not None:
            await side.refresh_card(held)
    side.wake()
