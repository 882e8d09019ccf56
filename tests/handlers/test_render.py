"""Telegram's limits, respected by construction."""

from __future__ import annotations

import pytest

from flows.messages import Choice, Text
from handlers.telegram.render import MAX_TEXT, split_into, split_text


def test_long_texts_are_split_at_line_breaks_within_the_limit() -> None:
    line = "Қорғаншы және қамқоршы орган 😀 " * 10
    text = "\n".join([line] * 60)
    pieces = split_text(text)
    assert len(pieces) > 1
    assert all(len(p.encode("utf-16-le")) // 2 <= MAX_TEXT for p in pieces)
    assert "".join(pieces).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
        " ", ""
    )


def test_a_short_text_is_one_piece() -> None:
    assert split_text("Сәлем!") == ["Сәлем!"]


def test_a_card_redrawn_fills_the_messages_it_already_has() -> None:
    """A card sent in three messages is redrawn in three, whatever its new length; one that
    outgrew them keeps its head and its last piece, where the buttons are."""
    lines = [f"{n}. Заявитель указал сведения о ребёнке номер {n}" for n in range(200)]
    text = "\n".join(lines)
    for count in (3, 4):
        pieces = split_into(text, count)
        assert len(pieces) == count and all(len(p) <= MAX_TEXT for p in pieces)
        assert "\n".join(pieces).split() == text.split()
    outgrown = split_into(text * 3, 2)
    assert len(outgrown) == 2 and outgrown[0].startswith("0.") and outgrown[1].endswith("199")


def test_button_payloads_cannot_exceed_64_bytes() -> None:
    Choice(Text("nav-back"), "9" * 64)
    with pytest.raises(ValueError):
        Choice(Text("nav-back"), "9" * 65)
    with pytest.raises(ValueError):
        Choice(Text("nav-back"), "o:қазақша")  # non-ASCII would take 2 bytes a letter
