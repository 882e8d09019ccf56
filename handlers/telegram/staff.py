"""The staff group: one forum topic per citizen, application cards with their legal steps.

Staff answer a citizen by writing in the citizen's topic; they move an application with the
buttons on its card, and give details (reasons, a hearing, a period) by replying to the
bot's question. Only members of the staff group or `STAFF_ADMIN_IDS` may act.
"""

from __future__ import annotations

import logging
from datetime import timedelta
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
from flows.payloads import CardAction, StaffPayload, StepInput, child_of, unpack
from flows.procedure import REISSUE, Snapshot
from flows.service import Checklist, ProcedureStep, Typed
from flows.services import SERVICES
from flows.staff_input import parse_override, tidy
from flows.validators import Invalid
from handlers.telegram.conversation import in_session, session_action
from handlers.telegram.filters import at_once
from handlers.telegram.staff_side import ReplyRequest, StaffSide

log = logging.getLogger(__name__)

SESSION_VERBS = ("session", "present", "video", "end")  # the conversation with the child
CONTROLS = ("present", "video", "end")  # buttons of a conversation under way, not the card's


# How long after the bot's question a staff member's plain message (not a Reply) answers it.
ANSWER_WITHOUT_REPLY = timedelta(minutes=10)

def staff_router(side: StaffSide) -> Router:
    router = Router(name="staff")
    router.message.filter(at_once(F.chat.id == side.chat_id))
    router.callback_query.filter(at_once(F.message.chat.id == side.chat_id))

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
            why = "staff-error-not-found" if isinstance(pressed, StaffPayload) \
                else "staff-button-stale"
            await side.bot.send_message(side.chat_id, side.text(why), message_thread_id=thread)
            return
        await _read_card(side, snapshot, pressed, user.id)
        await _card_action(side, snapshot, pressed, user.id, user.full_name, thread,
                           message if isinstance(message, Message) else None)

    @router.message(at_once(F.text.regexp(r"^/(open|close)\b")))
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

    @router.message(at_once(F.message_thread_id))
    async def on_topic_message(message: Message) -> None:
        user = message.from_user
        if message.sender_chat is not None and message.sender_chat.id == side.chat_id \
                and message.message_thread_id is not None:
            # An admin writing as the group: nobody to answer for the words, so they do not
            # go to the citizen; the topic says so (never silence).
            await side.post(message.message_thread_id, "staff-anonymous-not-relayed")
            return
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
            # A second answer to a question already answered (its first answer refused and
            # asked again below): meant for the bot, never for the citizen.
            if await side.desk.was_asked(side.chat_id, replied.message_id):
                await message.reply(side.text("staff-request-answered"))
                return
        if _is_command(message):  # "/help" typed in a topic is not a word to the citizen
            await message.reply(side.text("staff-command-not-relayed"))
            return
        citizen = await side.desk.citizen_of_thread(side.chat_id, message.message_thread_id or 0)
        if citizen is None:
            return
        if message.text and (replied is None or replied.forum_topic_created is not None
                             or replied.from_user is None or not replied.from_user.is_bot):
            # Typed without Reply (a topic's messages reply to its first one): the answer
            # to the question the bot has just asked this staff member, if it has one and
            # the text reads as its answer (the hearing, the period, the reasons).
            asked = await side.desk.asked_of(side.chat_id, user.id, citizen.person_id,
                                             side.clock() - ANSWER_WITHOUT_REPLY)
            # Only a text that reads as the answer: anything else is for the citizen.
            if asked is not None and await _reads_as_answer(side, asked, message.text) \
                    and await side.desk.take_request(side.chat_id, asked.message_id):
                await _answer_request(side, asked, message)
                return
        if message.text and await in_session(side, citizen, message.text):
            return
        actor = f"staff:{user.id}"
        if message.text:
            if not (text := tidy(message.text)):
                return
            await side.desk.staff_reply(citizen.person_id,
                                        f"reply:{side.chat_id}:{message.message_id}",
                                        text, actor)
            side.wake()
        else:  # through the outbox, as a reply: labelled, paced, and its failure told staff
            await side.send_file(citizen, message, actor)

    return router


def _is_command(message: Message) -> bool:
    return any(entity.type == "bot_command" and entity.offset == 0
               for entity in message.entities or ())


async def _card_action(side: StaffSide, snapshot: Snapshot, pressed: StaffPayload,
                       user_id: int, user_name: str, thread: int | None,
                       message: Message | None) -> None:
    """A card's button, or a button of the questions that follow it. Each step declares
    what staff enter for it (flows/service.py); this renders those inputs, whatever the
    service."""
    if pressed.verb == REISSUE:
        kind = await side.desk.reissue(snapshot.id, f"staff:{user_id}", user_name, side.clock())
        side.wake()
        if thread is not None and kind is not None:
            await side.post(thread, "staff-reissued", number=snapshot.number,
                            paper=Text(f"issued-kind-{kind}"))
        elif thread is not None:
            await side.post(thread, "staff-reissue-nothing", number=snapshot.number)
        return
    if pressed.verb in SESSION_VERBS:
        if side.sessions is not None:
            await _conversation(side, snapshot, pressed, user_id, thread, user_name)
        return
    service = SERVICES[snapshot.service]
    action = pressed.action if isinstance(pressed, StepInput) else pressed.verb
    step = service.step(action)
    if step is None:
        if thread is not None:
            await side.post(thread, "staff-button-stale")
        return
    if not step.inputs or not service.allows(action, snapshot.status):
        # Nothing to ask, or the status does not allow the step: the desk applies it or
        # says why not, and changes nothing then.
        await side.apply(snapshot.id, action, {}, user_id, user_name, thread,
                         message.message_id if message and isinstance(pressed, CardAction)
                         else None)
        return
    if isinstance(pressed, StepInput):
        await _first_input(side, snapshot, step, pressed, user_id, user_name, thread, message)
        return
    if (reason := _refusal(side, snapshot, action, {})) is not None:
        if thread is not None:  # its term is over: say why, change nothing
            await side.post(thread, reason.key, **reason.args)
        return
    first = step.inputs[0]
    if isinstance(first, Checklist):
        await side.bot.send_message(side.chat_id, side.text(first.prompt, number=snapshot.number),
                                    message_thread_id=thread,
                                    reply_markup=_checklist(side, snapshot, step, first, 0))
    elif first.offer is not None:
        offer = first.offer(snapshot)
        buttons = ((offer.label, "take"), (Text(first.other), "type"))
        markup = InlineKeyboardMarkup(inline_keyboard=[
            [InlineKeyboardButton(text=side.l10n.render(label, side.language),
                                  callback_data=StepInput(snapshot.id, verb, action, 0).pack())]
            for label, verb in buttons])
        await side.bot.send_message(side.chat_id, side.l10n.render(offer.question, side.language),
                                    message_thread_id=thread, reply_markup=markup)
    else:
        await _ask(side, thread, snapshot, step, 0, {}, user_id)


async def _read_card(side: StaffSide, snapshot: Snapshot, pressed: StaffPayload,
                     user_id: int) -> None:
    """A tap on one of the card's own buttons: this specialist has the card, with the
    applicant's data, open. Audited as who, when (the row's time) and which card; never
    the data itself. The questions that follow a button show no more of the applicant."""
    if isinstance(pressed, StepInput) or pressed.verb in CONTROLS:
        return
    details: dict[str, Any] = {"button": pressed.verb}
    if child := child_of(pressed):
        details["child"] = child
    await side.desk.audit(f"staff:{user_id}", "read.card", snapshot.number, details)


async def _conversation(side: StaffSide, snapshot: Snapshot, pressed: StaffPayload,
                        user_id: int, thread: int | None, user_name: str) -> None:
    """A button of the conversation with a child. Starting it opens the child's words to
    this specialist; ending it puts the transcript into the topic: both are audited reads,
    recorded only when the tap did open (or close) the conversation."""
    sessions, child = side.sessions, child_of(pressed)
    assert sessions is not None
    was_open = await sessions.open_id(snapshot.id, child) is not None
    await session_action(side, snapshot, pressed, user_id, thread, user_name)
    if pressed.verb not in ("session", "end"):
        return
    is_open = await sessions.open_id(snapshot.id, child) is not None
    if pressed.verb == "session" and not was_open and is_open:
        await side.desk.audit(f"staff:{user_id}", "read.conversation", snapshot.number,
                              {"child": child})
    elif pressed.verb == "end" and was_open and not is_open:
        await side.desk.audit(f"staff:{user_id}", "read.transcript", snapshot.number,
                              {"kind": "transcript", "child": child})


def _checklist(side: StaffSide, snapshot: Snapshot, step: ProcedureStep, checklist: Checklist,
               state: int) -> InlineKeyboardMarkup:
    """A button per line showing its mark (a tap moves it on), then confirm, or go on."""
    entries = checklist.lines(snapshot)

    def button(label: str, verb: str, new_state: int) -> list[InlineKeyboardButton]:
        data = StepInput(snapshot.id, verb, step.action, new_state).pack()
        return [InlineKeyboardButton(text=label, callback_data=data)]

    rows = [button(side.text(f"staff-tick-{checklist.mark_of(entries, state, line) or 'none'}",
                             entry=entry.label),
                   "tick", checklist.tap(entries, state, line))
            for line, entry in enumerate(entries)]
    following = step.second
    if following and not following.optional:  # what follows is asked next
        rows.append(button(side.text("staff-checklist-next"), "done", state))
        return InlineKeyboardMarkup(inline_keyboard=rows)
    rows.append(button(side.text(f"staff-confirm-{step.action}"), "done", state))
    if following:
        rows.append(button(side.text("staff-checklist-note"), "note", state))
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def _first_input(side: StaffSide, snapshot: Snapshot, step: ProcedureStep,
                       pressed: StepInput, user_id: int, user_name: str, thread: int | None,
                       message: Message | None) -> None:
    first, verb = step.inputs[0], pressed.verb
    if isinstance(first, Checklist) and verb == "tick":
        markup = _checklist(side, snapshot, step, first, pressed.state)
        if message is not None:
            await side.bot.edit_message_reply_markup(chat_id=side.chat_id,
                                                     message_id=message.message_id,
                                                     reply_markup=markup)
        return
    if isinstance(first, Checklist) and verb in ("done", "note"):
        details: dict[str, Any] = first.ticked(snapshot, pressed.state)
        if verb == "done" and first.required and not any(details.values()):
            if thread is not None:
                await side.post(thread, "staff-checklist-empty")
            return
        following = step.second
        if following and (verb == "note" or not following.optional):
            await _ask(side, thread, snapshot, step, 1, details, user_id)
        else:
            await side.apply(snapshot.id, step.action, details, user_id, user_name, thread)
    elif isinstance(first, Typed) and first.offer is not None and verb == "take":
        await side.apply(snapshot.id, step.action, {first.key: first.offer(snapshot).value},
                         user_id, user_name, thread)
    elif isinstance(first, Typed) and verb == "type":
        await _ask(side, thread, snapshot, step, 0, {}, user_id)
    else:
        return
    if message is not None:  # its buttons are used: a second tap cannot act twice
        await side.bot.edit_message_reply_markup(chat_id=side.chat_id,
                                                 message_id=message.message_id)


async def _ask(side: StaffSide, thread: int | None, snapshot: Snapshot, step: ProcedureStep,
               at: int, details: dict[str, Any], user_id: int) -> None:
    """Ask for the typed input `at`, keeping what staff entered before it."""
    typed = step.inputs[at]
    await side.ask(thread, snapshot.id, step.action, user_id, typed.prompt,
                   {"at": at, "details": details}, number=snapshot.number)


def _refusal(side: StaffSide, snapshot: Snapshot, action: str,
             details: dict[str, Any]) -> Text | None:
    """Why the law's terms do not allow this step today (with these details), if they do not."""
    today = side.clock().astimezone(KZ_TZ).date()
    return SERVICES[snapshot.service].refusal(action, snapshot, today, details)


async def _asked(side: StaffSide, request: ReplyRequest) -> \
        tuple[Snapshot, ProcedureStep, int, Typed] | None:
    """What the bot's question asks: the application, its step, and the typed input."""
    snapshot = await side.desk.snapshot(request.application_id)
    step = SERVICES[snapshot.service].step(request.action) if snapshot else None
    if snapshot is None or step is None:
        return None
    typed_at = [i for i, given in enumerate(step.inputs) if isinstance(given, Typed)]
    at = int(request.data.get("at", typed_at[0] if typed_at else -1))
    if at not in typed_at:
        return None
    typed = step.inputs[at]
    assert isinstance(typed, Typed)
    return snapshot, step, at, typed


async def _reads_as_answer(side: StaffSide, request: ReplyRequest, text: str) -> bool:
    asked = await _asked(side, request)
    if asked is None:
        return False
    try:
        asked[3].parse(text.strip(), side.clock().astimezone(KZ_TZ).date())
    except Invalid:
        return False
    return True


async def _answer_request(side: StaffSide, request: ReplyRequest, message: Message) -> None:
    """Staff replied to the bot's question: read the typed input, then ask the next or act."""
    user = message.from_user
    assert user is not None
    asked = await _asked(side, request)
    if asked is None:
        return
    snapshot, step, at, typed = asked
    details = dict(request.data.get("details", {}))
    text = (message.text or "").strip()
    today = side.clock().astimezone(KZ_TZ).date()
    try:
        if not text:
            raise Invalid("staff-error-empty")
        details[typed.key] = typed.parse(text, today)
        if (reason := _refusal(side, snapshot, step.action, details)) is not None:
            raise Invalid(reason.key, dict(reason.args))
    except Invalid as error:
        # Say what is wrong and ask again: nothing entered is lost, staff just reply again.
        await side.bot.send_message(side.chat_id,
                                    side.l10n.render(Text(error.key, error.args), side.language),
                                    message_thread_id=message.message_thread_id)
        details.pop(typed.key, None)
        await _ask(side, message.message_thread_id, snapshot, step, at, details, user.id)
        return
    if at + 1 < len(step.inputs):
        await _ask(side, message.message_thread_id, snapshot, step, at + 1, details, user.id)
        return
    await side.apply(snapshot.id, step.action, details, user.id, user.full_name,
                     message.message_thread_id)
