"""Renders the engine's `Text`s in a person's language with Fluent.

kk is the first language and ru its fallback (then en). `FluentLocalization` defaults to
`use_isolating=False`, so no U+2068/U+2069 marks reach a chat.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fluent.runtime import FluentLocalization, FluentResourceLoader
from fluent.runtime.resolver import MAX_PART_LENGTH
from fluent.syntax import FluentParser
from fluent.syntax.ast import Message

from flows.calendar import KZ_TZ
from flows.messages import Arg, Text, Variant

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LANGUAGES = ("kk", "ru", "en")
_SAME_FOR_ALL = {int, Variant}  # the arguments a text formatted once may have
FORMATTED_AT_MOST = 4096  # messages kept formatted; past that, formatted anew
FALLBACKS = {"kk": ["kk", "ru"], "ru": ["ru", "kk"], "en": ["en", "ru"]}
# Fluent shows "{???}" for an argument longer than MAX_PART_LENGTH (2,500 characters): such
# an argument (a 4,000-character complaint, a staff answer, a long digest) goes in as this
# mark and is put in place afterwards. U+E000 is a private-use character no message has.
_LONG = re.compile("\ue000(\\w+)\ue000")

log = logging.getLogger(__name__)


def _message_ids(folder: Path) -> set[str]:
    ids: set[str] = set()
    for path in folder.glob("*.ftl"):
        for entry in FluentParser().parse(path.read_text(encoding="utf-8")).body:
            if isinstance(entry, Message):
                ids.add(entry.id.name)
    return ids


def resource_ids(root: Path = LOCALES_DIR) -> list[str]:
    return sorted(path.name for path in (root / "kk").glob("*.ftl"))


class Localizer:
    def __init__(self, default: str = "kk", root: Path = LOCALES_DIR) -> None:
        self.default = default
        loader = FluentResourceLoader(str(root / "{locale}"))
        ids = resource_ids(root)
        self._l10n = {
            lang: FluentLocalization(FALLBACKS[lang], ids, loader) for lang in LANGUAGES
        }
        known = {lang: _message_ids(root / lang) for lang in LANGUAGES}
        self._known = {lang: set().union(*(known[f] for f in FALLBACKS[lang]))
                       for lang in LANGUAGES}
        # A message without arguments reads the same every time (the menu, most buttons), and
        # one whose arguments are whole numbers and variants' keys (a form's "section 2 of 11,
        # question 3 of 5") reads the same for everyone at that point: formatted once per
        # language, not at every turn (issue 15). Nobody's name or IIN is kept here.
        self._formatted: dict[tuple[Any, ...], str] = {}

    def has(self, key: str, lang: str | None) -> bool:
        return key in self._known[self.language(lang)]

    def language(self, lang: str | None) -> str:
        return lang if lang in self._l10n else self.default

    def render(self, text: Text, lang: str | None) -> str:
        lang = self.language(lang)
        same = all(type(value) in _SAME_FOR_ALL for value in text.args.values())
        known = (lang, text.key, *text.args.items()) if same else None
        if known is not None and (formatted := self._formatted.get(known)) is not None:
            return formatted
        args = {name: self._arg(value, lang) for name, value in text.args.items()}
        long = {name: value for name, value in args.items()
                if isinstance(value, str) and len(value) > MAX_PART_LENGTH}
        args.update((name, f"\ue000{name}\ue000") for name in long)
        rendered: str = self._l10n[lang].format_value(text.key, args)
        if long:  # in one pass: a person's words are never searched for marks
            rendered = _LONG.sub(lambda mark: long.get(mark[1], mark[0]), rendered)
        if rendered == text.key:
            log.error("missing Fluent message %r (%s)", text.key, lang)
        elif known is not None:
            if len(self._formatted) >= FORMATTED_AT_MOST:
                self._formatted.clear()
            self._formatted[known] = rendered
        return rendered

    def join(self, parts: tuple[Text, ...], lang: str | None) -> str:
        return "\n\n".join(self.render(part, lang) for part in parts)

    def _arg(self, value: Arg, lang: str) -> Any:
        if isinstance(value, Text):
            return self.render(value, lang)
        if isinstance(value, tuple):
            return "\n".join(self.render(item, lang) for item in value)
        if isinstance(value, datetime):
            return value.astimezone(KZ_TZ).strftime("%d.%m.%Y %H:%M")
        if isinstance(value, date):
            return value.strftime("%d.%m.%Y")
        return value

