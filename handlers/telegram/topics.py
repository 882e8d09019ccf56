"""One forum topic per citizen in the staff group: created on first need, then reused."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol, TypeVar

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest

from flows.desk import Citizen

MAX_TITLE = 128  # Telegram's cap for a topic name
T = TypeVar("T")


class TopicStore(Protocol):
    async def thread_of(self, person_id: int) -> int | None: ...
    async def save_thread(self, person_id: int, chat_id: int, thread_id: int,
                          title: str) -> None: ...
    async def set_title(self, person_id: int, title: str) -> bool: ...
    async def open_numbers(self, person_id: int) -> list[str]: ...
    async def forget_thread(self, person_id: int, thread_id: int) -> bool: ...
    async def citizen(self, person_id: int) -> Citizen | None: ...


def thread_gone(error: TelegramBadRequest) -> bool:
    """Telegram's answer for a topic an admin deleted."""
    return "message thread not found" in error.message.lower()


def topic_title(name: str, numbers: list[str]) -> str:
    title = " · ".join([name or "—", *numbers])
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


class StaffTopics:
    def __init__(self, bot: Bot, store: TopicStore, chat_id: int,
                 wake: Callable[[], None] = lambda: None) -> None:
        self.bot, self.store, self.chat_id = bot, store, chat_id
        self.wake = wake  # the outbox worker: the cards queued again for a new topic
        self._lock = asyncio.Lock()  # two messages at once must not open two topics

    async def _title(self, person_id: int) -> str:
        citizen = await self.store.citizen(person_id)
        name = citizen.display_name if citizen else ""
        return topic_title(name, await self.store.open_numbers(person_id))

    async def thread_for(self, person_id: int) -> int:
        async with self._lock:
            thread = await self.store.thread_of(person_id)
            if thread is not None:
                return thread
            title = await self._title(person_id)
            topic = await self.bot.create_forum_topic(self.chat_id, title)
            await self.store.save_thread(person_id, self.chat_id, topic.message_thread_id, title)
            return topic.message_thread_id

    async def within(self, person_id: int, send: Callable[[int], Awaitable[T]]) -> T:
        """`send` into the person's topic; if staff deleted it, into a new one."""
        thread = await self.thread_for(person_id)
        try:
            return await send(thread)
        except TelegramBadRequest as error:
            if not thread_gone(error):
                raise
        await self.forget(person_id, thread)
        return await send(await self.thread_for(person_id))

    async def forget(self, person_id: int, thread: int) -> None:
        """The topic was deleted in the group: the next message opens a new one, and the
        cards of the person's open applications are posted there again."""
        async with self._lock:
            if await self.store.forget_thread(person_id, thread):
                self.wake()

    async def refresh_title(self, person_id: int) -> None:
        """Keep the open application numbers in the title."""
        thread = await self.store.thread_of(person_id)
        title = await self._title(person_id)
        if thread is None or not await self.store.set_title(person_id, title):
            return
        try:
            await self.bot.edit_forum_topic(self.chat_id, thread, name=title)
        except TelegramBadRequest as error:
            if not thread_gone(error):
                raise
            await self.forget(person_id, thread)  # a new topic is named afresh
