"""One person's turns go one at a time; a lock nobody needs any more is forgotten (a process
serving many people over months must not keep a lock for each of them)."""

from __future__ import annotations

import asyncio

import pytest

from flows.person_locks import PersonLocks


async def test_one_persons_turns_go_one_at_a_time_and_others_go_meanwhile() -> None:
    locks, log = PersonLocks(), []

    async def turn(person: str, name: str) -> None:
        async with locks.hold(("telegram", person)):
            log.append(f"{name} starts")
            await asyncio.sleep(0.01)
            log.append(f"{name} ends")

    await asyncio.gather(turn("1", "a1"), turn("1", "a2"), turn("2", "b"))
    assert log.index("a1 ends") < log.index("a2 starts")  # the same person: in turn
    assert log.index("b starts") < log.index("a1 ends")  # another person: meanwhile


async def test_no_lock_is_kept_once_nobody_holds_or_waits_for_it() -> None:
    locks = PersonLocks()

    async def turn(person: int) -> None:
        async with locks.hold(("telegram", str(person))):
            await asyncio.sleep(0)

    await asyncio.gather(*(turn(n % 500) for n in range(2000)))
    assert len(locks) == 0

    async def failing() -> None:
        async with locks.hold(("telegram", "7")):
            raise ValueError

    with pytest.raises(ValueError):
        await failing()
    assert len(locks) == 0  # a turn that failed lets go too
