"""The papers' words: every letter in locales/ prints with the shipped font, and every id the
papers use exists in kk, ru and en."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from flows.documents import MARKS
from flows.visit import RESIDENCES
from handlers.l10n import LANGUAGES, LOCALES_DIR
from papers.children import Child, children_of
from papers.layout import BOLD, REGULAR, printable
from tests.test_locales import all_ids

ROOT = Path(__file__).resolve().parents[2]
KAZAKH = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"


def letters_in_locales() -> set[str]:
    return {char for path in LOCALES_DIR.rglob("*.ftl")
            for char in path.read_text(encoding="utf-8") if char.isalpha()}


@pytest.mark.parametrize("font", [REGULAR, BOLD], ids=lambda p: p.name)
def test_the_shipped_font_has_every_letter_of_the_locales(font: Path) -> None:
    letters = letters_in_locales()
    assert set("әғқңөұүі") <= letters and "ё" in letters  # the scan read kk and ru
    cmap = TTFont(str(font), lazy=True).getBestCmap()
    missing = sorted(char for char in letters | set(KAZAKH + "ЁёІі№«»—–→•□")
                     if ord(char) not in cmap)
    assert not missing, f"{font.name} lacks {missing}"


def test_the_fonts_ship_with_their_license() -> None:
    license_text = (REGULAR.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in license_text
    assert "Liberation" in license_text


def test_what_the_font_cannot_print_becomes_a_box() -> None:
    assert printable("Сәлем 👋 ok\u2068x\u2069") == "Сәлем □ okx"


def paper_ids_in_code() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "papers").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and node.value.startswith("paper-") and not node.value.endswith("-"):
                found.add(node.value)
    return found


def composed_paper_ids() -> set[str]:
    return ({f"paper-residence-{code}" for code in RESIDENCES}
            | {f"paper-receipt-{mark}" for mark in MARKS}
            | {f"paper-role-{role}" for role in ("specialist", "parent", "child", "other")}
            | {f"paper-channel-{channel}" for channel in ("telegram", "whatsapp")})


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_id_the_papers_use_exists(lang: str) -> None:
    used = paper_ids_in_code() | composed_paper_ids()
    assert len(used) > 60  # the scan found the ids
    missing = used - all_ids(lang)
    assert not missing, f"{lang} lacks {sorted(missing)}"


def test_children_read_from_a_list_or_from_the_flat_answers() -> None:
    listed = {"children": [{"surname": "Иванов", "first_name": "Нұрлан", "patronymic": None,
                            "birth_date": "2015-09-05"},
                           {"surname": "", "first_name": None}]}
    flat = {"child_surname": "Смагулов", "child_first_name": "Арман",
            "child_patronymic": None, "child_birth_date": "2013-03-10"}
    assert [c.name for c in children_of(listed)] == ["Иванов Нұрлан"]
    assert children_of(flat)[0] == Child("Смагулов Арман", children_of(flat)[0].birth)
    assert str(children_of(flat)[0].birth) == "2013-03-10"
    assert children_of({}) == ()
    assert children_of({"children": [], **flat})[0].name == "Смагулов Арман"
