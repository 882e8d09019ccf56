from __future__ import annotations

from datetime import datetime

import pytest

from flows.calendar import KZ_TZ
from flows.engine import Engine, Ports
from flows.visit import VISIT
from tests.flows.chat import Chat
from tests.flows.memory import MemoryApplications, MemoryConversations, MemoryFiles

# Monday 23 November 2026, 10:00 in Astana: a working day within office hours.
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)


@pytest.fixture
def ports() -> Ports:
    return Ports(MemoryConversations(), MemoryFiles(), MemoryApplications())


@pytest.fixture
def engine(ports: Ports) -> Engine:
    return Engine(ports, [VISIT], clock=lambda: NOW, coming_soon=frozenset({"interview"}))


@pytest.fixture
def chat(engine: Engine) -> Chat:
    return Chat(engine)
