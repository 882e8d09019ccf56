"""Reading a locale file in tests: message id -> its plain text, and no Junk allowed."""

from __future__ import annotations

from pathlib import Path

from fluent.syntax import FluentParser, ast

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def plain_messages(lang: str, file: str) -> dict[str, str]:
    """Every message of a data file (names, addresses): plain text, no placeables."""
    path = LOCALES / lang / file
    resource = FluentParser().parse(path.read_text(encoding="utf-8"))
    junk = [entry.content for entry in resource.body if isinstance(entry, ast.Junk)]
    assert not junk, f"{path}: junk {junk}"
    messages: dict[str, str] = {}
    for entry in resource.body:
        if isinstance(entry, ast.Message):
            assert entry.id.name not in messages, f"{lang}: duplicate {entry.id.name}"
            assert entry.value is not None, f"{lang}: {entry.id.name} has no value"
            elements = entry.value.elements
            assert all(isinstance(e, ast.TextElement) for e in elements), entry.id.name
            messages[entry.id.name] = "".join(
                e.value for e in elements if isinstance(e, ast.TextElement)
            )
    return messages
