"""Texts formatted once and kept (handlers/l10n.py, issue 15): each still reads in the
person's own language, and nobody's data is kept. Messages parsed as they are first said
read as Fluent's own localization reads them."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fluent.runtime import FluentLocalization, FluentResourceLoader

from flows.messages import Text, Variant
from handlers.l10n import FALLBACKS, LANGUAGES, LOCALES_DIR, Localizer, resource_ids

IIN = "871008401427"


def test_a_progress_mark_kept_formatted_reads_in_each_persons_language() -> None:
    l10n = Localizer()
    mark = Text("flow-progress", {"current": 2, "total": 11, "kind": Variant("question"),
                                  "step": 3, "steps": 5})
    for _ in range(2):  # formatted, then as kept
        assert l10n.render(mark, "ru") == "Раздел 2 из 11 · вопрос 3 из 5"
        assert l10n.render(mark, "kk") == "11 бөлімнің 2-бөлімі · 5 сұрақтың 3-сұрағы"
        assert l10n.render(Text("flow-progress", {"current": 3, "total": 11}), "ru") \
            == "Раздел 3 из 11"


def test_a_persons_answer_is_formatted_each_time_and_not_kept() -> None:
    l10n = Localizer()
    for _ in range(2):
        assert l10n.render(Text("step-current", {"value": IIN}), "ru") \
            == f"Текущий ответ: {IIN}"
    kept = [str(value) for value in vars(l10n).values() if isinstance(value, dict)]
    assert not any(IIN in text for text in kept)


def test_an_answer_as_long_as_the_forms_allow_is_rendered_whole() -> None:
    """Fluent puts "{???}" in place of any argument over 2,500 characters; a complaint takes
    4,000 and a staff answer Telegram's 4,096, and the reader must see them."""
    words = ("Документы не проверили в срок, прошу принять меры. " * 80)[:4000]
    for lang in ("kk", "ru"):
        shown = Localizer().render(Text("step-current", {"value": words}), lang)
        assert words in shown and "{???}" not in shown


def test_a_long_list_of_lines_is_rendered_whole() -> None:
    """The morning digest joins its lines into one argument: forty applications due."""
    lines = tuple(Text("staff-digest-line", {"number": f"ВП-2026-{n:05d}",
                                             "status": Text("status-submitted"),
                                             "due": date(2026, 11, 24)}) for n in range(40))
    parts = (Text("staff-digest-title", {"date": date(2026, 11, 24)}), *lines)
    shown = Localizer().render(Text("staff-digest", {"lines": parts}), "ru")
    assert "ВП-2026-00000" in shown and "ВП-2026-00039" in shown and "{???}" not in shown


@pytest.mark.parametrize("value", [None, 1, 3, 5, "Айгүл"])
def test_every_message_reads_as_fluents_own_localization_reads_it(value: object) -> None:
    """Each message in each language, with every argument the files name set to one value
    (or none): the same words as a `FluentLocalization` over the same files, references to
    other messages and terms, plural variants and fallbacks included."""
    loader = FluentResourceLoader(str(LOCALES_DIR / "{locale}"))
    fluent = {lang: FluentLocalization(FALLBACKS[lang], resource_ids(), loader)
              for lang in LANGUAGES}
    sources = "".join(path.read_text(encoding="utf-8") for path in LOCALES_DIR.glob("*/*.ftl"))
    args = {} if value is None else dict.fromkeys(re.findall(r"\$([\w-]+)", sources), value)
    ours, compared = Localizer(), 0
    for lang in LANGUAGES:
        for key in sorted(ours._known[lang]):
            assert ours.render(Text(key, args), lang) == fluent[lang].format_value(key, args), \
                (lang, key)
            compared += 1
    assert compared > 3000


def test_a_message_is_parsed_when_first_said_with_what_it_names() -> None:
    l10n = Localizer()
    ru = l10n._languages["ru"].bundle
    assert not ru.has_message("flow-busy")
    said = l10n.render(Text("flow-busy"), "ru")
    assert ru.has_message("flow-busy") and ru.has_message("menu-my-applications")
    assert "«Мои заявления»" in said
    assert not ru.has_message("files-skip-hint")
    assert not l10n._languages["kk"].bundle.has_message("flow-busy")
