"""The catalogue of guardianship bodies and its texts in the three locales."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flows.catalogue import (
    BODIES_PATH,
    Body,
    Catalogue,
    body_address_id,
    body_label_id,
    body_short_id,
    load_catalogue,
    region_label_id,
)
from tests.ftl import plain_messages

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("kk", "ru", "en")
MAX_SHORT = 20  # WhatsApp caps button titles at 20 characters

KOSTANAY_BODIES = {
    # cities of regional significance
    "kst-kostanay-city",
    "kst-rudny",
    "kst-lisakovsk",
    "kst-arkalyk",
    # the 16 districts
    "kst-altynsarin",
    "kst-amangeldy",
    "kst-auliekol",
    "kst-beimbet-mailin",
    "kst-denisov",
    "kst-zhangeldi",
    "kst-zhitikara",
    "kst-kamysty",
    "kst-karabalyk",
    "kst-karasu",
    "kst-kostanay-dist",
    "kst-mendykara",
    "kst-naurzum",
    "kst-sarykol",
    "kst-uzunkol",
    "kst-fyodorov",
}


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def _messages(lang: str) -> dict[str, str]:
    return plain_messages(lang, "bodies.ftl")


@pytest.fixture(scope="module", params=LOCALES)
def locale(request: pytest.FixtureRequest) -> tuple[str, dict[str, str]]:
    lang: str = request.param
    return lang, _messages(lang)


def test_regions(catalogue: Catalogue) -> None:
    assert [r.code for r in catalogue.regions] == ["astana", "almaty", "shymkent", "kostanay"]
    for region in catalogue.regions:
        assert region.bodies, region.code
        assert all(body.region == region.code for body in region.bodies)
    for code in ("astana", "almaty", "shymkent"):
        assert len(catalogue.region(code).bodies) == 1


def test_codes_unique_ascii_short(catalogue: Catalogue) -> None:
    codes = [r.code for r in catalogue.regions] + [b.code for b in catalogue.bodies()]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert code.isascii() and 1 <= len(code) <= 20, code
        assert code == code.lower() and " " not in code, code
        # fits a callback payload together with a generous prefix
        assert len(f"pick:body:{code}".encode()) <= 64


def test_kostanay_has_every_city_and_district(catalogue: Catalogue) -> None:
    codes = {body.code for body in catalogue.region("kostanay").bodies}
    assert codes == KOSTANAY_BODIES
    kinds = [body.kind for body in catalogue.region("kostanay").bodies]
    assert kinds.count("city-regional") == 4 and kinds.count("district") == 16


def test_lookup(catalogue: Catalogue) -> None:
    rudny = catalogue.body("kst-rudny")
    assert isinstance(rudny, Body) and rudny.region == "kostanay"
    assert rudny.hours == "mon-fri 09:00-18:30, lunch 13:00-14:30"
    assert catalogue.region("kostanay").code == "kostanay"
    with pytest.raises(KeyError):
        catalogue.body("nope")
    with pytest.raises(KeyError):
        catalogue.region("nope")


def test_body_is_frozen(catalogue: Catalogue) -> None:
    body = catalogue.body("astana-edu")
    with pytest.raises(AttributeError):
        body.phone = "+77000000000"  # type: ignore[misc]


def test_message_ids() -> None:
    assert region_label_id("kostanay") == "region-kostanay"
    assert body_label_id("kst-rudny") == "body-kst-rudny"
    assert body_short_id("kst-rudny") == "body-kst-rudny-short"
    assert body_address_id("kst-rudny") == "body-kst-rudny-address"


def test_rows_have_sources_and_no_invented_phones() -> None:
    raw = json.loads(BODIES_PATH.read_text(encoding="utf-8"))
    for region in raw["regions"]:
        for row in region["bodies"]:
            assert row["source"].strip(), row["code"]
            assert isinstance(row["verified"], bool), row["code"]
            if not row["verified"]:
                assert row.get("note", "").strip(), row["code"]
            phone = row.get("phone")
            assert phone is None or phone.startswith("+7"), row["code"]
            # human words belong in the .ftl files, not the data
            assert not {"name", "address", "title", "label"} & set(row), row["code"]


def test_every_id_in_every_locale(catalogue: Catalogue, locale: tuple[str, dict[str, str]]) -> None:
    lang, messages = locale
    expected = {region_label_id(r.code) for r in catalogue.regions}
    for body in catalogue.bodies():
        expected |= {
            body_label_id(body.code),
            body_short_id(body.code),
            body_address_id(body.code),
        }
    missing = expected - set(messages)
    assert not missing, f"{lang}: missing {sorted(missing)}"
    extra = set(messages) - expected
    assert not extra, f"{lang}: ids no body uses {sorted(extra)}"


def test_texts_are_clean(catalogue: Catalogue, locale: tuple[str, dict[str, str]]) -> None:
    lang, messages = locale
    for message_id, text in messages.items():
        assert text.strip() == text and text, f"{lang}: {message_id}"
        assert "{" not in text and "}" not in text, f"{lang}: {message_id}"
    for body in catalogue.bodies():
        short = messages[body_short_id(body.code)]
        assert 1 <= len(short) <= MAX_SHORT, f"{lang}: {body.code} short label {short!r}"
        assert len(messages[body_label_id(body.code)]) > len(short)


def test_kazakh_and_russian_use_their_scripts(locale: tuple[str, dict[str, str]]) -> None:
    lang, messages = locale
    for message_id, text in messages.items():
        cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in text)
        if lang == "en":
            assert not cyrillic, f"en: {message_id} {text!r}"
        else:
            assert cyrillic, f"{lang}: {message_id} {text!r}"


def test_bad_catalogue_is_rejected(tmp_path: Path) -> None:
    body = {"code": "x-1", "phone": None, "hours": "mon-fri"}
    cases = [
        {"regions": [{"code": "r", "bodies": []}]},
        {"regions": [{"code": "r", "bodies": [body, body]}]},
        {"regions": [{"code": "r", "bodies": [{**body, "code": "Bad Code"}]}]},
        {"regions": [{"code": "r", "bodies": [{**body, "code": "a" * 21}]}]},
    ]
    for case in cases:
        path = tmp_path / "bodies.json"
        path.write_text(json.dumps(case), encoding="utf-8")
        with pytest.raises(ValueError):
            load_catalogue(path)
