"""Countries and time zones for remote interviews, and their texts in the three locales."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from flows.countries import (
    COUNTRIES_PATH,
    Countries,
    Country,
    Zone,
    city_label_id,
    country_label_id,
    country_short_id,
    load_countries,
)
from tests.ftl import plain_messages

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("kk", "ru", "en")
MAX_BUTTON = 24  # the project's cap for short button labels (tests/test_locales.py)

# The most likely countries come first, in this order.
FIRST = ["ru", "tr", "de", "gb", "us", "kr", "cn", "ae", "kg", "uz"]
EXPECTED = {
    *FIRST,
    *("cz", "pl", "it", "fr", "es", "nl", "ca", "jp", "my", "ge", "az", "by", "ua", "il"),
    *("lt", "lv", "ee", "hu", "at", "ch", "be", "se", "fi", "no", "dk", "ie", "pt", "gr"),
    *("cy", "qa", "sa", "eg", "in", "sg", "th", "au", "nz", "mn", "br", "tj", "tm", "am", "rs"),
}
MULTI_ZONE = {
    "ru": {
        "Europe/Kaliningrad",
        "Europe/Moscow",
        "Europe/Samara",
        "Asia/Yekaterinburg",
        "Asia/Omsk",
        "Asia/Novosibirsk",
        "Asia/Krasnoyarsk",
        "Asia/Irkutsk",
        "Asia/Yakutsk",
        "Asia/Vladivostok",
        "Asia/Magadan",
        "Asia/Kamchatka",
    },
    "us": {
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
    },
    "ca": {
        "America/St_Johns",
        "America/Halifax",
        "America/Toronto",
        "America/Winnipeg",
        "America/Edmonton",
        "America/Vancouver",
    },
    "au": {
        "Australia/Perth",
        "Australia/Adelaide",
        "Australia/Darwin",
        "Australia/Brisbane",
        "Australia/Sydney",
    },
    "br": {"America/Sao_Paulo", "America/Manaus"},
    "mn": {"Asia/Ulaanbaatar", "Asia/Hovd"},
}


@pytest.fixture(scope="module")
def countries() -> Countries:
    return load_countries()


def _messages(lang: str) -> dict[str, str]:
    return plain_messages(lang, "countries.ftl")


@pytest.fixture(scope="module", params=LOCALES)
def locale(request: pytest.FixtureRequest) -> tuple[str, dict[str, str]]:
    lang: str = request.param
    return lang, _messages(lang)


def _offset(zone: ZoneInfo, when: datetime) -> timedelta | None:
    return when.replace(tzinfo=zone).utcoffset()


def test_enough_countries_most_likely_first(countries: Countries) -> None:
    codes = [country.code for country in countries.all]
    assert len(codes) >= 45
    assert codes[: len(FIRST)] == FIRST
    missing = EXPECTED - set(codes)
    assert not missing, sorted(missing)
    assert "kz" not in codes  # the child is abroad


def test_codes_unique_ascii_short(countries: Countries) -> None:
    country_codes = [country.code for country in countries.all]
    zone_codes = [zone.code for country in countries.all for zone in country.zones]
    assert len(country_codes) == len(set(country_codes))
    assert len(zone_codes) == len(set(zone_codes))
    for code in country_codes:
        assert len(code) == 2 and code.isascii() and code.isalpha() and code.islower(), code
    for code in zone_codes:
        assert code.isascii() and 1 <= len(code) <= 20, code
        assert code == code.lower() and " " not in code and "_" not in code, code
        # fits a callback payload together with a generous prefix
        assert len(f"pick:zone:{code}".encode()) <= 64


def test_every_tz_loads(countries: Countries) -> None:
    for country in countries.all:
        assert country.zones, country.code
        for zone in country.zones:
            assert isinstance(zone.zone, ZoneInfo), zone.code
            assert zone.zone.key == zone.tz


def test_several_zones_where_the_country_has_them(countries: Countries) -> None:
    for code, tzs in MULTI_ZONE.items():
        country = countries.country(code)
        assert not country.single, code
        assert {zone.tz for zone in country.zones} == tzs, code
        # prefixed with the country so the city slug cannot clash with another country's
        assert all(zone.code.startswith(f"{code}-") for zone in country.zones), code
    assert countries.country("de").single
    assert countries.zones_of("de") == (Zone("berlin", "Europe/Berlin"),)
    multi = {country.code for country in countries.all if not country.single}
    assert set(MULTI_ZONE) <= multi
    for country in countries.all:
        if country.single:
            # a single zone needs no country prefix: its city alone names it
            assert not country.zones[0].code.startswith(f"{country.code}-"), country.code


def test_lookup(countries: Countries) -> None:
    russia = countries.country("ru")
    assert isinstance(russia, Country) and russia.code == "ru"
    assert countries.zones_of("ru") == russia.zones
    assert countries.zone("ru-moscow") in russia.zones
    assert countries.zone("us-new-york").tz == "America/New_York"
    with pytest.raises(KeyError):
        countries.country("nope")
    with pytest.raises(KeyError):
        countries.zone("nope")
    with pytest.raises(KeyError):
        countries.zones_of("nope")


def test_daylight_saving(countries: Countries) -> None:
    berlin = countries.zone("berlin").zone
    assert _offset(berlin, datetime(2026, 1, 15, 12)) == timedelta(hours=1)
    assert _offset(berlin, datetime(2026, 7, 15, 12)) == timedelta(hours=2)
    moscow = countries.zone("ru-moscow").zone
    for month in range(1, 13):
        assert _offset(moscow, datetime(2026, month, 15, 12)) == timedelta(hours=3), month
    new_york = countries.zone("us-new-york").zone
    assert _offset(new_york, datetime(2026, 1, 15, 12)) == timedelta(hours=-5)
    assert _offset(new_york, datetime(2026, 7, 15, 12)) == timedelta(hours=-4)
    phoenix = countries.zone("us-phoenix").zone  # Arizona keeps standard time
    assert _offset(phoenix, datetime(2026, 7, 15, 12)) == timedelta(hours=-7)


def test_country_is_frozen(countries: Countries) -> None:
    country = countries.country("de")
    with pytest.raises(AttributeError):
        country.zones = ()  # type: ignore[misc]
    with pytest.raises(AttributeError):
        country.zones[0].tz = "UTC"  # type: ignore[misc]


def test_message_ids() -> None:
    assert country_label_id("de") == "country-de"
    assert country_short_id("ae") == "country-ae-short"
    assert city_label_id("ru-moscow") == "city-ru-moscow"


def test_no_words_in_the_data() -> None:
    raw = json.loads(COUNTRIES_PATH.read_text(encoding="utf-8"))
    for row in raw["countries"]:
        assert set(row) == {"code", "zones"}, row["code"]
        for zone in row["zones"]:
            # human words belong in the .ftl files, not the data
            assert set(zone) == {"code", "tz"}, zone["code"]


def test_every_id_in_every_locale(countries: Countries, locale: tuple[str, dict[str, str]]) -> None:
    lang, messages = locale
    expected: set[str] = set()
    for country in countries.all:
        expected.add(country_label_id(country.code))
        expected |= {city_label_id(zone.code) for zone in country.zones}
    missing = expected - set(messages)
    assert not missing, f"{lang}: missing {sorted(missing)}"
    shorts = {country_short_id(country.code) for country in countries.all}
    extra = set(messages) - expected - shorts
    assert not extra, f"{lang}: ids no country uses {sorted(extra)}"


def test_short_forms_are_the_same_in_every_locale() -> None:
    """A short form needed in one language is given in all, so the code can always use it."""
    ids = {
        lang: {
            name
            for name in _messages(lang)
            if name.endswith("-short") and name.startswith("country-")
        }
        for lang in LOCALES
    }
    assert ids["kk"] == ids["ru"] == ids["en"]


def test_texts_fit_buttons(countries: Countries, locale: tuple[str, dict[str, str]]) -> None:
    lang, messages = locale
    for message_id, text in messages.items():
        assert text.strip() == text and text, f"{lang}: {message_id}"
        assert "{" not in text and "}" not in text, f"{lang}: {message_id}"
    for country in countries.all:
        name = messages[country_label_id(country.code)]
        short = messages.get(country_short_id(country.code))
        if len(name) > MAX_BUTTON:
            assert short is not None, f"{lang}: {country.code} {name!r} needs a short form"
        if short is not None:
            assert 1 <= len(short) <= MAX_BUTTON, f"{lang}: {country.code} short {short!r}"
            assert len(short) < len(name), f"{lang}: {country.code}"
        for zone in country.zones:
            city = messages[city_label_id(zone.code)]
            assert 1 <= len(city) <= MAX_BUTTON, f"{lang}: {zone.code} {city!r}"


def test_names_within_a_country_differ(
    countries: Countries, locale: tuple[str, dict[str, str]]
) -> None:
    lang, messages = locale
    names = [messages[country_label_id(country.code)] for country in countries.all]
    assert len(names) == len(set(names)), lang
    for country in countries.all:
        cities = [messages[city_label_id(zone.code)] for zone in country.zones]
        assert len(cities) == len(set(cities)), f"{lang}: {country.code}"


def test_kazakh_and_russian_use_their_scripts(locale: tuple[str, dict[str, str]]) -> None:
    lang, messages = locale
    for message_id, text in messages.items():
        cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in text)
        if lang == "en":
            assert not cyrillic, f"en: {message_id} {text!r}"
        else:
            assert cyrillic, f"{lang}: {message_id} {text!r}"


def test_kazakh_spellings() -> None:
    kk = _messages("kk")
    assert kk[country_label_id("ru")] == "Ресей"
    assert kk[country_label_id("us")] == "АҚШ"
    assert kk[city_label_id("ru-moscow")] == "Мәскеу"
    assert kk[city_label_id("ru-omsk")] == "Омбы"
    assert kk[city_label_id("ru-novosibirsk")] == "Новосібір"
    ru = _messages("ru")
    assert ru[country_label_id("tr")] == "Турция"
    assert ru[city_label_id("ru-novosibirsk")] == "Новосибирск"


def test_bad_countries_are_rejected(tmp_path: Path) -> None:
    zone = {"code": "berlin", "tz": "Europe/Berlin"}
    cases = [
        {"countries": []},
        {"countries": [{"code": "de", "zones": []}]},
        {
            "countries": [
                {"code": "de", "zones": [zone]},
                {"code": "de", "zones": [{"code": "munich", "tz": "Europe/Berlin"}]},
            ]
        },
        {"countries": [{"code": "de", "zones": [zone]}, {"code": "at", "zones": [zone]}]},
        {"countries": [{"code": "DE", "zones": [zone]}]},
        {"countries": [{"code": "deu", "zones": [zone]}]},
        {"countries": [{"code": "de", "zones": [{**zone, "code": "Bad Code"}]}]},
        {"countries": [{"code": "de", "zones": [{**zone, "code": "a" * 21}]}]},
        {"countries": [{"code": "de", "zones": [{**zone, "tz": "Europe/Nowhere"}]}]},
        {"countries": [{"code": "de", "zones": [{**zone, "tz": "Europe"}]}]},
        {"countries": [{"code": "de", "zones": [{**zone, "tz": "../etc/passwd"}]}]},
        {"countries": [{"code": "de", "zones": [{**zone, "tz": 1}]}]},
    ]
    for case in cases:
        path = tmp_path / "countries.json"
        path.write_text(json.dumps(case), encoding="utf-8")
        with pytest.raises(ValueError):
            load_countries(path)


def test_loads_from_a_given_path(tmp_path: Path) -> None:
    path = tmp_path / "countries.json"
    path.write_text(
        json.dumps(
            {"countries": [{"code": "de", "zones": [{"code": "berlin", "tz": "Europe/Berlin"}]}]}
        ),
        encoding="utf-8",
    )
    loaded = load_countries(str(path))
    assert loaded.all == (Country("de", (Zone("berlin", "Europe/Berlin"),)),)
