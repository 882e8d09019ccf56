"""aiogram routers: private-chat updates go to the engine, replies are rendered back.

No answer is lost to a crash: every update is in the log (`Inbox`) before Telegram forgets
it; the engine marks a citizen's update handled, with its reply, in the transaction of the
state it changed; the reply's calls are counted as they go out. At start-up, before polling,
the citizen router finishes what a crash left: owed replies go on from where they stopped,
then updates never handled are handled.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, Protocol

from aiogram import BaseMiddleware, Bot, Dispatcher, F, Router
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, Message, TelegramObject, Update

from flows.messages import EventKind, Reply
from flows.ports import HandledBefore
from handlers import delivery
from handlers.ports import Conversations, Inbox, Json, Owed
from handlers.telegram.events import CHANNEL, callback_event, message_event
from handlers.telegram.filters import at_once
from handlers.telegram.json_session import JsonBodySession
from handlers.telegram.render import TelegramRenderer

log = logging.getLogger(__name__)
RESUME = "resume_owed_reply"  # the dispatcher's data: how an owed reply is finished
FLOOD_TRIES = 4  # a reply's call tried this often under flood control
FLOOD_WAIT_MAX = 5  # seconds: a longer wait is not waited inside a turn


class Escalations(Protocol):
    """The staff side, as the citizen's chat sees it."""

    async def citizen_opened(self, channel: str, external_id: str) -> None: ...

    async def relay(self, message: Message) -> None: ...

    def wake(self) -> None: ...


def keep_updates(bot: Bot, dispatcher: Dispatcher, inbox: Inbox) -> None:
    """Every update goes into the log on receipt, and is handled once."""
    verdicts: dict[str, bool] = {}  # a poll's updates as logged, until they are dispatched
    bot.session.middleware(LogOnReceipt(inbox, verdicts))
    dispatcher.update.outer_middleware(OncePerUpdate(inbox, verdicts))


class LogOnReceipt(BaseRequestMiddleware):
    """Logs the updates a poll brought before aiogram polls again: that next request tells
    Telegram to forget them, and with updates handled as tasks it leaves before any handler
    has run."""

    def __init__(self, inbox: Inbox, verdicts: dict[str, bool]) -> None:
        self.inbox = inbox
        self.verdicts = verdicts

    async def __call__(
        self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        result: Any = await make_request(bot, method)  # the result itself, despite the hint
        if isinstance(method, GetUpdates) and isinstance(result, list) and result:
            self.verdicts.update(await log_receipts(self.inbox, result))
        return result  # type: ignore[no-any-return]


class NotLogged(Exception):
    """An update the log could not take (the database is down): not answered, so that the
    webhook says 500 and Telegram sends it again, instead of a "try again" nobody keeps."""


class OncePerUpdate(BaseMiddleware):
    """Telegram may deliver an update again (a restart before the offset was confirmed)."""

    def __init__(self, inbox: Inbox, verdicts: dict[str, bool] | None = None) -> None:
        self.inbox = inbox
        self.verdicts = {} if verdicts is None else verdicts

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        key = str(event.update_id)
        first = self.verdicts.pop(key, None)
        if first is None:  # not polled by this process: a restart's replay, a webhook
            try:
                first = await log_receipt(self.inbox, event)
            except Exception as error:  # nothing is kept of it: it must come again
                raise NotLogged(key) from error
        if not first:
            # Telegram sends again what a dead process (a replica) took: if that one saved the
            # turn but died before its reply was all out, the rest goes out now.
            resume = data.get(RESUME)
            owed = await self.inbox.owed_for(CHANNEL, key) if resume is not None else None
            if resume is not None and owed is not None:
                log.info("update %s seen before; the rest of its reply goes out", key)
                await resume(data["bot"], owed)
            else:
                log.info("update %s seen before; skipped", key)
            return None
        citizens = citizen_chat(event) is not None
        try:
            result = await handler(event, data)
        except HandledBefore:
            log.info("update %s handled meanwhile; skipped", key)
            return None
        except Exception:
            if citizens:  # the error handler answers; it is not tried again at every start
                await self.inbox.close(CHANNEL, key)
            raise
        if citizens and result is UNHANDLED:  # a citizen's handler closes its update itself
            await self.inbox.close(CHANNEL, key)
        return result


async def log_receipt(inbox: Inbox, update: Update) -> bool:
    """Log an update; False when it was handled before. A citizen's update stays open until
    its reply is out (the engine marks it handled); any other (the staff group, stray chats)
    is marked on receipt, as it always was: a staff action never applies twice, even if a
    crash loses it."""
    key = str(update.update_id)
    if citizen_chat(update) is None:
        return await inbox.first_time(CHANNEL, key)
    return await inbox.receive(CHANNEL, key, as_json(update))


async def log_receipts(inbox: Inbox, updates: list[Update]) -> dict[str, bool]:
    """`log_receipt` for a whole poll, in one transaction."""
    arrivals = [(str(update.update_id),
                 None if citizen_chat(update) is None else as_json(update))
                for update in updates]
    verdicts = await inbox.receive_all(CHANNEL, arrivals)
    return {key: verdict for (key, _), verdict in zip(arrivals, verdicts, strict=True)}


def citizen_chat(update: Update) -> int | None:
    """The private chat a citizen's update comes from (what `citizen_router` takes)."""
    message = update.message or update.edited_message
    if message is not None:
        return message.chat.id if message.chat.type == "private" else None
    callback = update.callback_query
    if callback is not None and callback.message is not None \
            and callback.message.chat.type == "private":
        return callback.from_user.id
    return None


def patiently(bot: Bot) -> Callable[[TelegramMethod[Any]], Awaitable[None]]:
    """A reply's calls, each waiting out Telegram's flood control (429) as it asks: a reply
    of several messages comes whole, never cut short by an error. A long wait is not waited
    here (it would hold the person's turn): it fails, and the update log owes the rest."""
    session = bot.session
    # Nothing of a reply's answers is read: only whether Telegram took each call.
    send = partial(session.send, bot) if isinstance(session, JsonBodySession) else bot

    async def call(method: TelegramMethod[Any]) -> None:
        for _ in range(FLOOD_TRIES - 1):
            try:
                await send(method)
                return
            except TelegramRetryAfter as flood:
                if flood.retry_after > FLOOD_WAIT_MAX:
                    raise
                await asyncio.sleep(flood.retry_after)  # Telegram's pace, in real seconds
        await send(method)  # the last try: its refusal is the update's failure
    return call


def message_in(update: Json, bot: Bot) -> Message | None:
    """The citizen's message in a logged update (None for a button)."""
    return Update.model_validate(update, context={"bot": bot}).message if update else None


def as_json(update: Update) -> Json:
    """The update as Telegram sent it, to be parsed again after a restart."""
    return update.model_dump(mode="json", exclude_unset=True, by_alias=True)


def citizen_router(
    engine: Conversations, renderer: TelegramRenderer, inbox: Inbox, *,
    staff: Escalations | None = None,
) -> Router:
    router = Router(name="citizens")
    router.message.filter(at_once(F.chat.type == "private"))
    router.edited_message.filter(at_once(F.chat.type == "private"))
    router.callback_query.filter(at_once(F.message.chat.type == "private"))

    async def deliver(bot: Bot, key: str, chat_id: int, reply: Reply) -> None:
        await delivery.deliver(inbox, CHANNEL, key, renderer.calls(chat_id, reply),
                               patiently(bot))

    async def after(reply: Reply, chat_id: int, message: Message | None) -> None:
        if staff is None:
            return
        if reply.escalate:
            await staff.citizen_opened(CHANNEL, str(chat_id))
        if reply.relay and message is not None:
            await staff.relay(message)
        staff.wake()  # a submission or an objection may have queued messages for staff

    @router.message()
    async def on_message(message: Message, bot: Bot, event_update: Update) -> None:
        key = str(event_update.update_id)
        reply = await engine.handle(message_event(message, bot), key)
        await deliver(bot, key, message.chat.id, reply)
        await after(reply, message.chat.id, message)

    @router.edited_message()
    async def on_edit(message: Message, bot: Bot, event_update: Update) -> None:
        key = str(event_update.update_id)
        edited = dataclasses.replace(message_event(message, bot), kind=EventKind.EDITED)
        reply = await engine.handle(edited, key)
        await deliver(bot, key, message.chat.id, reply)

    @router.callback_query()
    async def on_button(callback: CallbackQuery, bot: Bot, event_update: Update) -> None:
        key = str(event_update.update_id)
        reply = await engine.handle(callback_event(callback), key)
        # Answer first: the spinner on the person's button stops at once. After a restart
        # the query may be too old to answer; the reply goes out all the same.
        with contextlib.suppress(TelegramBadRequest):
            await callback.answer(renderer.notice(reply))
        await deliver(bot, key, callback.from_user.id, reply)
        await after(reply, callback.from_user.id, None)

    async def resume(bot: Bot, owed: Owed) -> None:
        chat_id = int(owed.chat)
        await delivery.finish(inbox, CHANNEL, owed, renderer.calls(chat_id, owed.reply),
                              patiently(bot),
                              lambda: after(owed.reply, chat_id, message_in(owed.update, bot)))

    @router.startup()
    async def finish_what_a_crash_left(bot: Bot, dispatcher: Dispatcher) -> None:
        dispatcher[RESUME] = resume  # and what a redelivery finds owed (`OncePerUpdate`)
        for owed in sorted(await inbox.owed(CHANNEL), key=lambda owed: int(owed.key)):
            await resume(bot, owed)
        for payload in sorted(await inbox.received(CHANNEL), key=lambda u: int(u["update_id"])):
            update = Update.model_validate(payload, context={"bot": bot})
            try:
                await dispatcher.feed_update(bot, update)
            except Exception as error:  # logged and closed by now; polling must start
                log.warning("update %s failed after a restart: %s", update.update_id,
                            type(error).__name__)

    return router


def elsewhere_router() -> Router:
    """Anything from a chat that is neither a citizen's nor the staff group: logged, ignored."""
    router = Router(name="elsewhere")

    @router.message()
    async def on_stray_message(message: Message) -> None:
        log.warning("message from chat %s (%s) ignored", message.chat.id, message.chat.type)

    @router.callback_query()
    async def on_stray_button(callback: CallbackQuery) -> None:
        log.warning("button from chat %s ignored", callback.message.chat.id
                    if callback.message else "?")
        await callback.answer()  # every button is answered, even one we ignore

    return router
