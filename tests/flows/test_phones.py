"""Phones from abroad (issue 12): the child-opinion application takes any country's number in
E.164 and shows it with its country; the visit permission keeps Kazakhstan numbers and tells
a foreign one so, not as a typo."""

from __future__ import annotations

from datetime import date

import pytest

from flows.engine import Engine, Ports
from flows.interview import INTERVIEW
from flows.messages import Text
from flows.steps import Context, TextStep
from flows.validators import (
    Invalid,
    parse_kz_phone,
    parse_phone,
    parse_phone_anywhere,
    phone_country,
    phone_region,
)
from flows.visit import VISIT
from tests.flows.chat import Chat
from tests.flows.conftest import NOW

GERMAN = "+4915112345678"
KZ_FORMS = [  # every form tests/flows/test_validators.py accepts, and what it gives
    ("+7 701 123 45 67", "+77011234567"),
    ("87011234567", "+77011234567"),
    ("8 (701) 123-45-67", "+77011234567"),
    ("7011234567", "+77011234567"),
    ("8.701.123.45.67", "+77011234567"),
    ("77011234567", "+77011234567"),  # a Telegram contact without the "+"
    ("8 7142 50-12-34", "+77142501234"),  # Kostanay landline
    ("+7 727 123 45 67", "+77271234567"),
]


def rejects(key: str, parse: object, text: str) -> Invalid:
    assert callable(parse)
    with pytest.raises(Invalid) as caught:
        parse(text)
    assert caught.value.key == key, text
    return caught.value


@pytest.mark.parametrize(("text", "expected"), KZ_FORMS)
def test_kazakhstan_numbers_read_as_before_in_both_services(text: str, expected: str) -> None:
    assert parse_phone(text) == parse_kz_phone(text) == parse_phone_anywhere(text) == expected


@pytest.mark.parametrize("text", [
    "+49 151 12345678",
    "+49 (151) 1234-5678",
    "0049 151 12345678",
    "4915112345678",  # a messenger's shared contact often comes without the "+"
])
def test_a_german_mobile_is_stored_in_e164(text: str) -> None:
    assert parse_phone_anywhere(text) == GERMAN


@pytest.mark.parametrize(("text", "expected", "region"), [
    ("+7 916 123 45 67", "+79161234567", "RU"),  # +7, but Russia's
    ("79161234567", "+79161234567", "RU"),
    ("+998 90 123 45 67", "+998901234567", "UZ"),
    ("+1 202 555 0143", "+12025550143", "US"),
    ("+52 55 1234 5678", "+525512345678", "MX"),
])
def test_other_countries(text: str, expected: str, region: str) -> None:
    assert parse_phone_anywhere(text) == expected
    assert phone_region(expected) == region


@pytest.mark.parametrize("text", [
    "",
    "12345",
    "+49 151",  # too short for Germany
    "015112345678",  # a German number without its country code: which country?
    "8 916 123 45 67",  # a trunk "8": a mistyped Kazakhstan number, not a foreign one
    "81234567890",
    "+999 123 456 789",  # no such country code
    "+49 151 1234567a",
    "+７ ７０１ １２３ ４５ ６７",  # full-width digits
])
def test_what_is_no_phone_anywhere_is_explained_with_both_forms(text: str) -> None:
    rejects("error-phone-format-anywhere", parse_phone_anywhere, text)


def test_the_visit_permission_names_the_country_of_a_foreign_number() -> None:
    error = rejects("error-phone-foreign", parse_kz_phone, "+49 151 12345678")
    assert error.args == {"country": Text("country-de")}
    error = rejects("error-phone-foreign", parse_kz_phone, "+7 916 123 45 67")
    assert error.args == {"country": Text("country-ru")}
    # a country the locales do not name: its region code
    error = rejects("error-phone-foreign", parse_kz_phone, "+52 55 1234 5678")
    assert error.args == {"country": Text("value-plain", {"value": "MX"})}


@pytest.mark.parametrize("text", ["12345", "8 916 123 45 67", "+7 701 123 45 6", "1414"])
def test_a_typo_in_the_visit_permission_is_still_a_format_error(text: str) -> None:
    rejects("error-phone-format", parse_kz_phone, text)


def test_the_country_of_a_stored_number() -> None:
    assert phone_country(GERMAN) == Text("country-de")
    assert phone_region("+77011234567") == "KZ"
    assert phone_region("not a number") == ""


def _phone_step(flow: object) -> TextStep:
    step = flow.step("phone")  # type: ignore[attr-defined]
    assert isinstance(step, TextStep) and step.accepts_contact
    return step


def test_each_service_asks_the_phone_its_way() -> None:
    ctx = Context(date(2026, 11, 23), {})
    interview, visit = _phone_step(INTERVIEW), _phone_step(VISIT)
    assert interview.prompt == "ask-phone-anywhere" and visit.prompt == "ask-phone"
    assert interview.parse("+49 151 12345678", ctx) == GERMAN
    with pytest.raises(Invalid) as caught:
        visit.parse("+49 151 12345678", ctx)
    assert caught.value.key == "error-phone-foreign"


@pytest.mark.parametrize("flow", [INTERVIEW, VISIT], ids=["interview", "visit"])
def test_the_summary_shows_a_number_abroad_with_its_country(flow: object) -> None:
    section = flow.section("phone")  # type: ignore[attr-defined]
    assert section.show({"phone": GERMAN}) == Text(
        "summary-phone-abroad", {"phone": GERMAN, "country": Text("country-de")})
    assert section.show({"phone": "+77011234567"}) == Text("value-plain",
                                                           {"value": "+77011234567"})


async def to_the_phone(chat: Chat, menu: str) -> None:
    await chat.command("start")
    await chat.tap("language-ru")
    await chat.tap(menu)
    await chat.tap("region-astana")
    await chat.tap("body-astana-edu-short")
    if menu == "menu-visit":
        await chat.tap("rights-deprived")
    await chat.say("Смагулова")
    await chat.say("Динара")
    await chat.tap("nav-skip")
    await chat.say("871008401427")
    await chat.say("г. Астана, пр. Мангилик Ел, 8, кв. 15")


async def test_a_shared_german_contact_is_taken_and_marked_as_the_messengers(
        ports: Ports) -> None:
    chat = Chat(Engine(ports, [VISIT, INTERVIEW], clock=lambda: NOW))
    await to_the_phone(chat, "menu-interview")
    assert chat.question() == "ask-phone-anywhere"
    assert chat.replies[-1].messages[-1].ask_contact  # the share-contact button is offered
    await chat.contact("4915112345678")
    assert chat.question() == "interview-ask-role"
    state = ports.conversations.states[("test", "1001")]  # type: ignore[attr-defined]
    assert state.answers["phone"] == GERMAN and state.answers["phone_verified"] is True


async def test_the_visit_permission_refuses_a_shared_foreign_contact_and_asks_again(
        ports: Ports) -> None:
    chat = Chat(Engine(ports, [VISIT, INTERVIEW], clock=lambda: NOW))
    await to_the_phone(chat, "menu-visit")
    await chat.contact("+4915112345678")
    assert chat.said()[0] == "error-phone-foreign"
    assert chat.question() == "ask-phone"
    await chat.contact("+77011234567")
    assert chat.question() == "visit-ask-residence"
