"""One forum topic per citizen in the staff group: created on first need, then reused."""

from __future__ import annotations

import asyncio
from typing import Protocol

from aiogram import Bot

from flows.desk import Citizen

MAX_TITLE = 128  # Telegram's cap for a topic name


class TopicStore(Protocol):
    async def thread_of(self, person_id: int) -> int | None: ...
    async def save_thread(self, person_id: int, chat_id: int, thread_id: int,
                          title: str) -> None: ...
    async def set_title(self, person_id: int, title: str) -> bool: ...
    async def open_numbers(self, person_id: int) -> list[str]: ...
    async def forget_thread(self, person_id: int) -> None: ...
    async def citizen(self, person_id: int) -> Citizen | None: ...


def topic_title(name: str, numbers: list[str]) -> str:
    title = " · ".join([name or "—", *numbers])
    return title if len(title) <= MAX_TITLE else title[: MAX_TITLE - 1] + "…"


class StaffTopics:
    def __init__(self, bot: Bot, store: TopicStore, chat_id: int) -> None:
        self.bot, self.store, self.chat_id = bot, store, chat_id
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

    async def forget(self, person_id: int) -> None:
        """The topic was deleted in the group: the next message opens a new one."""
        async with self._lock:
            await self.store.forget_thread(person_id)

    async def refresh_title(self, person_id: int) -> None:
        """Keep the open application numbers in the title."""
        thread = await self.store.thread_of(person_id)
        title = await self._title(person_id)
        if thread is not None and await self.store.set_title(person_id, title):
            await self.bot.edit_forum_topic(self.chat_id, thread, name=title)
