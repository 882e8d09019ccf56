"""A child added by mistake is taken out of the application from "another child?", by
name, without starting again; the other children and every other answer stay."""

from __future__ import annotations

from datetime import date

from flows.messages import Choice
from tests.flows.chat import Chat
from tests.flows.test_visit_flow import add_child, fill_until_children


async def three_children(chat: Chat) -> None:
    await fill_until_children(chat)
    await add_child(chat, "Иванов", "Нұрлан", "05.09.2015")
    await chat.tap("group-more-yes")
    await add_child(chat, "Петров", "Сергей", "01.02.2016")  # not hers: added by mistake
    await chat.tap("group-more-yes")
    await add_child(chat, "Иванова", "Дана", "2018-01-31")


def named(chat: Chat) -> list[tuple[str, date]]:
    return [(str(c.label.args["name"]), c.label.args["birth"])  # type: ignore[misc]
            for m in chat.replies[-1].messages for row in m.choices for c in row
            if c.label.key == "group-remove-child"]


async def test_the_child_added_by_mistake_is_taken_out_by_name(chat: Chat) -> None:
    await three_children(chat)
    assert chat.question() == "visit-ask-more-children"
    await chat.tap("group-remove")
    assert chat.question() == "group-remove-which"
    assert named(chat) == [("Иванов Нұрлан", date(2015, 9, 5)),
                           ("Петров Сергей", date(2016, 2, 1)),
                           ("Иванова Дана", date(2018, 1, 31))]
    await chat.tap("group-remove-child", name="Петров Сергей")
    assert chat.said()[0] == "group-removed"
    assert chat.replies[-1].messages[0].parts[0].args["name"] == "Петров Сергей"
    assert chat.question() == "visit-ask-more-children"
    await chat.tap("group-more-no")
    await chat.say("01.12.2026")
    await chat.say("31.12.2026")
    state = await chat.engine.ports.conversations.load("test", "1001")
    assert state is not None
    assert [c["first_name"] for c in state.answers["children"]] == ["Нұрлан", "Дана"]
    assert state.answers["iin"] == "871008401427"  # nothing else is lost


async def test_back_from_the_list_removes_nobody(chat: Chat) -> None:
    await three_children(chat)
    await chat.tap("group-remove")
    await chat.tap("nav-back")
    assert chat.question() == "visit-ask-more-children"
    await chat.tap("group-remove")
    assert len(named(chat)) == 3


async def test_text_at_the_list_is_answered_with_the_list_again(chat: Chat) -> None:
    await three_children(chat)
    await chat.tap("group-remove")
    await chat.say("Петров")
    assert chat.said()[0] == "hint-use-buttons"
    assert len(named(chat)) == 3


async def test_a_button_pressed_twice_removes_one_child(chat: Chat) -> None:
    await three_children(chat)
    listed = await chat.tap("group-remove")
    first = chat.button("group-remove-child", listed, name="Иванов Нұрлан")
    after = await chat.press(first)
    await chat.press(first)  # the same tap again: an old button now
    await chat.tap("group-remove", after)
    assert [name for name, _ in named(chat)] == ["Петров Сергей", "Иванова Дана"]


async def test_a_forged_child_number_removes_nobody(chat: Chat) -> None:
    await three_children(chat)
    listed = await chat.tap("group-remove")
    real = chat.button("group-remove-child", listed, name="Иванов Нұрлан")
    forged = real.payload.rsplit(":", 1)[0] + ":7"  # "<seq>:<kind>:<child>", a seventh child
    await chat.press(Choice(real.label, forged))
    assert chat.question() == "group-remove-which"
    assert len(named(chat)) == 3


async def test_the_only_child_is_not_offered_to_remove(chat: Chat) -> None:
    await fill_until_children(chat)
    await add_child(chat, "Иванов", "Нұрлан", "05.09.2015")
    keys = [c.label.key for m in chat.replies[-1].messages for row in m.choices for c in row]
    assert "group-remove" not in keys  # to correct the one child, Back to their answers


async def test_back_after_a_removal_never_completes_a_child_only_begun(chat: Chat) -> None:
    """A third child only begun (her surname), a child taken out, then Back: the last
    answer of the last child entered in full, never the begun child's date of birth (which
    would record her without a name)."""
    await three_children(chat)
    await chat.tap("group-more-yes")
    await chat.say("Сидорова")
    await chat.tap("nav-back")
    await chat.tap("nav-back")
    await chat.tap("group-remove")
    await chat.tap("group-remove-child", name="Петров Сергей")
    await chat.tap("nav-back")
    assert chat.question() == "visit-ask-child-birth-date"
    await chat.say("30.01.2018")  # Дана's date corrected
    state = await chat.engine.ports.conversations.load("test", "1001")
    assert state is not None
    assert [(c.get("first_name"), c.get("birth_date")) for c in state.answers["children"]] \
        == [("Нұрлан", "2015-09-05"), ("Дана", "2018-01-30"), (None, None)]
    assert chat.question() == "visit-ask-child-surname"  # the begun child goes on, kept


async def test_the_list_has_a_progress_mark_of_its_own(chat: Chat) -> None:
    await three_children(chat)
    at_more = chat.replies[-1].messages[-1].parts[0]
    await chat.tap("group-remove")
    at_list = chat.replies[-1].messages[-1].parts[0]
    assert at_more.key == at_list.key == "flow-progress" and at_more != at_list
