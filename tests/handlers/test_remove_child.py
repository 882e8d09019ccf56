"""A mother enters a child by mistake (her sister's son) and takes him out by his name,
on Telegram and on WhatsApp: the summary lists only her own children."""

from __future__ import annotations

from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.whatsapp_api import FakeWhatsApp
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import buttons, says
from tests.handlers.test_visit_telegram import add_child, answer, fill_to_children
from tests.handlers.test_whatsapp import person, pick, texts


async def test_on_telegram_a_child_added_by_mistake_is_taken_out(
    telegram: FakeTelegram, running: RunningBot
) -> None:
    mother = telegram.user(id=4501, first_name="Айгүл")
    await fill_to_children(mother, "ru")
    more = await add_child(mother, "ru", "Иванов", "Нұрлан", "05.09.2015")
    assert says("group-remove", "ru") not in buttons(more)  # one child: nothing to take out
    await mother.press(more, says("group-more-yes", "ru"))
    more = await add_child(mother, "ru", "Петров", "Сергей", "01.02.2016")
    shown = await mother.press(more, says("group-remove", "ru"))
    which = shown[-1]
    assert says("group-remove-which", "ru") in which["text"]
    assert buttons(which)[:2] == ["🗑 Иванов Нұрлан, 05.09.2015", "🗑 Петров Сергей, 01.02.2016"]
    shown = await mother.press(which, "🗑 Петров Сергей, 01.02.2016")
    assert shown[0]["text"] == says("group-removed", "ru", name="Петров Сергей")
    assert says("visit-ask-more-children", "ru", count=1) in shown[-1]["text"]
    await mother.press(shown[-1], says("group-more-no", "ru"))
    await answer(mother, "01.12.2026")
    await answer(mother, "31.12.2026")
    shown = [mother.last()]
    for _ in range(3):  # consent, the period's end, its start: back to "another child?"
        shown = await mother.press(shown[-1], says("nav-back", "ru"))
    assert says("visit-ask-more-children", "ru", count=1) in shown[-1]["text"]
    assert says("group-remove", "ru") not in buttons(shown[-1])


async def test_on_whatsapp_the_list_names_each_child(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    who = person(graph, on_whatsapp)
    shown = await who.say("/start")
    shown = await pick(who, shown, "Русский")
    shown = await pick(who, shown, says("menu-visit", "ru"))
    shown = await pick(who, shown, says("region-kostanay", "ru"))
    shown = await pick(who, shown, says("body-kst-rudny-short", "ru"))
    shown = await pick(who, shown, says("rights-deprived-short", "ru"))
    await who.say("Иванова")
    shown = await who.say("Айгүл")
    shown = await pick(who, shown, says("nav-skip", "ru"))
    await who.say("871008401427")
    await who.say("Рудный қ., Ленин көшесі, 1-үй")
    shown = await who.send(who.user.contacts(phone="+7 701 123 45 67"))
    shown = await pick(who, shown, says("residence-patronage-short", "ru"))
    for surname, name, born in (("Иванов", "Нұрлан", "05.09.2015"),
                                ("Петров", "Сергей", "01.02.2016")):
        await who.say(surname)
        shown = await who.say(name)
        shown = await pick(who, shown, says("nav-skip", "ru"))
        shown = await who.say(born)
        if name == "Нұрлан":
            shown = await pick(who, shown, says("group-more-yes", "ru"))
    shown = await pick(who, shown, says("group-remove-short", "ru"))
    assert says("group-remove-which", "ru") in texts(shown)
    shown = await pick(who, shown, "🗑 Петров Сергей, 01.02.2016")
    assert says("group-removed", "ru", name="Петров Сергей") in texts(shown)
    assert says("visit-ask-more-children", "ru", count=1) in texts(shown)
