"""Talking to a specialist from any step, and being told when they work."""

from __future__ import annotations

from datetime import datetime

from flows.calendar import KZ_TZ
from flows.engine import Engine, Ports
from flows.visit import VISIT
from tests.flows.chat import Chat
from tests.flows.conftest import NOW


def chat_at(ports: Ports, now: datetime) -> Chat:
    return Chat(Engine(ports, [VISIT], clock=lambda: now, specialists=True))


async def test_the_specialist_button_at_a_step_comes_back_to_that_step(ports: Ports) -> None:
    chat = chat_at(ports, NOW)
    await chat.command("start")
    await chat.tap("language-ru")
    await chat.tap("menu-visit")
    await chat.tap("region-astana")
    reply = await chat.tap("nav-specialist")
    assert reply.escalate and chat.said() == ["specialist-open"]  # within office hours
    reply = await chat.say("Какие документы нужны?")
    assert reply.relay and chat.said() == ["specialist-sent"]
    reply = await chat.say("И ещё вопрос")
    assert reply.relay and chat.said() == []  # passed on quietly; the first was confirmed
    await chat.tap("specialist-back", reply=chat.replies[-2])
    assert chat.question() == "ask-body"
    state = ports.conversations.states[("test", "1001")]  # type: ignore[attr-defined]
    assert state.answers == {"region": "astana"}


async def test_after_hours_the_citizen_is_told_when_a_specialist_answers(ports: Ports) -> None:
    friday_evening = datetime(2026, 11, 27, 19, 5, tzinfo=KZ_TZ)
    chat = chat_at(ports, friday_evening)
    await chat.command("start")
    await chat.tap("language-kk")
    await chat.tap("menu-specialist")
    after_hours = chat.replies[-1].messages[-1].parts[0]
    assert after_hours.key == "specialist-after-hours"
    assert after_hours.args["when"] == datetime(2026, 11, 30, 9, 0, tzinfo=KZ_TZ)


async def test_lunch_break_counts_as_after_hours(ports: Ports) -> None:
    chat = chat_at(ports, datetime(2026, 11, 24, 13, 30, tzinfo=KZ_TZ))
    await chat.command("start")
    await chat.tap("language-en")
    await chat.tap("menu-specialist")
    after_hours = chat.replies[-1].messages[-1].parts[0]
    assert after_hours.args["when"] == datetime(2026, 11, 24, 14, 30, tzinfo=KZ_TZ)


async def test_a_command_leaves_the_specialist_chat(ports: Ports) -> None:
    chat = chat_at(ports, NOW)
    await chat.command("start")
    await chat.tap("language-kk")
    await chat.tap("menu-specialist")
    reply = await chat.command("start")
    assert not reply.relay and chat.said()[-1] == "menu-title"
    reply = await chat.say("сәлем")
    assert not reply.relay


async def test_a_service_not_built_yet_says_so_honestly(ports: Ports) -> None:
    chat = Chat(Engine(ports, [VISIT], clock=lambda: NOW, coming_soon=frozenset({"interview"})))
    await chat.command("start")
    await chat.tap("language-ru")
    await chat.tap("menu-interview")
    assert chat.said() == ["menu-coming-soon", "menu-title"]
