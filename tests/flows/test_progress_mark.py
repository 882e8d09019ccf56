"""Issue 18, item 6: the progress mark above each question says where the person really is.

"Вопрос 7 из 10" used to stay on screen for ten prompts. Now a walk through the whole visit
form, two children included, sees the mark change at every question, and no mark stands
above two different questions.
"""

from __future__ import annotations

from flows.messages import Text
from flows.visit import CATALOGUE
from handlers.l10n import Localizer
from tests.flows.chat import Chat
from tests.flows.documents import PDF, jpeg

KOSTANAY_BODY = CATALOGUE.region("kostanay").bodies[0].code
L10N = Localizer()


class Walk:
    """What the person reads above each question, in Russian, question by question."""

    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.seen: list[tuple[str, str]] = []  # (the mark as read, the question asked)

    def note(self) -> None:
        for message in self.chat.replies[-1].messages:
            keys = [part.key for part in message.parts]
            if "flow-progress" in keys:
                at = keys.index("flow-progress")
                mark = L10N.render(message.parts[at], "ru")
                self.seen.append((mark, keys[at + 1]))

    async def tap(self, label: str) -> None:
        await self.chat.tap(label)
        self.note()

    async def say(self, text: str) -> None:
        await self.chat.say(text)
        self.note()

    async def upload(self, data: bytes, name: str) -> None:
        await self.chat.upload(data, name)  # "received, send more or tap Done": no question

    async def adds_child(self, surname: str, name: str, birth: str) -> None:
        await self.say(surname)
        await self.say(name)
        await self.tap("nav-skip")
        await self.say(birth)


async def walks_the_visit_form_with_two_children(chat: Chat) -> Walk:
    walk = Walk(chat)
    await chat.command("start")
    await chat.tap("language-ru")
    await walk.tap("menu-visit")
    await walk.tap("region-kostanay")
    await walk.tap(f"body-{KOSTANAY_BODY}-short")
    await walk.tap("rights-deprived")
    await walk.say("Иванова")
    await walk.say("Айгүл")
    await walk.tap("nav-skip")
    await walk.say("871008401427")
    await walk.say("Костанай, ул. Гоголя, 75")
    await walk.say("8 (701) 123-45-67")
    await walk.tap("residence-guardianship-short")
    await walk.adds_child("Иванов", "Нурлан", "05.09.2015")
    await walk.tap("group-more-yes")
    await walk.adds_child("Иванова", "Дана", "31.01.2018")
    await walk.tap("group-more-no")
    await walk.say("01.12.2026")
    await walk.say("31.12.2026")
    await walk.tap("consent-yes")
    await walk.upload(jpeg(1), "front.jpg")
    await walk.tap("files-done")
    await walk.upload(PDF, "court-decision.pdf")
    await walk.tap("files-done")
    await walk.tap("files-none")
    assert chat.said()[0] == "summary-title"
    return walk


async def test_the_mark_changes_at_every_question(chat: Chat) -> None:
    walk = await walks_the_visit_form_with_two_children(chat)
    assert len(walk.seen) > 25  # every question of the form, each child's own
    for (mark, question), (next_mark, next_question) in zip(walk.seen, walk.seen[1:],
                                                            strict=False):
        assert mark != next_mark, f"{mark!r} stood above {question} and {next_question}"


async def test_no_mark_stands_above_two_questions(chat: Chat) -> None:
    walk = await walks_the_visit_form_with_two_children(chat)
    asked: dict[str, set[str]] = {}
    for mark, question in walk.seen:
        asked.setdefault(mark, set()).add(question)
    shared = {mark: questions for mark, questions in asked.items() if len(questions) > 1}
    assert not shared


def reads(current: int, **where: object) -> str:
    return L10N.render(Text("flow-progress", {"current": current, "total": 11, **where}), "ru")


async def test_the_mark_names_the_part_and_each_child(chat: Chat) -> None:
    walk = await walks_the_visit_form_with_two_children(chat)
    marks = [mark for mark, _question in walk.seen]
    assert marks[0] == reads(1)  # the guardianship body: the first of 11 parts
    assert reads(1, kind="question", step=2, steps=2) in marks  # the body, after the region
    assert reads(8, kind="child", child=1, step=1, steps=4) in marks
    assert reads(8, kind="child", child=2, step=4, steps=4) in marks
    assert marks[-1].startswith(reads(11))  # the documents: the last part
