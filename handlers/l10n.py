"""Renders the engine's `Text`s in a person's language with Fluent.

kk is the first language and ru its fallback (then en). Bundles are made with
`use_isolating=False`, so no U+2068/U+2069 marks reach a chat.

A message is parsed the first time it is said (issue 15). Parsed whole, the three languages'
files held ~8 MB of syntax trees for the bot's life, most of them for messages a process
never says; each entry's source is kept instead, and the bundle is given an entry, with the
messages and terms it names, when one is first asked for.
"""

from __future__ import annotations

import logging
import re
from array import array
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle
from fluent.runtime.resolver import MAX_PART_LENGTH
from fluent.syntax import FluentParser
from fluent.syntax.ast import Message, MessageReference, Resource, Term, TermReference
from fluent.syntax.visitor import Visitor

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


def resource_ids(root: Path = LOCALES_DIR) -> list[str]:
    return sorted(path.name for path in (root / "kk").glob("*.ftl"))


class _Language:
    """One language's bundle, given its entries as they are first asked for."""

    def __init__(self, language: str, folder: Path) -> None:
        self.bundle = FluentBundle([language], use_isolating=False)
        self._sources = _entries(folder)  # "key" or "-term" -> its FTL text
        self.messages = frozenset(name for name in self._sources if not name.startswith("-"))
        self._given: set[str] = set()

    def format(self, key: str, args: dict[str, Any]) -> str | None:
        """The message in this language; None if it has none, or no value."""
        if key not in self.messages:
            return None
        self._give(key)
        message = self.bundle.get_message(key)
        if not message.value:
            return None
        rendered, _errors = self.bundle.format_pattern(message.value, args)
        return str(rendered)

    def _give(self, name: str) -> None:
        if name in self._given or name not in self._sources:
            return  # a name the files lack is Fluent's to report, as "{name}"
        self._given.add(name)
        entry = FluentParser(with_spans=False).parse_entry(self._sources[name])
        self.bundle.add_resource(Resource([entry]))
        names = _Names()
        names.visit(entry)
        for named in names.found:
            self._give(named)


class _Names(Visitor):
    """The messages ("key") and terms ("-term") an entry names."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def visit_MessageReference(self, node: MessageReference) -> None:
        self.found.append(node.id.name)

    def visit_TermReference(self, node: TermReference) -> None:
        self.found.append(f"-{node.id.name}")
        self.generic_visit(node)  # a term's arguments may name messages


def _entries(folder: Path) -> dict[str, str]:
    """Each message's and term's source. A file's syntax tree is dropped before any slice
    is kept: made while the tree lived, the slices would pin its freed memory in place."""
    sources: dict[str, str] = {}
    for path in sorted(folder.glob("*.ftl")):
        text = path.read_text(encoding="utf-8")
        bounds = array("l")
        for entry in FluentParser().parse(text).body:
            if isinstance(entry, (Message, Term)) and entry.span and entry.id.span:
                # from its name (a term's with its "-"), leaving out the comment above it
                start = entry.id.span.start - isinstance(entry, Term)
                bounds.extend((start, entry.span.end))
        for start, end in zip(bounds[::2], bounds[1::2], strict=True):
            source = text[start:end]
            sources.setdefault(source.split("=", 1)[0].strip(), source)
    return sources


class Localizer:
    def __init__(self, default: str = "kk", root: Path = LOCALES_DIR) -> None:
        self.default = default
        self._languages = {lang: _Language(lang, root / lang) for lang in LANGUAGES}
        self._known = {lang: set().union(*(self._languages[f].messages for f in FALLBACKS[lang]))
                       for lang in LANGUAGES}
        # A message without arguments reads the same every time (the menu, most buttons), and
        # one whose arguments are whole numbers and variants' keys (a form's "section 2 of 11,
        # question 3 of 5") reads the same for everyone at that point: formatted once per
        # language, not at every turn (issue 15). Nobody's name or IIN is kept here.
        self._formatted: dict[tuple[Any, ...], str] = {}

    def has(self, key: str, lang: str | None) -> bool:
        return key in self._known[self.language(lang)]

    def language(self, lang: str | None) -> str:
        return lang if lang in self._languages else self.default

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
        rendered = next((found for fallback in FALLBACKS[lang]
                         if (found := self._languages[fallback].format(text.key, args))
                         is not None), text.key)
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

