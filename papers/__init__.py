"""The legal documents ("papers") as A4 PDFs, in Kazakh or Russian.

`render(facts, language)` lays out one paper (`flows.paper.PaperFacts`) in the reader's
language: kk or ru. A reader who chose English gets the Russian original and, after it, an
English courtesy translation in the same file, marked as such on every page. The bytes depend
only on the facts and the language (the issuer hashes them): the PDF's date is the paper's
date and nothing random is written.

Fonts: Liberation Serif (SIL Open Font License, papers/fonts/OFL.txt), metric-compatible with
the Times New Roman of official papers and covering every Kazakh letter.
"""

from __future__ import annotations

from functools import cache

from flows.paper import PaperFacts
from handlers.l10n import Localizer
from papers.forms import BUILDERS, Words, body_name
from papers.layout import Footer, Part, lay_out

__all__ = ["ORIGINAL_OF", "render"]

# A language the papers have no original in gets the Russian original and a courtesy
# translation after it (issue 11).
ORIGINAL_OF = {"kk": "kk", "ru": "ru", "en": "ru"}


@cache
def _localizer() -> Localizer:
    return Localizer()


def _footer(facts: PaperFacts, w: Words, *, courtesy: bool) -> Footer:
    number = w("paper-footer-number", number=facts.registry_number, date=facts.issued_on)
    if facts.version > 1:
        number += ", " + w("paper-footer-version", version=str(facts.version))
    return Footer(
        lines=(number, w("paper-footer-body", body=body_name(facts, w)),
               w("paper-footer-verify", url=facts.verify_url)),
        page=w("paper-footer-page", page="{page}", pages="{pages}"),
        banner=w("paper-courtesy-footer") if courtesy else "",
    )


def _part(facts: PaperFacts, language: str, *, courtesy: bool = False) -> Part:
    w = Words(_localizer(), language)
    title, blocks = BUILDERS[facts.kind](facts, w)
    banner = (w("paper-courtesy-title"), w("paper-courtesy-note")) if courtesy else ()
    return Part(language, title, blocks, _footer(facts, w, courtesy=courtesy), banner)


def render(facts: PaperFacts, language: str) -> bytes:
    """The paper as PDF bytes: kk or ru; en is the Russian original plus an English
    courtesy translation; any other language reads as Kazakh, the bot's first language."""
    language = _localizer().language(language)
    original = ORIGINAL_OF[language]
    parts = [_part(facts, original)]
    if language != original:
        parts.append(_part(facts, language, courtesy=True))
    return lay_out(tuple(parts), url=facts.verify_url, issued_on=facts.issued_on)
