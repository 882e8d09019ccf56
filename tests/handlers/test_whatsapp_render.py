"""Every screen of the flows, rendered for WhatsApp, fits Meta's limits — and no word is cut."""

from __future__ import annotations

from typing import Any

import pytest

from flows.engine import Engine, Ports
from flows.messages import Choice, OutgoingMessage, Text
from flows.visit import VISIT
from handlers.l10n import LANGUAGES, Localizer
from handlers.whatsapp.render import WhatsAppRenderer
from tests.flows.chat import Chat
from tests.flows.conftest import NOW
from tests.flows.memory import MemoryApplications, MemoryConversations, MemoryFiles
from tests.flows.test_visit_flow import fill_to_summary

L10N = Localizer()
RENDERER = WhatsAppRenderer(L10N)


def check(payload: dict[str, Any], labels: set[str]) -> None:
    if payload["type"] == "text":
        assert 0 < len(payload["text"]["body"]) <= 4096
        return
    interactive = payload["interactive"]
    assert 0 < len(interactive["body"]["text"]) <= 1024
    if interactive["type"] == "button":
        buttons = interactive["action"]["buttons"]
        titles = [b["reply"]["title"] for b in buttons]
        assert 1 <= len(buttons) <= 3 and len(set(titles)) == len(titles)
        assert all(0 < len(t) <= 20 for t in titles)
        return
    action = interactive["action"]
    assert 0 < len(action["button"]) <= 20
    rows = [row for section in action["sections"] for row in section["rows"]]
    assert 1 <= len(rows) <= 10
    for row in rows:
        assert 0 < len(row["title"]) <= 24
        # a title that is not the whole label carries the whole label, uncut
        assert row["title"] in labels or row.get("description") in labels
        assert len(row.get("description", "")) <= 72


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_whole_visit_flow_fits_whatsapp(lang: str) -> None:
    ports = Ports(MemoryConversations(), MemoryFiles(), MemoryApplications())
    chat = Chat(Engine(ports, [VISIT], clock=lambda: NOW, specialists=True))
    await fill_to_summary(chat)
    await chat.tap("summary-edit", section=Text("section-consent"))
    messages = [m for reply in chat.replies for m in reply.messages]
    assert len(messages) > 30
    for message in messages:
        labels = {L10N.render(c.label, lang) for row in message.choices for c in row}
        for payload in RENDERER.render(message, lang):
            check(payload, labels)


def test_many_choices_become_several_lists_and_long_text_goes_first() -> None:
    choices = tuple((Choice(Text("region-astana"), f"o:{i}"),) for i in range(23))
    message = OutgoingMessage((Text("value-plain", {"value": "сөз " * 400}),), choices)
    payloads = RENDERER.render(message, "kk")
    assert [p["type"] for p in payloads] == ["text", "interactive", "interactive", "interactive"]
    rows = [len(p["interactive"]["action"]["sections"][0]["rows"]) for p in payloads[1:]]
    assert rows == [10, 10, 3]
    assert payloads[1]["interactive"]["body"]["text"] == L10N.render(Text("wa-choose"), "kk")


def test_a_label_too_long_for_a_button_uses_its_short_form() -> None:
    message = OutgoingMessage((Text("ask-body"),), (
        (Choice(Text("body-kst-rudny"), "o:kst-rudny"),),))
    (payload,) = RENDERER.render(message, "ru")
    (button,) = payload["interactive"]["action"]["buttons"]
    assert button["reply"]["title"] == L10N.render(Text("body-kst-rudny-short"), "ru")


def test_a_long_label_without_a_short_form_is_never_cut() -> None:
    label = Text("value-plain", {"value": "Отдел образования города Рудного"})
    message = OutgoingMessage((Text("ask-body"),), ((Choice(label, "o:x"),),))
    (payload,) = RENDERER.render(message, "ru")
    row = payload["interactive"]["action"]["sections"][0]["rows"][0]
    assert row == {"id": "o:x", "title": "1.",
                   "description": "Отдел образования города Рудного"}


def test_labels_longer_than_a_row_are_written_out_whole_above_the_list_by_number() -> None:
    """Ten siblings whose labels agree in their first 72 characters (a row's description):
    each row ends its description at a word, and the words above the list give every such
    label whole, by its row's number, so no two rows read the same to the person."""
    stem = "Абдрахманова-Жаксылыкова Айгерим-Нұрсұлтанқызы Смагулова-Ахметова-Ермекова"
    names = ["Дана", "Арман", "Әлия", "Нұрлан", "Дина", "Ерлан", "Жанар", "Азамат", "Гүлім",
             "Бауыржан"]
    labels = [f"{stem} {name} ({day + 1:02}.03.2013)" for day, name in enumerate(names)]
    assert len(stem) > 72
    message = OutgoingMessage((Text("value-plain", {"value": "Кімді жазамыз?"}),), tuple(
        (Choice(Text("value-plain", {"value": label}), f"o:{n}"),)
        for n, label in enumerate(labels)))
    (payload,) = RENDERER.render(message, "kk")
    interactive = payload["interactive"]
    assert len(interactive["body"]["text"]) <= 1024
    rows = interactive["action"]["sections"][0]["rows"]
    assert [row["title"] for row in rows] == [f"{n}." for n in range(1, 11)]
    for row, label in zip(rows, labels, strict=True):
        description = row["description"]
        assert len(description) <= 72 and description.endswith("…")
        assert label.startswith(description[:-1]) and label[len(description) - 1] == " "
        assert f"{row['title']} {label}" in interactive["body"]["text"]
    assert interactive["body"]["text"].startswith("Кімді жазамыз?")
