"""What a reader of a paper (or an inspector on /verify) would notice, found by a probe of
the papers in kk and ru with the longest data the forms allow."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pypdf
import pypdfium2  # type: ignore[import-untyped]
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

import papers
from flows.calendar import KZ_TZ
from flows.desk import Line
from flows.paper import Official, PaperCheck
from handlers.l10n import Localizer
from handlers.web.verify import VerifyPage
from tests.papers.samples import DECISIONS, INTERVIEW_ANSWERS, VISIT_ANSWERS, facts

PT_PER_MM = 72 / 25.4


def pages_text(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def page_of(pages: list[str], needle: str) -> int:
    hits = [i for i, text in enumerate(pages) if needle in text]
    assert hits, f"{needle!r} not on any page"
    return hits[-1]


# ---------------------------------------------------------------- signature orphaned
REFUSAL_REASONS = ("Заключение психолога от 26.11.2026 о негативном влиянии на ребенка. " * 4)
HEARING_DETAILS = ("Сведения о месте жительства не подтверждены справкой. " * 2)
RECEIPT_COMMENT = ("Сведения о месте жительства не подтверждены справкой. " * 12)

REFUSAL = DECISIONS["reasoned-refusal"]
# (kind, language, decision, the last sentence of the body, the closing label)
CLOSINGS = [
    ("reasoned-refusal", "ru", {**REFUSAL, "reasons": REFUSAL_REASONS.strip()},
     "Пункты 13 и 14 Правил", "Дата:"),
    ("reasoned-refusal", "kk", {**REFUSAL, "reasons": REFUSAL_REASONS.strip()},
     "13 және 14-тармақтары", "Күні:"),
    ("preliminary-refusal-and-hearing-notice", "ru",
     {**DECISIONS["preliminary-refusal-and-hearing-notice"],
      "hearing": {**DECISIONS["preliminary-refusal-and-hearing-notice"]["hearing"],
                  "details": HEARING_DETAILS.strip()}},
     "статьей 74 АППК", "Дата:"),
    ("receipt-appendix-3", "ru", {**DECISIONS["receipt-appendix-3"],
                                  "comment": RECEIPT_COMMENT.strip()},
     "Получатель (услугополучатель)", "Дата:"),
]


@pytest.mark.parametrize(("kind", "lang", "decision", "last_body", "closing"), CLOSINGS,
                         ids=[f"{c[0]}-{c[1]}" for c in CLOSINGS])
def test_the_date_and_signature_are_not_left_alone_on_the_last_page(
        kind: str, lang: str, decision: dict[str, Any], last_body: str, closing: str) -> None:
    """A refusal whose reasons run to ~270 characters (limit 1000), a hearing notice with two
    sentences of details: the date and the signature stay with the text's last lines, never
    alone on a page of their own."""
    pages = pages_text(papers.render(facts(kind, decision=decision), lang))
    assert page_of(pages, closing) == page_of(pages, last_body), \
        f"the closing block is alone on page {page_of(pages, closing) + 1}: {pages[-1][:200]}"


# ---------------------------------------------------------------- "10)" runs into the name
def test_item_number_10_is_separated_from_its_text() -> None:
    answers = dict(VISIT_ANSWERS)
    answers["children"] = [dict(VISIT_ANSWERS["children"][0]) for _ in range(10)]
    data = papers.render(facts("permission-appendix-4", answers=answers), "ru")
    pdf = pypdfium2.PdfDocument(data)
    for page in pdf:
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        at = text.find("10)")
        if at < 0:
            continue
        paren = at + 2
        after = paren + 1
        while text[after].isspace():
            after += 1
        gap = textpage.get_charbox(after)[0] - textpage.get_charbox(paren)[2]
        assert gap >= 1.0 * PT_PER_MM, f"'10)' touches its text: gap {gap / PT_PER_MM:.2f} mm"
        return
    pytest.fail("no '10)' item found")


# ---------------------------------------------------------------- service 2's receipt
SERVICE_1 = {"kk": "баламен кездесуіне рұқсат беру",
             "ru": "Выдача разрешения на свидание с ребенком"}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_service_2_receipt_does_not_cite_the_rules_of_service_1(lang: str) -> None:
    """Appendix 3 is a form of the visit-permission rules (seed 004): a child-opinion
    receipt does not cite them."""
    text = " ".join(pages_text(papers.render(
        facts("receipt-appendix-3", service="interview", answers=INTERVIEW_ANSWERS), lang)))
    assert SERVICE_1[lang] not in text


# ---------------------------------------------------------------- appendix 3: executor
@pytest.mark.parametrize(("lang", "word"), [("kk", "Орындаушы"), ("ru", "сполнител")])
def test_the_receipt_names_the_executor_as_appendix_3_does(lang: str, word: str) -> None:
    text = " ".join(pages_text(papers.render(facts("receipt-appendix-3"), lang)))
    assert word in text


# ---------------------------------------------------------------- transcript bold rows
def _fonts_of(data: bytes, page_index: int) -> list[tuple[str, str]]:
    page = pypdf.PdfReader(io.BytesIO(data)).pages[page_index]
    found: list[tuple[str, str]] = []

    def visit(text: str, _cm: Any, _tm: Any, font: Any, _size: Any) -> None:
        if text.strip() and font is not None:
            found.append((text.strip(), str(font.get("/BaseFont", ""))))

    page.extract_text(visitor_text=visit)
    return found


def test_the_first_row_after_a_page_break_is_not_bold() -> None:
    """After the table header is repeated on a new page, the first row is regular too."""
    start = datetime(2026, 11, 25, 10, 0, tzinfo=KZ_TZ)
    long = "С мамой. Мне там ближе до школы, и там мой кот. " * 12
    lines = tuple(Line(start + timedelta(minutes=i), ("specialist", "child")[i % 2], long)
                  for i in range(12))
    paper = replace(facts("conversation-record"), transcript=lines)
    data = papers.render(paper, "ru")
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) > 1
    times = [(text, font) for text, font in _fonts_of(data, 1)
             if re.fullmatch(r"\d\d:\d\d", text)]
    assert times, "no row times on page 2"
    bold = [text for text, font in times if "Bold" in font]
    assert not bold, f"row times printed bold on page 2: {bold}"


# ---------------------------------------------------------------- long names split
SURNAME = "Жұмағұлова-Қайыржанқызы-Әбілмәжінова-Сейітқұлова-Ү"  # 50 characters, the limit


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_long_surname_is_not_split_inside_a_word_in_the_addressee_block(lang: str) -> None:
    """parse_person_name allows 50 characters; the right-hand block (about 78 mm) breaks such
    a surname after one of its hyphens, never mid-syllable ("…-Се / йітқұлова-Ү")."""
    assert len(SURNAME) == 50
    answers = {**VISIT_ANSWERS, "surname": SURNAME}
    text = " ".join(pages_text(papers.render(facts("permission-appendix-4", answers=answers),
                                             lang)))
    joined = re.sub(r"- ", "-", text)  # a break after a hyphen is fine
    assert SURNAME in joined


# ---------------------------------------------------------------- signatory's display name
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_signatory_name_never_prints_a_box(lang: str) -> None:
    """Papers are signed with the staff member's Telegram display name (user.full_name), which
    often carries an emoji: the name under the signature is the name, not "Жанар □"."""
    paper = replace(facts("permission-appendix-4"), official=Official("Жанар 🌸"))
    text = " ".join(pages_text(papers.render(paper, lang)))
    assert "□" not in text


# ---------------------------------------------------------------- /verify language
class _Checks:
    def __init__(self, paper: PaperCheck) -> None:
        self.paper = paper

    async def check(self, code: str) -> PaperCheck | None:
        return self.paper if code == "A" * 22 else None

    async def record_check(self, *_args: Any) -> None:
        return None


async def test_the_verify_page_opens_in_the_inspectors_language() -> None:
    """The QR code carries /verify/<code> with no language: an inspector whose phone reads
    Russian gets the page in Russian (Accept-Language)."""
    paper = PaperCheck("permission-appendix-4", "ВП-2026-00042/3", date(2026, 11, 25),
                       "kst-rudny", "И. А.", "ab" * 32, False)
    app = web.Application()
    VerifyPage(_Checks(paper), Localizer()).install(app)
    async with TestClient(TestServer(app)) as client:
        response = await client.get("/verify/" + "A" * 22,
                                    headers={"Accept-Language": "ru-RU,ru;q=0.9"})
        page = await response.text()
    assert "Проверка документа" in page and "действителен" in page


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_country_not_on_the_list_is_named_as_the_parent_typed_it(lang: str) -> None:
    answers = {**INTERVIEW_ANSWERS, "lives": "abroad", "country": "other",
               "country_name": "Мексика", "utc": "utcm6"}
    text = " ".join(pages_text(papers.render(
        facts("application-appendix-1", service="interview", answers=answers), lang)))
    assert "Мексика" in text and "country-other" not in text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_childs_emoji_reads_as_a_word_in_the_record_not_a_box(lang: str) -> None:
    start = datetime(2026, 11, 25, 10, 0, tzinfo=KZ_TZ)
    lines = (Line(start, "child", "Здравствуйте 🙂🙂👍🏽 я тут"),)
    text = " ".join(pages_text(papers.render(
        replace(facts("conversation-record"), transcript=lines), lang)))
    assert "Здравствуйте [эмодзи] я тут" in text and "□" not in text
