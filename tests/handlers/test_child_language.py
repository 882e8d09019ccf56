"""Issue 18, items 2 and 3 over HTTP: a mother who uses the bot in Kazakh books the
conversation for her son in Berlin, who reads Russian.

The times before 07:00 in Berlin are marked 🌙 and offered after the others. Having picked a
time, she is asked which language the bot speaks to her son, her own first; she picks
Russian. The son, whose Telegram is in German, opens her link: the bot's first words to him
are the Russian "is it you?", then the Russian explanation, and his reminder comes in Russian
too, while his mother still reads Kazakh.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from flows.calendar import KZ_TZ
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.flows.documents import jpeg
from tests.handlers.conftest import STAFF_CHAT, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_staff_telegram import seen, staff_says, staff_tap

NUMBER = "МР-2026-00001"
PARENT, CHILD = 4601, 5601
MOON = "🌙"


def kk(key: str, **args: Any) -> str:
    return says(key, "kk", **args)


def ru(key: str, **args: Any) -> str:
    return says(key, "ru", **args)


async def applies_in_kazakh(parent: FakeUser) -> None:
    """A mother in Astana applies in Kazakh for her son, who lives in Germany."""
    await parent.say("/start")
    menu = (await parent.press(parent.last(), "Қазақша"))[-1]
    shown = await parent.press(menu, kk("menu-interview"))
    for tap in ("region-astana", "body-astana-edu-short"):
        shown = await parent.press(shown[-1], kk(tap))
    for text in ("Смагулова", "Динара"):
        shown = await parent.say(text)
    shown = await parent.press(shown[-1], kk("nav-skip"))
    for text in ("871008401427", "г. Астана, пр. Мангилик Ел, 8, кв. 15", "87011234567"):
        shown = await parent.say(text)
    shown = await parent.press(parent.last(), kk("role-parent"))
    for text in ("Смагулов", "Арман"):
        shown = await parent.say(text)
    shown = await parent.press(shown[-1], kk("nav-skip"))
    shown = await parent.say("10.03.2013")
    shown = await parent.press(shown[-1], kk("group-more-no"))  # one child
    shown = await parent.press(shown[-1], kk("subject-residence"))
    shown = await parent.say("Бала ата-анасының қайсысымен тұрады")
    shown = await parent.press(shown[-1], kk("lives-abroad"))
    shown = await parent.press(shown[-1], kk("country-de"))
    shown = await parent.press(shown[-1], kk("present-applicant"))
    shown = await parent.press(shown[-1], kk("consent-yes"))
    parent.send_photo(jpeg(1))
    await parent.telegram.settled()
    shown = await parent.press(parent.last(), kk("files-done"))
    shown = await parent.press(shown[-1], kk("files-none"))
    await parent.press(shown[-1], kk("summary-submit"))


async def wednesdays_times(telegram: FakeTelegram, parent: FakeUser) -> dict[str, Any]:
    """Applied, accepted by staff; the times of Wednesday 25.11 as the mother sees them."""
    await applies_in_kazakh(parent)
    card = await seen(telegram, STAFF_CHAT, lambda m: NUMBER in m.get("text", "")
                      and bool(buttons(m)))
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    # The notice of acceptance first: arriving in the middle of a later step, it would be
    # that step's last message.
    await seen(telegram, parent.id, lambda m: m.get("text", "").startswith(
        kk("notify-interview-accepted", number=NUMBER, term="").splitlines()[0]))
    await parent.say("/start")
    listing = await parent.press_latest(kk("menu-my-applications"))
    detail = (await parent.press(listing[-1], kk("apps-open", number=NUMBER)))[-1]
    days = (await parent.press(detail, kk("booking-choose")))[-1]
    wednesday = next(b for b in buttons(days) if b.startswith("25.11.2026"))
    return (await parent.press(days, wednesday))[-1]


def berlin_times(label: str) -> str:
    """"25.11.2026, 10:00 Астана — 06:00 Берлин" -> "06:00"."""
    return re.findall(r"\d\d:\d\d", label)[1]


async def test_the_childs_night_is_marked_and_offered_last(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    times = await wednesdays_times(telegram, telegram.user(id=PARENT, first_name="Динара"))
    slots = [b for b in buttons(times) if kk("city-berlin") in b]
    assert len(slots) == 16
    night = [label for label in slots if MOON in label]
    assert [berlin_times(label) for label in night] == ["05:00", "05:30", "06:00", "06:30"]
    assert slots[-4:] == night  # after every daytime one
    assert berlin_times(slots[0]) == "07:00"
    assert all(berlin_times(label) >= "07:00" for label in slots[:-4])
    assert kk("booking-night-mark", city=kk("city-berlin")) in times["text"]


async def test_the_child_reads_the_language_the_parent_chose_from_the_first_message(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=PARENT, first_name="Динара")
    times = await wednesdays_times(telegram, parent)
    eleven = next(b for b in buttons(times) if ", 11:00 " in b)
    asked = (await parent.press(times, eleven))[-1]
    assert asked["text"] == kk("booking-ask-child-language", slot=eleven)
    languages = [b for b in buttons(asked) if b != kk("nav-back")]
    assert languages == [kk("booking-child-language-own", language="Қазақша"),
                         "Русский", "English"]  # her own first: one tap keeps it

    confirmed = await parent.press(asked, "Русский")
    text = confirmed[0]["text"]
    assert text.startswith(kk("booking-confirmed", number=NUMBER, slot="").split(":")[0])
    assert kk("booking-child-language-set", language="Русский") in text
    link = re.search(r"start=([A-Z0-9]{8})", text)
    assert link is not None

    child = telegram.user(id=CHILD, first_name="Арман", language_code="de")
    first = await child.say(f"/start {link.group(1)}")
    assert [m["text"] for m in first] == [ru("child-ask-who", name="Арман")]
    assert buttons(first[0]) == [ru("child-its-me", name="Арман"), ru("child-not-me")]
    intro = (await child.press(first[0], ru("child-its-me", name="Арман")))[-1]
    assert intro["text"].startswith(ru("child-intro", slot="", about="").splitlines()[0])
    assert "07:00" in intro["text"] and ru("city-berlin") in intro["text"]

    # the day before, the son is reminded in Russian, his mother in Kazakh
    staffed.advance_to(datetime(2026, 11, 25, 11, 0, tzinfo=KZ_TZ) - timedelta(hours=24)
                       + timedelta(seconds=1))
    to_child = await seen(telegram, CHILD, lambda m: m.get("text", "").startswith("⏰"))
    assert to_child["text"].startswith(ru("reminder-child", hours=24, slot="")[:12])
    to_parent = await seen(telegram, PARENT, lambda m: m.get("text", "").startswith("⏰"))
    assert to_parent["text"].startswith(kk("reminder-parent", number=NUMBER, hours=24,
                                           slot="")[:12])


async def test_a_parent_who_keeps_her_own_language_sends_a_kazakh_invite(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    parent = telegram.user(id=PARENT, first_name="Динара")
    times = await wednesdays_times(telegram, parent)
    asked = (await parent.press(times, next(b for b in buttons(times) if ", 11:00 " in b)))[-1]
    confirmed = await parent.press(asked, buttons(asked)[0])  # one tap: her own
    link = re.search(r"start=([A-Z0-9]{8})", confirmed[0]["text"])
    assert link is not None
    child = telegram.user(id=CHILD, first_name="Арман", language_code="ru")
    first = await child.say(f"/start {link.group(1)}")
    assert [m["text"] for m in first] == [kk("child-ask-who", name="Арман")]
