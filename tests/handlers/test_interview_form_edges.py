"""The child-opinion form on Telegram where a stressed parent on a phone went astray (probed)."""

from __future__ import annotations

from typing import Any

from tests.fakes.telegram_api import FakeTelegram, FakeUser
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says

Msg = dict[str, Any]


def ru(key: str, **args: Any) -> str:
    return says(key, "ru", **args)


def inline(message: Msg) -> list[str]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [b["text"] for row in rows for b in row]


def question(shown: list[Msg]) -> str:
    return shown[-1]["text"]


async def start_form(parent: FakeUser) -> list[Msg]:
    await parent.say("/start")
    menu = (await parent.press(parent.last(), "Русский"))[-1]
    return await parent.press(menu, ru("menu-interview"))


async def to_children(parent: FakeUser) -> list[Msg]:
    shown = await start_form(parent)
    for tap in ("region-astana", "body-astana-edu-short"):
        shown = await parent.press(shown[-1], ru(tap))
    for text in ("Смагулова", "Динара"):
        shown = await parent.say(text)
    shown = await parent.press(shown[-1], ru("nav-skip"))
    for text in ("871008401427", "г. Астана, пр. Мангилик Ел, 8, кв. 15", "87011234567"):
        shown = await parent.say(text)
    return await parent.press(parent.last(), ru("role-parent"))


async def to_subject(parent: FakeUser) -> list[Msg]:
    shown = await to_children(parent)
    for text in ("Смагулов", "Арман"):
        shown = await parent.say(text)
    shown = await parent.press(shown[-1], ru("nav-skip"))
    shown = await parent.say("10.03.2013")
    return await parent.press(shown[-1], ru("group-more-no"))


async def to_lives(parent: FakeUser) -> list[Msg]:
    shown = await to_subject(parent)
    shown = await parent.press(shown[-1], ru("subject-residence"))
    return await parent.say("С кем из родителей будет жить сын")


async def to_summary(parent: FakeUser, abroad: bool = True) -> list[Msg]:
    shown = await to_lives(parent)
    if abroad:
        shown = await parent.press(shown[-1], ru("lives-abroad"))
        shown = await parent.press(shown[-1], ru("country-de"))
    else:
        shown = await parent.press(shown[-1], ru("lives-kz"))
        shown = await parent.press(shown[-1], ru("meeting-video"))
    shown = await parent.press(shown[-1], ru("present-applicant"))
    shown = await parent.press(shown[-1], ru("consent-yes"))
    shown = await parent.press(shown[-1], ru("files-none"))
    return await parent.press(shown[-1], ru("files-none"))


async def a_second_child_up_to_the_date(parent: FakeUser, surname: str, name: str,
                                        born: str) -> list[Msg]:
    """From "another child?" after the first: a second child entered up to their date."""
    shown = await to_subject(parent)
    shown = await parent.press(shown[-1], ru("nav-back"))
    shown = await parent.press(shown[-1], ru("group-more-yes"))
    for text in (surname, name):
        shown = await parent.say(text)
    shown = await parent.press(shown[-1], ru("nav-skip"))
    return await parent.say(born)


async def test_summary_after_switching_country_shows_no_stale_city(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    """The son was in Los Angeles; the mother corrects it to Germany from the summary."""
    parent = telegram.user(id=9006, first_name="Динара")
    shown = await to_lives(parent)
    shown = await parent.press(shown[-1], ru("lives-abroad"))
    shown = await parent.press(shown[-1], ru("country-us"))
    shown = await parent.press(shown[-1], ru("city-us-los-angeles"))
    shown = await parent.press(shown[-1], ru("present-applicant"))
    shown = await parent.press(shown[-1], ru("consent-yes"))
    shown = await parent.press(shown[-1], ru("files-none"))
    summary = (await parent.press(shown[-1], ru("files-none")))[-1]
    assert ru("city-us-los-angeles") in summary["text"]
    edit = ru("summary-edit", section=ru("section-lives"))
    shown = await parent.press(summary, edit)
    shown = await parent.press(shown[-1], ru("lives-abroad"))
    summary = (await parent.press(shown[-1], ru("country-de")))[-1]
    assert ru("summary-title") in summary["text"]
    assert ru("country-de") in summary["text"]
    assert ru("city-us-los-angeles") not in summary["text"], summary["text"]


async def test_the_too_old_error_speaks_of_this_service(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    """The child-opinion form: a 19-year-old typed by mistake. The explanation must not talk
    of meeting a parent without the body's permission (service 1's words)."""
    parent = telegram.user(id=9016, first_name="Динара")
    shown = await to_children(parent)
    for text in ("Смагулов", "Арман"):
        shown = await parent.say(text)
    shown = await parent.press(shown[-1], ru("nav-skip"))
    shown = await parent.say("10.03.2007")
    error = shown[0]["text"]
    assert ru("interview-ask-children-birth-date", n=1) in shown[-1]["text"]
    assert "встречаться с родителем" not in error, error
    kk = telegram.user(id=9017, first_name="Динара")
    await kk.say("/start")
    menu = (await kk.press(kk.last(), "Қазақша"))[-1]
    shown = await kk.press(menu, says("menu-interview", "kk"))
    for tap in ("region-astana", "body-astana-edu-short"):
        shown = await kk.press(shown[-1], says(tap, "kk"))
    for text in ("Смағұлова", "Динара"):
        shown = await kk.say(text)
    shown = await kk.press(shown[-1], says("nav-skip", "kk"))
    for text in ("871008401427", "Астана қ., Мәңгілік Ел даң., 8, 15 пәтер", "87011234567"):
        shown = await kk.say(text)
    shown = await kk.press(kk.last(), says("role-parent", "kk"))
    for text in ("Смағұлов", "Арман"):
        shown = await kk.say(text)
    shown = await kk.press(shown[-1], says("nav-skip", "kk"))
    shown = await kk.say("10.03.2007")
    assert "кездесе алады" not in shown[0]["text"], shown[0]["text"]


async def test_no_patronymic_typed_as_a_word_is_not_a_name(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    """Asked for the son's patronymic, the mother types «нет» instead of tapping Skip: the
    application must not name the child «Смагулов Арман Нет»."""
    parent = telegram.user(id=9021, first_name="Динара")
    shown = await to_children(parent)
    for text in ("Смагулов", "Арман"):
        shown = await parent.say(text)
    shown = await parent.say("нет")
    assert shown[0]["text"] == ru("error-patronymic-none")
    assert ru("interview-ask-children-patronymic", n=1) in shown[-1]["text"]
    shown = await parent.press(shown[-1], ru("nav-skip"))
    shown = await parent.say("10.03.2013")
    shown = await parent.press(shown[-1], ru("group-more-no"))
    shown = await parent.press(shown[-1], ru("subject-residence"))
    shown = await parent.say("С кем будет жить сын")
    shown = await parent.press(shown[-1], ru("lives-kz"))
    shown = await parent.press(shown[-1], ru("meeting-video"))
    shown = await parent.press(shown[-1], ru("present-applicant"))
    shown = await parent.press(shown[-1], ru("consent-yes"))
    shown = await parent.press(shown[-1], ru("files-none"))
    summary = (await parent.press(shown[-1], ru("files-none")))[-1]["text"]
    assert "Смагулов Арман Нет" not in summary, summary


async def test_back_over_a_second_child_keeps_what_was_typed(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    """Help says «◀ Назад» loses nothing: the mother typed her daughter's surname and name,
    pressed Back three times to re-read the son's data, then forward again."""
    parent = telegram.user(id=9013, first_name="Динара")
    shown = await to_subject(parent)
    shown = await parent.press(shown[-1], ru("nav-back"))  # to "another child?"
    shown = await parent.press(shown[-1], ru("group-more-yes"))
    shown = await parent.say("Смагулова")
    shown = await parent.say("Дана")
    assert ru("interview-ask-children-patronymic", n=2) in question(shown)
    shown = await parent.press(shown[-1], ru("nav-back"))  # first name, "Дана" kept
    shown = await parent.press(shown[-1], ru("nav-back"))  # surname, "Смагулова" kept
    assert ru("step-current", value="Смагулова") in question(shown)
    shown = await parent.press(shown[-1], ru("nav-back"))  # the son's last answer
    shown = await parent.press(shown[-1], ru("group-more-yes"))  # forward again
    assert ru("interview-ask-children-surname", n=2) in question(shown)
    assert ru("step-current", value="Смагулова") in question(shown), question(shown)


async def test_leaving_a_sibling_under_ten_out_as_the_bot_says(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    parent = telegram.user(id=9025, first_name="Динара")
    shown = await a_second_child_up_to_the_date(parent, "Смагулова", "Айя", "01.01.2019")
    assert shown[0]["text"] == ru("error-sibling-under-ten", min=10)
    for _ in range(5):
        if ru("interview-ask-more-children", count=1) in question(shown):
            break
        shown = await parent.press(shown[-1], ru("nav-back"))
    assert ru("interview-ask-more-children", count=1) in question(shown)
    shown = await parent.press(shown[-1], ru("group-more-no"))
    assert ru("interview-ask-subject") in question(shown)


async def test_an_edited_answer_is_not_silently_ignored(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    """On a phone one fixes a typo by editing the message just sent. The mother edits her
    IIN message; the bot must react (take it, or say that edits are not read and how to
    correct it), not stay silent while the wrong IIN stays in the application."""
    import copy

    parent = telegram.user(id=9019, first_name="Динара")
    shown = await start_form(parent)
    for tap in ("region-astana", "body-astana-edu-short"):
        shown = await parent.press(shown[-1], ru(tap))
    for text in ("Смагулова", "Динара"):
        shown = await parent.say(text)
    shown = await parent.press(shown[-1], ru("nav-skip"))
    update_id = parent.send_text("871008401427")
    await telegram.settled()
    edited = copy.deepcopy(telegram.update_payload(update_id)["message"])
    edited["text"] = "870101300325"
    edited["edit_date"] = edited["date"] + 30
    mark = telegram.output_mark()
    telegram.push_update({"edited_message": edited})
    await telegram.settled()
    said = [m["text"] for m in telegram.outputs_since(parent.id, mark)]
    assert said[0] == ru("edit-not-read")
    assert ru("ask-address") in said[-1]  # the question it is at, again
    assert ru("step-current", value="871008401427") not in said[-1]


async def test_the_same_child_twice_is_noticed(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    """Lost among Back and 'another child?', the mother enters her son a second time: the
    application would hold two conversations with one boy. She should be told he is in it
    already."""
    parent = telegram.user(id=9022, first_name="Динара")
    shown = await a_second_child_up_to_the_date(parent, "Смагулов", "Арман", "10.03.2013")
    assert shown[0]["text"] == ru("error-child-twice", n=1)
    assert ru("interview-ask-children-birth-date", n=2) in question(shown)
    assert ru("interview-ask-more-children", count=2) not in question(shown), \
        [m["text"] for m in shown]


async def test_a_child_who_came_of_age_while_the_draft_waited_is_not_submitted(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    """Monday: the son is 17 (born 24.11.2008). The mother finishes on Tuesday, his 18th
    birthday: the service is for children, as the form itself says when one types it."""
    from datetime import timedelta

    from tests.handlers.conftest import NOW

    parent = telegram.user(id=9015, first_name="Динара")
    shown = await to_children(parent)
    for text in ("Смагулов", "Арман"):
        shown = await parent.say(text)
    shown = await parent.press(shown[-1], ru("nav-skip"))
    shown = await parent.say("24.11.2008")
    assert ru("interview-ask-more-children", count=1) in question(shown)  # 17 today
    shown = await parent.press(shown[-1], ru("group-more-no"))
    shown = await parent.press(shown[-1], ru("subject-residence"))
    shown = await parent.say("С кем будет жить сын")
    shown = await parent.press(shown[-1], ru("lives-kz"))
    shown = await parent.press(shown[-1], ru("meeting-video"))
    shown = await parent.press(shown[-1], ru("present-applicant"))
    shown = await parent.press(shown[-1], ru("consent-yes"))
    shown = await parent.press(shown[-1], ru("files-none"))
    summary = (await parent.press(shown[-1], ru("files-none")))[-1]
    running.advance_to(NOW + timedelta(days=1))
    shown = await parent.press(summary, ru("summary-submit"))
    texts = [m["text"] for m in shown]
    assert texts[0] == ru("error-child-adult", max=18), texts
    assert ru("interview-ask-children-birth-date", n=1) in texts[-1], texts


async def test_a_child_in_a_country_not_on_the_list_is_heard_in_their_own_time(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    """The son studies in Mexico, which the list does not hold: "Another country", its name
    typed, and the child's clock as an offset from UTC; the times offered read in it."""
    parent = telegram.user(id=9020, first_name="Динара")
    shown = await to_lives(parent)
    shown = await parent.press(shown[-1], ru("lives-abroad"))
    assert ru("interview-ask-country") in question(shown)
    assert ru("country-other") in inline(shown[-1])  # after the 61 countries
    shown = await parent.press(shown[-1], ru("country-other"))
    assert ru("interview-ask-country-name") in question(shown)
    shown = await parent.say("🇲🇽")
    assert shown[0]["text"] == ru("error-country-name")
    shown = await parent.say("Мексика")
    assert ru("interview-ask-utc") in question(shown)
    shown = await parent.press(shown[-1], "UTC−6")
    shown = await parent.press(shown[-1], ru("present-applicant"))
    shown = await parent.press(shown[-1], ru("consent-yes"))
    shown = await parent.press(shown[-1], ru("files-none"))
    summary = (await parent.press(shown[-1], ru("files-none")))[-1]
    assert "Мексика, UTC−6" in summary["text"]


async def test_a_child_who_is_not_ten_by_the_earliest_end_of_the_term_is_told_at_once(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    """Monday 23.11.2026: the daughter turns 10 on Saturday 28.11. Staff may accept the
    documents today, and then the conversation's days are 24-27.11, when she is 9: no time
    could be booked. The form says so when her date is typed, not after the submission."""
    parent = telegram.user(id=9024, first_name="Динара")
    shown = await to_children(parent)
    for text in ("Смагулова", "Дана"):
        shown = await parent.say(text)
    shown = await parent.press(shown[-1], ru("nav-skip"))
    shown = await parent.say("28.11.2016")
    assert shown[0]["text"] == ru("error-child-under-ten", min=10)
    assert ru("interview-ask-children-birth-date", n=1) in question(shown)
    shown = await parent.say("27.11.2016")  # 10 on the term's earliest last day: taken
    assert ru("interview-ask-more-children", count=1) in question(shown)
