"""Issue 12, item 2: "Other services" in the main menu. Every related guardianship service
opens in kk, ru and en over the fake Bot API with its term, where to apply, its documents
and its grounds for refusal as seeds 001 and 000 give them; every button on a screen does
something; "tell me when I can apply here" is recorded once per person and service, and the
morning digest counts it. The screens fit WhatsApp's limits too.

The facts checked here are the seeds' (001: appendices 1-3 of order No. 343, items 2, 3, 8
and 9 of each standard; 000 p. 6, 7.11, 9.7 for the transactions, which have no standard)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select

from flows.calendar import KZ_TZ
from flows.engine import Engine, Ports
from flows.messages import Text
from flows.related import RELATED, message_ids
from handlers.l10n import LANGUAGES, Localizer
from handlers.whatsapp.render import WhatsAppRenderer
from storage.db import sessions
from storage.models import Person, ServiceInterest
from storage.sealed import matches
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.flows.chat import Chat
from tests.flows.conftest import NOW
from tests.flows.memory import MemoryApplications, MemoryConversations, MemoryFiles
from tests.handlers.conftest import STAFF_CHAT, RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_whatsapp_render import check
from tests.test_locales import all_ids


@dataclass(frozen=True)
class Seed:
    """What the seed gives for one service; None/empty: the seeds give nothing."""

    days: int | None
    channels: tuple[str, ...]
    documents: int
    grounds: int


SEEDS = {
    # 001 app. 1: item 3 1) 19 working days; item 2: State Corporation, portal; item 8: 11
    # documents (the State Corporation's list); item 9: 15 grounds
    "guardianship": Seed(19, ("state-corporation", "portal"), 11, 15),
    # 001 app. 2: item 3: 10 working days; item 2: the portal only; item 8: 9; item 9: 17
    "patronage": Seed(10, ("portal-only",), 9, 17),
    # 001 app. 3: item 3 1): 10 working days; item 2: the provider's office, the portal;
    # item 8: 9 (the provider's list); item 9: 15
    "receiving-family": Seed(10, ("office", "portal"), 9, 15),
    # 000 p. 6-7 (the body); no term, documents or grounds in the seeds: to be confirmed
    "property-transactions": Seed(None, ("body", "other-channels-unknown"), 0, 0),
}
CITE_ITEM_3 = Text("related-cite-standard", {"item": "3"})
L10N = Localizer()


def name(code: str) -> Text:
    return Text(f"related-name-{code}")


async def open_menu(person: FakeUser, lang: str) -> dict[str, Any]:
    await person.say("/start")
    label = says(f"language-{lang}", lang)
    return (await person.press(person.last(), label))[-1]


async def open_list(person: FakeUser, menu: dict[str, Any], lang: str) -> dict[str, Any]:
    listing = (await person.press(menu, says("menu-other-services", lang)))[-1]
    assert listing["text"] == says("related-list-title", lang)
    assert buttons(listing) == [*(says(f"related-name-{code}", lang) for code in SEEDS),
                                says("nav-menu", lang)]
    return listing


async def open_service(person: FakeUser, listing: dict[str, Any], code: str,
                       lang: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The service's screen: what it is and its documents, then its grounds and buttons."""
    about, last = await person.press(listing, says(f"related-name-{code}", lang))
    return about, last


async def interests(bot: RunningBot, user_id: int) -> list[str]:
    assert bot.app is not None
    async with sessions(bot.app.db)() as session:
        rows = await session.scalars(
            select(ServiceInterest.service).join(Person, Person.id == ServiceInterest.person_id)
            .where(matches(session, Person.external_key, "telegram", str(user_id)))
            .order_by(ServiceInterest.id))
        return list(rows)


def shows_the_seed(about: str, last: str, code: str, lang: str) -> None:
    seed, service = SEEDS[code], RELATED[code]
    assert about.startswith(says(f"related-title-{code}", lang))
    if seed.days is None:
        assert says("related-term-unknown", lang) in about
    else:
        assert says("related-term", lang, days=seed.days, cite=CITE_ITEM_3) in about
    for channel in seed.channels:
        assert says(f"related-channel-{channel}", lang) in about
    assert len(service.documents.entries) == seed.documents
    assert len(service.grounds.entries) == seed.grounds
    if seed.documents:
        for number, document in service.documents.entries:
            assert f"\n{number}) {says(f'related-doc-{document}', lang)}\n" in f"{about}\n"
    else:
        assert says("related-documents-unknown", lang) in about
    if seed.grounds:
        for number, ground in service.grounds.entries:
            assert f"\n{number}) {says(f'related-ground-{ground}', lang)}\n" in f"{last}\n"
    else:
        assert says("related-grounds-unknown", lang) in last
    assert says("related-not-in-bot", lang) in last


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_other_service_opens_and_every_button_on_it_does_something(
    telegram: FakeTelegram, staffed: RunningBot, lang: str
) -> None:
    user_id = 4100 + LANGUAGES.index(lang)
    person = telegram.user(id=user_id, first_name="Әсел")
    menu = await open_menu(person, lang)
    notify, back = says("related-notify", lang), says("related-back", lang)
    specialist = says("related-ask-specialist", lang)
    asked: list[str] = []
    for code in SEEDS:
        about, last = await open_service(person, await open_list(person, menu, lang), code, lang)
        shows_the_seed(about["text"], last["text"], code, lang)
        assert buttons(last) == [specialist, notify, back, says("nav-menu", lang)]

        # "tell me when I can apply here": recorded once, even when tapped twice
        told = (await person.press(last, notify))[-1]
        assert told["text"] == says("related-notify-recorded", lang, service=name(code))
        told = (await person.press(last, notify))[-1]
        assert told["text"] == says("related-notify-already", lang, service=name(code))
        asked.append(code)
        assert await interests(staffed, user_id) == asked
        listing = (await person.press(told, back))[-1]
        assert listing["text"] == says("related-list-title", lang)

        # opened again, the screen says it is noted and offers no second "tell me"
        about, last = await open_service(person, listing, code, lang)
        assert says("related-notify-on", lang) in last["text"]
        assert buttons(last) == [specialist, back, says("nav-menu", lang)]

        # back to the list, the main menu
        listing = (await person.press(last, back))[-1]
        assert listing["text"] == says("related-list-title", lang)
        about, last = await open_service(person, listing, code, lang)
        menu = (await person.press(last, says("nav-menu", lang)))[-1]
        assert menu["text"] == says("menu-title", lang)

        # ask a specialist: the person's topic opens in the staff group
        about, last = await open_service(person, await open_list(person, menu, lang), code,
                                         lang)
        opened = (await person.press(last, specialist))[0]
        assert opened["text"] == says("specialist-open", lang)
        await telegram.wait_for(lambda c: c.method == "createForumTopic" and c.ok, timeout=10)
        menu = (await person.press(opened, says("specialist-back", lang)))[-1]
        assert menu["text"] == says("menu-title", lang)
    assert await interests(staffed, user_id) == list(SEEDS)


async def notify_me(person: FakeUser, lang: str, *codes: str) -> None:
    menu = await open_menu(person, lang)
    for code in codes:
        _about, last = await open_service(person, await open_list(person, menu, lang), code,
                                          lang)
        told = (await person.press(last, says("related-notify", lang)))[-1]
        assert told["text"] == says("related-notify-recorded", lang, service=name(code))
        menu = (await person.press(told, says("nav-menu", lang)))[-1]


async def the_digest(telegram: FakeTelegram, bot: RunningBot, moment: datetime) -> list[str]:
    """The bot restarted at `moment` posts that working day's digest by itself."""
    mark = telegram.output_mark()
    bot.advance_to(moment)
    await bot.restart()
    title = says("staff-digest-interest-title", "ru")
    digest = await telegram.wait_for_message(STAFF_CHAT, lambda m: title in m["text"],
                                             timeout=10, since=mark)
    lines: list[str] = digest["text"].splitlines()
    return lines[lines.index(title):]


def staff_line(code: str, total: int, new: int) -> str:
    return says("staff-digest-interest-line", "ru", service=name(code), total=total, new=new)


async def test_the_morning_digest_counts_who_asked_per_service_in_all_and_new(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    # Monday 23.11.2026, 10:00: two people ask about guardianship, one also about patronage
    await notify_me(telegram.user(id=4201), "kk", "guardianship")
    await notify_me(telegram.user(id=4202), "ru", "guardianship", "patronage")
    assert telegram.last_message(STAFF_CHAT) is None or \
        says("staff-digest-interest-title", "ru") not in telegram.last_message(STAFF_CHAT)["text"]

    lines = await the_digest(telegram, staffed, datetime(2026, 11, 24, 10, 0, tzinfo=KZ_TZ))
    assert lines[1:] == [staff_line("guardianship", 2, 2), staff_line("patronage", 1, 1)]

    # Tuesday: one more asks about the receiving family; Wednesday's digest counts as new only
    # what came after Tuesday's digest (9:00 of the previous working day)
    await notify_me(telegram.user(id=4203), "en", "receiving-family")
    lines = await the_digest(telegram, staffed, datetime(2026, 11, 25, 9, 30, tzinfo=KZ_TZ))
    assert lines[1:] == [staff_line("guardianship", 2, 0), staff_line("patronage", 1, 0),
                         staff_line("receiving-family", 1, 1)]


# ---------------------------------------------------------------------- WhatsApp's limits
@dataclass
class MemoryInterest:
    asked: set[tuple[str, str, str]] = field(default_factory=set)

    async def record(self, channel: str, user_id: str, service: str, at: datetime) -> bool:
        new = (channel, user_id, service) not in self.asked
        self.asked.add((channel, user_id, service))
        return new

    async def recorded(self, channel: str, user_id: str, service: str) -> bool:
        return (channel, user_id, service) in self.asked


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_list_and_every_screen_fit_whatsapp(lang: str) -> None:
    renderer = WhatsAppRenderer(L10N)
    ports = Ports(MemoryConversations(), MemoryFiles(), MemoryApplications(),
                  interest=MemoryInterest())
    chat = Chat(Engine(ports, [], clock=lambda: NOW, specialists=True))
    await chat.command("start")
    await chat.tap(f"language-{lang}")
    await chat.tap("menu-other-services")
    for code in SEEDS:
        await chat.tap(f"related-name-{code}")
        assert chat.said()[0] == f"related-title-{code}"
        await chat.tap("related-notify")
        await chat.tap("related-back")
    await chat.tap("related-name-guardianship")  # a screen without "tell me"
    messages = [m for reply in chat.replies for m in reply.messages]
    for message in messages:
        labels = {L10N.render(c.label, lang) for row in message.choices for c in row}
        payloads = renderer.render(message, lang)
        for payload in payloads:
            check(payload, labels)
        tappable = [choice["id"] for p in payloads if p["type"] == "interactive"
                    for choice in tappable_of(p["interactive"])]
        assert len(tappable) == len(labels)  # every button is there to tap


def tappable_of(interactive: dict[str, Any]) -> list[dict[str, Any]]:
    action = interactive["action"]
    if interactive["type"] == "button":
        return [b["reply"] for b in action["buttons"]]
    return [row for section in action["sections"] for row in section["rows"]]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_word_a_screen_builds_from_the_data_exists(lang: str) -> None:
    known = all_ids(lang)  # in this language's own files, not through a fallback
    for service in RELATED.values():
        missing = message_ids(service) - known
        assert not missing, f"{lang} {service.code}: {sorted(missing)}"
