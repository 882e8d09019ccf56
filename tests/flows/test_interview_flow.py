"""The child-opinion application as a parent taps through it (in-memory ports)."""

from __future__ import annotations

from datetime import datetime

from flows.calendar import KZ_TZ
from flows.engine import Engine, Ports
from flows.interview import INTERVIEW, child_zone
from flows.visit import VISIT
from tests.flows.chat import Chat
from tests.flows.conftest import NOW
from tests.flows.documents import jpeg


async def open_interview(chat: Chat) -> None:
    await chat.command("start")
    await chat.tap("language-ru")
    await chat.tap("menu-interview")
    assert chat.said()[0] == "interview-intro"
    await chat.tap("region-astana")
    await chat.tap("body-astana-edu-short")
    await chat.say("Смагулова")
    await chat.say("Динара")
    await chat.tap("nav-skip")
    await chat.say("871008401427")
    await chat.say("г. Астана, пр. Мангилик Ел, 8, кв. 15")
    await chat.say("+7 701 123 45 67")
    await chat.tap("role-parent")
    await chat.say("Смагулов")
    await chat.say("Арман")
    await chat.tap("nav-skip")


async def to_where_the_child_lives(chat: Chat, born: str = "10.03.2013") -> None:
    await open_interview(chat)
    await chat.say(born)
    await chat.tap("group-more-no")  # one child
    await chat.tap("subject-residence")
    await chat.say("С кем из родителей будет жить ребенок")
    assert chat.question() == "interview-ask-lives"


async def finish(chat: Chat) -> None:
    await chat.tap("present-applicant")
    await chat.tap("consent-yes")
    await chat.upload(jpeg(1), "id.jpg")
    await chat.tap("files-done")
    await chat.tap("files-none")
    assert chat.said()[0] == "summary-title"


def chat_for(ports: Ports) -> Chat:
    return Chat(Engine(ports, [VISIT, INTERVIEW], clock=lambda: NOW))


async def test_a_child_in_berlin_needs_no_city_question(ports: Ports) -> None:
    chat = chat_for(ports)
    await to_where_the_child_lives(chat)
    await chat.tap("lives-abroad")
    assert chat.question() == "interview-ask-country"
    await chat.tap("country-de")
    assert chat.question() == "interview-ask-present"  # one time zone: no city asked
    await finish(chat)
    await chat.tap("summary-submit")
    (entry,) = ports.applications.submitted.values()  # type: ignore[attr-defined]
    answers = entry["answers"]
    assert (answers["lives"], answers["country"]) == ("abroad", "de")
    assert str(child_zone(answers)) == "Europe/Berlin"
    assert answers["children"] == [{"surname": "Смагулов", "first_name": "Арман",
                                    "patronymic": None, "birth_date": "2013-03-10"}]


async def test_a_country_with_several_zones_asks_the_city(ports: Ports) -> None:
    chat = chat_for(ports)
    await to_where_the_child_lives(chat)
    await chat.tap("lives-abroad")
    await chat.tap("country-ru")
    assert chat.question() == "interview-ask-city"
    await chat.tap("city-ru-novosibirsk")
    await finish(chat)
    state = ports.conversations.states[("test", "1001")]  # type: ignore[attr-defined]
    assert str(child_zone(state.answers)) == "Asia/Novosibirsk"
    # Back from "who will be present" goes to the city, then the country
    await chat.tap("summary-edit", section=chat.button(
        "summary-edit", section=next(c.label.args["section"] for m in chat.replies[-1].messages
                                     for row in m.choices for c in row
                                     if c.label.args.get("section") is not None
                                     and c.label.args["section"].key == "section-lives")
    ).label.args["section"])
    assert chat.question() == "interview-ask-lives"
    await chat.tap("lives-kz")  # the child has come home: country and city no longer apply
    assert chat.question() == "interview-ask-meeting"  # ...and may come in person
    await chat.tap("meeting-video")
    assert chat.said()[0] == "summary-title"
    await chat.tap("summary-submit")
    (entry,) = ports.applications.submitted.values()  # type: ignore[attr-defined]
    assert "country" not in entry["answers"] and "city" not in entry["answers"]
    assert child_zone(entry["answers"]) is None


async def test_a_child_under_ten_is_refused_kindly(ports: Ports) -> None:
    chat = chat_for(ports)
    await open_interview(chat)
    # 10 only in 2027: too young for a conversation within this term
    await chat.say("15.01.2017")
    assert chat.said()[0] == "error-child-under-ten"
    assert chat.question() == "interview-ask-children-birth-date"
    # turns 10 on 26.11.2026, inside the term (the last possible day is 30.11.2026)
    await chat.say("26.11.2016")
    assert chat.question() == "interview-ask-more-children"
    await chat.tap("group-more-no")
    assert chat.question() == "interview-ask-subject"


async def test_in_kazakhstan_no_country_is_asked(ports: Ports) -> None:
    chat = chat_for(ports)
    await to_where_the_child_lives(chat)
    await chat.tap("lives-kz")
    assert chat.question() == "interview-ask-meeting"
    await chat.tap("nav-back")
    assert chat.question() == "interview-ask-lives"


def test_the_clock_is_astana(ports: Ports) -> None:
    assert datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ) == NOW
