"""Parsers of typed answers: every accepted form and every refusal key."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from flows.validators import (
    Invalid,
    age_on,
    check_after,
    check_birth_date,
    check_not_past,
    parse_address,
    parse_date,
    parse_free_text,
    parse_iin,
    parse_person_name,
    parse_phone,
)

# A copy of shared/testdata/iin.json, shipped so these cases always run.
IIN_DATA = Path(__file__).resolve().parents[1] / "data" / "iin.json"


def _iin_rows(section: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(IIN_DATA.read_text(encoding="utf-8"))[section]
    return rows


def rejects(key: str, call: Any, *args: Any) -> Invalid:
    with pytest.raises(Invalid) as info:
        call(*args)
    assert info.value.key == key
    return info.value


# --- Invalid ---------------------------------------------------------------------------


def test_invalid_carries_key_and_args() -> None:
    error = Invalid("error-text-too-long", {"max": 5})
    assert error.key == "error-text-too-long"
    assert error.args == {"max": 5}
    assert Invalid("error-iin-format").args == {}
    clone = pickle.loads(pickle.dumps(error))
    assert (clone.key, clone.args) == (error.key, error.args)
    assert copy.copy(error).args == {"max": 5}
    assert "error-text-too-long" in str(error)


# --- IIN -------------------------------------------------------------------------------


def test_iin_data_present() -> None:
    assert _iin_rows("valid") and _iin_rows("invalid")


@pytest.mark.parametrize("row", _iin_rows("valid"), ids=lambda r: r["value"])
def test_iin_valid_shared(row: dict[str, Any]) -> None:
    assert parse_iin(row["value"]) == row["value"]


@pytest.mark.parametrize("row", _iin_rows("invalid"), ids=lambda r: r["value"])
def test_iin_invalid_shared(row: dict[str, Any]) -> None:
    with pytest.raises(Invalid) as info:
        parse_iin(row["value"])
    value = row["value"]
    shaped = len(value) == 12 and value.isascii() and value.isdigit()
    assert info.value.key == ("error-iin-checksum" if shaped else "error-iin-format")


@pytest.mark.parametrize(
    "text", [" 871008401427 ", "871 008 401 427", "8710 0840 1427\n", "\t871008401427"]
)
def test_iin_spaces_are_stripped(text: str) -> None:
    assert parse_iin(text) == "871008401427"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "8710084014271",  # 13 digits
        "871-008-401-427",
        "87100840142٧",  # Arabic-Indic digit
        "８７１００８４０１４２７",  # full-width digits
        "IIN871008401427",
    ],
)
def test_iin_format(text: str) -> None:
    rejects("error-iin-format", parse_iin, text)


def test_iin_checksum_second_pass() -> None:
    # 900101300811: the first pass gives 10, the second pass gives the check digit 1
    assert parse_iin("900101300811") == "900101300811"
    rejects("error-iin-checksum", parse_iin, "900101300812")


def test_iin_never_issued_when_both_passes_give_10() -> None:
    # search a number whose both passes give 10: such numbers are never valid
    w2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
    for n in range(10**10, 10**10 + 200_000):
        digits = [int(c) for c in f"{n:011d}"]
        first = sum(d * (i + 1) for i, d in enumerate(digits)) % 11
        second = sum(d * w for d, w in zip(digits, w2, strict=True)) % 11
        if first == 10 and second == 10:
            base = f"{n:011d}"
            break
    else:  # pragma: no cover - the range above always has one
        pytest.fail("no sample found")
    for last in "0123456789":
        rejects("error-iin-checksum", parse_iin, base + last)


# --- phone -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "+7 701 123 45 67",
        "87011234567",
        "8 (701) 123-45-67",
        "7011234567",
        "+7-701-123-45-67",
        "77011234567",
        "+77011234567",
        " 8 701 123 45 67 ",
        "+7 (701) 123 45 67",
        "8.701.123.45.67",
    ],
)
def test_phone_forms(text: str) -> None:
    assert parse_phone(text) == "+77011234567"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8 7142 50-12-34", "+77142501234"),  # Kostanay landline
        ("+7 727 123 45 67", "+77271234567"),  # Almaty landline
        ("8 747 000 00 00", "+77470000000"),
        ("+7 777 1234567", "+77771234567"),
    ],
)
def test_phone_other_kz_codes(text: str, expected: str) -> None:
    assert parse_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "+7 916 123 45 67",  # Russian mobile: code does not start with 7
        "8 916 123 45 67",
        "9161234567",
        "8 800 080 7777",  # toll-free, not a person's phone
        "+8 701 123 45 67",
        "+7 701 123 45 6",  # too short
        "+7 701 123 45 678",  # too long
        "701 123 45",
        "+7 701 12E 45 67",
        "+７ ７０１ １２３ ４５ ６７",  # full-width digits
        "7+7011234567",
        "++77011234567",
        "1414",
    ],
)
def test_phone_refused(text: str) -> None:
    rejects("error-phone-format", parse_phone, text)


# --- dates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "05.03.2026",
        "5.3.2026",
        "05/03/2026",
        "05-03-2026",
        "05 03 2026",
        "2026-03-05",
        " 5.03.2026 ",
        "5  3  2026",
        "2026-3-5",
    ],
)
def test_date_forms(text: str) -> None:
    assert parse_date(text) == date(2026, 3, 5)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "5 марта 2026",
        "05.03.26",  # two-digit year is ambiguous
        "05.03-2026",  # mixed separators
        "2026.03.05",
        "2026/03/05",
        "05032026",
        "０５.０３.２０２６",
        "05.03.2026г",
    ],
)
def test_date_format(text: str) -> None:
    rejects("error-date-format", parse_date, text)


@pytest.mark.parametrize("text", ["31.02.2026", "29.02.2026", "00.01.2026", "2026-13-01"])
def test_date_impossible(text: str) -> None:
    error = rejects("error-date-invalid", parse_date, text)
    assert error.args == {"value": text}


def test_date_leap_day() -> None:
    assert parse_date("29.02.2028") == date(2028, 2, 29)


# --- ages and date ranges --------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (date(2010, 6, 15), date(2026, 6, 14), 15),
        (date(2010, 6, 15), date(2026, 6, 15), 16),
        (date(2010, 6, 15), date(2010, 6, 15), 0),
        (date(2008, 2, 29), date(2026, 2, 27), 17),
        (date(2008, 2, 29), date(2026, 2, 28), 18),  # common year: 28 February
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2028, 2, 28), 19),  # leap year: waits for the 29th
        (date(2008, 2, 29), date(2028, 2, 29), 20),
    ],
)
def test_age_on(birth: date, on: date, age: int) -> None:
    assert age_on(birth, on) == age


TODAY = date(2026, 11, 20)


def test_birth_date_ok() -> None:
    assert check_birth_date(date(2016, 1, 1), TODAY) == date(2016, 1, 1)
    assert check_birth_date(TODAY, TODAY) == TODAY  # born today
    assert check_birth_date(date(2008, 11, 21), TODAY) == date(2008, 11, 21)  # 17 today


def test_birth_date_future() -> None:
    rejects("error-birth-date-future", check_birth_date, date(2026, 11, 21), TODAY)


def test_child_too_old() -> None:
    error = rejects("error-child-too-old", check_birth_date, date(2008, 11, 20), TODAY)
    assert error.args == {"max": 18}
    error = rejects("error-child-too-old", check_birth_date, date(2016, 1, 1), TODAY, 10)
    assert error.args == {"max": 10}
    assert check_birth_date(date(2016, 11, 21), TODAY, 10) == date(2016, 11, 21)


def test_birth_date_absurd() -> None:
    error = rejects("error-date-invalid", check_birth_date, date(1906, 11, 19), TODAY, 200)
    assert error.args == {"value": "19.11.1906"}
    assert check_birth_date(date(1906, 11, 20), TODAY, 200) == date(1906, 11, 20)
    rejects("error-date-invalid", check_birth_date, date(1809, 1, 1), TODAY)


def test_not_past() -> None:
    assert check_not_past(TODAY, TODAY) == TODAY
    assert check_not_past(date(2027, 1, 1), TODAY) == date(2027, 1, 1)
    rejects("error-date-past", check_not_past, date(2026, 11, 19), TODAY)


def test_after() -> None:
    start = date(2026, 12, 1)
    assert check_after(date(2026, 12, 2), start) == date(2026, 12, 2)
    error = rejects("error-date-not-after", check_after, start, start)
    assert error.args == {"other": start}
    rejects("error-date-not-after", check_after, date(2026, 11, 30), start)


# --- names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Иванов", "Иванов"),
        ("  Айгүл  ", "Айгүл"),
        ("Мұхаммед-Әли", "Мұхаммед-Әли"),
        ("О'Брайен", "О'Брайен"),
        ("О’Брайен", "О'Брайен"),  # typographic apostrophe from a phone keyboard
        ("Мұхаммед - Әли", "Мұхаммед-Әли"),
        ("Ән  Нұр", "Ән Нұр"),
        ("Қуаныш", "Қуаныш"),
        ("Өмірзақ", "Өмірзақ"),
        ("Ғалымжан", "Ғалымжан"),
        ("Ұлжан", "Ұлжан"),
        ("Һәдия", "Һәдия"),
        ("Іңкәр", "Іңкәр"),
        ("Smith", "Smith"),
        ("Şañyraq", "Şañyraq"),  # Kazakh Latin alphabet
        ("Qūanysh", "Qūanysh"),
        ("Пётр", "Пётр"),
        ("Я", "Я"),
        ("DiCaprio", "DiCaprio"),  # the person's capitalisation is kept
        ("ИВАНОВ", "ИВАНОВ"),
        ("айгүл", "Айгүл"),  # all lower-case: first letter capitalised
        ("мұхаммед-әли", "Мұхаммед-Әли"),
        ("іңкәр", "Іңкәр"),
        ("әлия", "Әлия"),
    ],
)
def test_name_ok(text: str, expected: str) -> None:
    assert parse_person_name(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Иванов2",
        "Ivan0v",
        "-Иван",
        "Иван-",
        "'Иван",
        "Иван--Петр",
        "Иван.",
        "Иван_Петр",
        "Иван,Петр",
        "😀",
        "Ива\u200bнов",  # zero-width space
        "Ι",  # Greek capital iota, not Kazakh І
    ],
)
def test_name_refused(text: str) -> None:
    rejects("error-name-format", parse_person_name, text)


@pytest.mark.parametrize(("text", "key"), [
    ("", "error-text-empty"), ("   ", "error-text-empty"), ("\u200b", "error-text-empty"),
    ("Д" * 51, "error-text-too-long"),  # all letters: "letters only" would be wrong
])
def test_name_refused_for_what_it_lacks_or_its_length(text: str, key: str) -> None:
    rejects(key, parse_person_name, text)


def test_name_max_length() -> None:
    assert parse_person_name("Д" * 50) == "Д" * 50


# --- addresses and free text -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("г. Рудный, ул. Ленина, 1, кв. 5", "г. Рудный, ул. Ленина, 1, кв. 5"),
        ("  Қостанай қ., Гоголь к-сі 75  ", "Қостанай қ., Гоголь к-сі 75"),
        ("Astana,\nMangilik El 8", "Astana, Mangilik El 8"),
        ("ул 5а", "ул 5а"),
    ],
)
def test_address_ok(text: str, expected: str) -> None:
    assert parse_address(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "ул", "12345", "1, 2, 3"])
def test_address_refused(text: str) -> None:
    rejects("error-address-format", parse_address, text)


def test_an_address_too_long_is_told_its_limit() -> None:
    """Not "write the full address", as if too little were written."""
    assert rejects("error-text-too-long", parse_address, "а" * 301).args == {"max": 300}


def test_address_max_length() -> None:
    assert len(parse_address("а" * 300)) == 300


def test_free_text() -> None:
    assert parse_free_text("  hello\nworld  ") == "hello\nworld"
    assert parse_free_text("x" * 1000) == "x" * 1000
    rejects("error-text-empty", parse_free_text, "")
    rejects("error-text-empty", parse_free_text, " \n\t ")
    # What Telegram sends as an "empty" message: the Hangul filler, zero-width spaces, the
    # Braille blank. Words with such characters among them are words.
    for blank in ("\u3164", "\u200b\u200b", "\u2800", "\u115f\u1160\uffa0", "\u2060\ufeff"):
        rejects("error-text-empty", parse_free_text, blank)
    assert parse_free_text("\u3164Жалоба\u200b") == "\u3164Жалоба\u200b"
    assert parse_free_text("😡") == "😡"
    error = rejects("error-text-too-long", parse_free_text, "x" * 1001)
    assert error.args == {"max": 1000}
    error = rejects("error-text-too-long", parse_free_text, "abcdef", 5)
    assert error.args == {"max": 5}
