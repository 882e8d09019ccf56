"""The staff group: one forum topic per citizen, application cards with their legal steps.

Staff answer a citizen by writing in the citizen's topic; they move an application with the
buttons on its card, and give details (reasons, a hearing, a period) by replying to the
bot's question. Only members of the staff group or `STAFF_ADMIN_IDS` may act.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from aiogram import F, Router
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)

from flows.calendar import KZ_TZ
from flows.common import CATALOGUE
from flows.messages import Text
from flows.payloads import CardAction, MissingDocuments, StaffPayload, unpack
from flows.procedure import REQUIRED_DOCUMENTS, Snapshot, allowed, transitions
from flows.services import SERVICES
from flows.validators import Invalid
from handlers.telegram.conversation import in_session, session_action
from handlers.telegram.staff_input import parse_hearing, parse_override, parse_period
from handlers.telegram.staff_side import ReplyRequest, StaffSide

log = logging.getLogger(__name__)

ALL_DOCUMENTS = (1 << len(REQUIRED_DOCUMENTS)) - 1  # a mask with every document's bit


def _mask_rows(side: StaffSide, snapshot: Snapshot, mask: int) -> list[list[InlineKeyboardButton]]:
    def row(label: str, verb: str, new_mask: int) -> list[InlineKeyboardButton]:
        data = MissingDocuments(snapshot.id, verb, new_mask).pack()
        return [InlineKeyboardButton(text=label, callback_data=data)]

    rows = []
    for bit, code in enumerate(REQUIRED_DOCUMENTS):
        on = bool(mask & (1 << bit))
        label = side.text("staff-missing-on" if on else "staff-missing-off",
                          document=Text(f"document-{code}"))
        rows.append(row(label, "miss", mask ^ (1 << bit)))
    rows.append(row(side.text("staff-missing-confirm"), "inc-ok", mask))
    rows.append(row(side.text("staff-missing-comment"), "inc-note", mask))
    return rows


def _missing(mask: int) -> list[str]:
    return [code for bit, code in enumerate(REQUIRED_DOCUMENTS) if mask & (1 << bit)]


def staff_router(side: StaffSide) -> Router:
    router = Router(name="staff")
    router.message.filter(F.chat.id == side.chat_id)
    router.callback_query.filter(F.message.chat.id == side.chat_id)

    @router.callback_query()  # every button in the staff group is ours, or a forged one
    async def on_card_button(callback: CallbackQuery) -> None:
        user = callback.from_user
        if not await side.gate.allows(user.id):
            # One short line (never the data itself); the data goes to the audit table.
            log.warning("non-staff user %s pressed a button in the staff group", user.id)
            await side.desk.audit(f"telegram:{user.id}", "staff.denied", callback.data or "", {})
            await callback.answer(side.text("staff-not-allowed"), show_alert=True)
            return
        await callback.answer()
        pressed = unpack(callback.data or "")
        snapshot = await side.desk.snapshot(pressed.application) \
            if isinstance(pressed, StaffPayload) else None
        message = callback.message
        thread = message.message_thread_id if isinstance(message, Message) else None
        if snapshot is None or not isinstance(pressed, StaffPayload):
            log.info("staff button of user %s names no application", user.id)
            await side.bot.send_message(side.chat_id, side.text("staff-error-not-found"),
                                        message_thread_id=thread)
            return
        await _card_action(side, snapshot, pressed, user.id, user.full_name, thread,
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
        if message.text and await in_session(side, citizen, message.text):
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


async def _card_action(side: StaffSide, snapshot: Snapshot, pressed: StaffPayload,
                       user_id: int, user_name: str, thread: int | None,
                       message: Message | None) -> None:
    number, verb = snapshot.number, pressed.verb
    mask = pressed.mask & ALL_DOCUMENTS if isinstance(pressed, MissingDocuments) else 0

    def can(action: str) -> bool:
        return allowed(action, snapshot.status, snapshot.service)

    if verb == "accept":
        await side.apply(snapshot.id, "accept", {}, user_id, user_name, thread,
                         message.message_id if message else None)
    elif verb in ("incomplete", "miss") and can("incomplete"):
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
        await side.apply(snapshot.id, "incomplete", {"missing": _missing(mask)}, user_id,
                         user_name, thread)
    elif verb == "inc-note" and can("incomplete"):
        await side.ask(thread, snapshot.id, "incomplete", user_id, "staff-ask-missing-comment",
                       {"mask": mask}, number=number)
    elif verb == "hearing" and can("hearing"):
        if (reason := _refusal(side, snapshot, "hearing", {})) is not None:
            if thread is not None:  # its term is over: say why, change nothing
                await side.post(thread, reason.key, **reason.args)
            return
        await side.ask(thread, snapshot.id, "hearing", user_id, "staff-ask-hearing",
                       number=number)
    elif verb == "approve" and can("approve"):
        asked = _requested_period(snapshot)
        markup = InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=side.text("staff-approve-as-asked", **asked),
                                  callback_data=CardAction(snapshot.id, "approve-asked").pack())],
            [InlineKeyboardButton(text=side.text("staff-approve-other"),
                                  callback_data=CardAction(snapshot.id, "approve-other").pack())],
        ])
        await side.bot.send_message(side.chat_id,
                                    side.text("staff-ask-approve", number=number, **asked),
                                    message_thread_id=thread, reply_markup=markup)
    elif verb == "approve-asked" and can("approve"):
        period = {k: v.isoformat() for k, v in _requested_period(snapshot).items()}
        await side.apply(snapshot.id, "approve", {"period": period}, user_id, user_name, thread)
    elif verb == "approve-other" and can("approve"):
        await side.ask(thread, snapshot.id, "approve", user_id, "staff-ask-period",
                       number=number)
    elif verb in ("session", "present", "video", "end") and side.sessions is not None:
        await session_action(side, snapshot, verb, user_id, thread)
    elif verb == "decide" and can("decide"):
        await side.ask(thread, snapshot.id, "decide", user_id, "staff-ask-decision",
                       number=number)
    elif verb == "refuse" and can("refuse"):
        await side.ask(thread, snapshot.id, "refuse", user_id, "staff-ask-reasons",
                       number=number)
    else:
        # A step the current status does not allow: say so, change nothing.
        action = {"miss": "incomplete", "inc-note": "incomplete",
                  "approve-asked": "approve", "approve-other": "approve"}.get(verb, verb)
        if action in transitions(snapshot.service):
            await side.apply(snapshot.id, action, {}, user_id, user_name, thread)


def _refusal(side: StaffSide, snapshot: Snapshot, action: str,
             details: dict[str, Any]) -> Text | None:
    """Why the law's terms do not allow this step today (with these details), if they do not."""
    today = side.clock().astimezone(KZ_TZ).date()
    return SERVICES[snapshot.service].refusal(action, snapshot, today, details)


def _requested_period(snapshot: Snapshot) -> dict[str, date]:
    return {"from": date.fromisoformat(snapshot.answers["period_from"]),
            "to": date.fromisoformat(snapshot.answers["period_to"])}


async def _answer_request(side: StaffSide, request: ReplyRequest, message: Message) -> None:
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
        if (reason := _refusal(side, snapshot, request.action, details)) is not None:
            raise Invalid(reason.key, dict(reason.args))
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
