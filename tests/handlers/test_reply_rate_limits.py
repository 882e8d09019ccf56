"""Telegram's flood control on a reply (issue 14): a reply of several messages that meets a 429
waits as Telegram asks and goes on; the person gets the whole answer, never an error."""

from __future__ import annotations

from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_visit_telegram import fill_to_summary


async def test_a_reply_that_meets_flood_control_waits_and_arrives_whole(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    telegram.enforce_rate_limits(per_chat_per_second=1, global_per_second=None,
                                 per_group_per_minute=None)
    person = telegram.user(id=2101, first_name="Айгүл")
    summary = await fill_to_summary(person, "ru")  # the summary comes in several messages

    assert says("summary-submit", "ru") in str(summary.get("reply_markup"))
    assert telegram.rate_violations  # Telegram did refuse some of them at first
    texts = [message.get("text", "") for message in telegram.sent_messages(2101)]
    assert not any(text.startswith(says("error-internal", "ru")[:20]) for text in texts)
