"""aiogram routers: private-chat updates go to the engine, replies are rendered back."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.types import CallbackQuery, Message, TelegramObject, Update

from flows.messages import Reply
from handlers.ports import Conversations, Seen
from handlers.telegram.events import CHANNEL, callback_event, message_event
from handlers.telegram.render import TelegramRenderer

log = logging.getLogger(__name__)


class Escalations(Protocol):
    """The staff side, as the citizen's chat sees it."""

    async def citizen_opened(self, channel: str, external_id: str) -> None: ...

    async def relay(self, message: Message) -> None: ...

    def wake(self) -> None: ...


class OncePerUpdate(BaseMiddleware):
    """Telegram may deliver an update again (a restart before the offset was confirmed)."""

    def __init__(self, seen: Seen) -> None:
        self.seen = seen

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, Update)
        if not await self.seen.first_time(CHANNEL, str(event.update_id)):
            log.info("update %s seen before; skipped", event.update_id)
            return None
        return await handler(event, data)


def citizen_router(
    engine: Conversations, renderer: TelegramRenderer, staff: Escalations | None = None
) -> Router:
    router = Router(name="citizens")
    router.message.filter(F.chat.type == "private")
    router.callback_query.filter(F.message.chat.type == "private")

    async def after(reply: Reply, chat_id: int, message: Message | None) -> None:
        if staff is None:
            return
        if reply.escalate:
            await staff.citizen_opened(CHANNEL, str(chat_id))
        if reply.relay and message is not None:
            await staff.relay(message)
        staff.wake()  # a submission or an objection may have queued messages for staff

    @router.message()
    async def on_message(message: Message, bot: Bot) -> None:
        reply = await engine.handle(message_event(message, bot))
        await renderer.send(bot, message.chat.id, reply)
        await after(reply, message.chat.id, message)

    @router.callback_query()
    async def on_button(callback: CallbackQuery, bot: Bot) -> None:
        reply = await engine.handle(callback_event(callback))
        # Answer first: the spinner on the person's button stops at once.
        await callback.answer(renderer.notice(reply))
        await renderer.send(bot, callback.from_user.id, reply)
        await after(reply, callback.from_user.id, None)

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
