"""Issue 13, item 4: staff read plainly what the bot has and has not checked about the
applicant. The phone is verified only when the messenger passed on the sender's own contact
(Telegram: contact.user_id is the sender; WhatsApp: the card's number is the sender's wa_id);
a typed number or somebody else's contact is not. The IIN is as typed, never checked against
state registers: the card and the application paper say so."""

from __future__ import annotations

from dataclasses import replace

from flows.messages import EventKind
from flows.paper import APPLICATION
from handlers.whatsapp import inbound
from handlers.whatsapp.webhook import WhatsAppChannel
from papers import render
from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.handlers.conftest import RunningBot, staffed, telegram  # noqa: F401  (fixtures)
from tests.handlers.lingo import says
from tests.handlers.test_staff_telegram import apply, the_card
from tests.papers.samples import facts
from tests.papers.test_papers import has_all, text_of

SOMEONE_ELSE = 9001


def shares_someone_elses_contact(person: FakeUser) -> None:
    """From now on the person's phone step gets a friend's contact card, not their own."""
    def friends(phone_number: str = "+77011234567") -> int:
        return person.send_contact(phone_number, "Ерлан", user_id=SOMEONE_ELSE)
    person.share_contact = friends  # type: ignore[method-assign]


async def test_the_card_says_the_messenger_verified_the_applicants_own_phone(
    telegram: FakeTelegram, staffed: RunningBot  # noqa: F811  (the fixtures above)
) -> None:
    await apply(telegram.user(id=2001, first_name="Айгүл"), "ru")
    card = (await the_card(telegram))["text"]
    assert says("identity-phone-verified", "ru") in card
    assert says("identity-phone-unverified", "ru") not in card
    assert says("identity-iin-as-typed", "ru") in card


async def test_the_card_says_a_friends_contact_is_not_verified(
    telegram: FakeTelegram, staffed: RunningBot  # noqa: F811  (the fixtures above)
) -> None:
    person = telegram.user(id=2001, first_name="Айгүл")
    shares_someone_elses_contact(person)
    await apply(person, "ru")
    card = (await the_card(telegram))["text"]
    assert says("identity-phone-unverified", "ru") in card
    assert says("identity-phone-verified", "ru") not in card
    assert says("identity-iin-as-typed", "ru") in card


def test_the_application_paper_says_an_unverified_phone_may_be_someone_elses() -> None:
    paper = facts(APPLICATION)
    assert paper.confirmation is not None
    unverified = replace(paper, confirmation=replace(paper.confirmation, phone_verified=False))
    has_all(text_of(render(unverified, "ru")),
            "номер телефона не подтвержден: введен заявителем вручную или взят из чужого контакта")
    has_all(text_of(render(unverified, "kk")), "телефон нөмірі расталмаған", "басқа адамның")


def whatsapp_event(sender: str, card: inbound.SharedContact) -> EventKind:
    channel = object.__new__(WhatsAppChannel)  # `event` reads only the message
    return channel.event(inbound.Message("wamid.1", sender, "Айгүл", card)).kind


def test_on_whatsapp_only_the_senders_own_number_counts_as_verified() -> None:
    own = inbound.SharedContact("+7 701 123 45 67", "77011234567")
    assert whatsapp_event("77011234567", own) is EventKind.CONTACT
    assert whatsapp_event("77011234567", inbound.SharedContact("+7 701 123 45 67")) \
        is EventKind.CONTACT  # a card without wa_id: its digits are the sender's
    friend = inbound.SharedContact("+7 702 765 43 21", "77027654321")
    # Another person's card is read as typed, and only at a phone question (EventKind.CARD).
    assert whatsapp_event("77011234567", friend) is EventKind.CARD
    assert whatsapp_event("US.13491208655302741918", own) is EventKind.CARD  # number hidden
