"""The routers' filters are checked where the update is handled. aiogram runs a filter that is
a plain function, as a magic filter (`F.chat.type == "private"`) is, on a worker thread: a hop
there and back for every router an update meets (issue 15, a profile found them). Here every
update of a citizen and of staff is handled with no worker thread asked for, and still
reaches the right router."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import says


async def test_citizens_and_staff_updates_are_filtered_without_a_worker_thread(
    telegram: FakeTelegram, staffed: RunningBot, monkeypatch: pytest.MonkeyPatch,
) -> None:
    hops: list[str] = []
    to_thread = asyncio.to_thread

    async def counted(function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        hops.append(getattr(function, "__qualname__", repr(function)))
        return await to_thread(function, *args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", counted)
    citizen = telegram.user(id=5101, first_name="Айгерим", language_code="ru")
    _greeting, question = await citizen.say("/start")
    menu = (await citizen.press(question, "Русский"))[-1]
    assert menu["text"] == says("menu-title", "ru")  # a button, through the citizens' router
    answer = await citizen.say("здравствуйте")  # a text, through the same router
    assert answer[0]["text"] == says("hint-menu-unexpected", "ru")
    staff = telegram.user(id=STAFF_MEMBER)
    await staff.say_in(STAFF_CHAT, "/open")  # staff, through theirs: not a citizen's reply
    assert not telegram.outputs_since(STAFF_MEMBER, 0)
    assert hops == []
