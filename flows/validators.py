"""Parsers for what a person types into the bot.

Each parser returns a clean value or raises :class:`Invalid` whose ``key`` is a Fluent
message id and ``args`` the message's variables, so the handler only has to translate.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from flows.countries import country_label_id, load_countries
from flows.messages import Arg, Text

__all__ = [
    "Invalid",
    "age_on",
    "check_after",
    "check_birth_date",
    "check_not_past",
    "parse_address",
    "parse_date",
    "parse_email",
    "parse_free_text",
    "parse_iin",
    "parse_kz_phone",
    "parse_patronymic",
    "parse_person_name",
    "parse_phone",
    "parse_phone_anywhere",
    "phone_country",
    "phone_region",
    "shown_email",
]


class Invalid(Exception):
    """A value the person typed was rejected: ``key`` = Fluent id, ``args`` = its variables.

    ``args`` shadows ``BaseException.args`` (a tuple) on purpose, so handlers can write
    ``_(e.key, **e.args)``; the exception still pickles and prints as (key, args).
    """

    def __init__(self, key: str, args: Mapping[str, Arg] | None = None) -> None:
        params = dict(args or {})
        super().__init__(key, params)
        self.key = key
        self._params = params

    @property
    def args(self) -> dict[str, Arg]:  # type: ignore[override]
        return self._params

    def __str__(self) -> str:
        return f"{self.key} {self._params}" if self._params else self.key


# --- IIN -------------------------------------------------------------------------------

_IIN_WEIGHTS_2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
_ASCII_DIGITS = re.compile(r"[0-9]+")


def parse_iin(text: str) -> str:
    """12 ASCII digits with a valid check digit (no date/sex checks: decree No. 853, 2013)."""
    value = "".join(text.split())
    if len(value) != 12 or not _ASCII_DIGITS.fullmatch(value):
        raise Invalid("error-iin-format")
    digits = [int(ch) for ch in value]
    check = sum(d * (i + 1) for i, d in enumerate(digits[:11])) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits[:11], _IIN_WEIGHTS_2, strict=True)) % 11
    if check == 10 or check != digits[11]:
        raise Invalid("error-iin-checksum")
    return value


# --- phone -----------------------------------------------------------------------------

_PHONE_PUNCTUATION = re.compile(r"[\s()\-.]")


def parse_phone(text: str) -> str:
    """A Kazakhstan number in any common form -> ``+7XXXXXXXXXX``.

    Mobile (70x, 74x, 75x, 76x, 77x) and landline area codes (7xx) all start with 7,
    so a national number starting with anything else (e.g. a Russian 9xx) is refused.
    """
    raw = _PHONE_PUNCTUATION.sub("", text.strip())
    plus = raw.startswith("+")
    digits = raw[1:] if plus else raw
    if not digits or not _ASCII_DIGITS.fullmatch(digits):
        raise Invalid("error-phone-format")
    if plus:
        national = digits[1:] if len(digits) == 11 and digits[0] == "7" else ""
    elif len(digits) == 11 and digits[0] in "78":
        national = digits[1:]  # 8 701 ... (trunk prefix) or 7 701 ... (country code)
    elif len(digits) == 10:
        national = digits
    else:
        national = ""
    if len(national) != 10 or national[0] != "7":
        raise Invalid("error-phone-format")
    return "+7" + national


KZ = "KZ"  # the region code `phonenumbers` gives Kazakhstan's numbers
_COUNTRY_NAMES = frozenset(c.code for c in load_countries().all)  # locales/*/countries.ftl


def _international(text: str) -> phonenumbers.PhoneNumber | None:
    """A number written with its country code, valid by `phonenumbers`; None otherwise.

    "+49 151 12345678" and "0049 151 12345678" are read as written. Digits alone count as
    a country code and number only when they are long enough and cannot be a Kazakhstan
    form (a trunk "8" or a national "0"): a messenger's shared contact often comes without
    the "+" ("4915112345678"), while a mistyped "8 ..." stays a mistyped Kazakhstan number.
    """
    raw = _PHONE_PUNCTUATION.sub("", text.strip())
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    elif _ASCII_DIGITS.fullmatch(raw) and len(raw) >= 11 and raw[0] not in "08":
        raw = "+" + raw
    if not raw.startswith("+") or not _ASCII_DIGITS.fullmatch(raw[1:]):
        return None
    try:
        number = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _foreign(text: str) -> phonenumbers.PhoneNumber | None:
    number = _international(text)
    if number is None or phonenumbers.region_code_for_number(number) == KZ:
        return None
    return number


def parse_kz_phone(text: str) -> str:
    """A Kazakhstan number, as :func:`parse_phone`; a valid number of another country is told
    so in its own words (the service takes Kazakhstan numbers only), not as a typo."""
    try:
        return parse_phone(text)
    except Invalid:
        foreign = _foreign(text)
        if foreign is None:
            raise
        raise Invalid("error-phone-foreign", {
            "country": phone_country(phonenumbers.format_number(
                foreign, phonenumbers.PhoneNumberFormat.E164))}) from None


def parse_phone_anywhere(text: str) -> str:
    """A Kazakhstan number in any form :func:`parse_phone` takes, or a number abroad with its
    country code, normalised to E.164: "+49 151 12345678" -> ``+4915112345678``."""
    try:
        return parse_phone(text)
    except Invalid:
        foreign = _foreign(text)
        if foreign is None:
            raise Invalid("error-phone-format-anywhere") from None
        return phonenumbers.format_number(foreign, phonenumbers.PhoneNumberFormat.E164)


def phone_region(number: str) -> str:
    """The region code of a normalised number ("+4915112345678" -> "DE"); "" if unknown."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        return ""
    return phonenumbers.region_code_for_number(parsed) or ""


def phone_country(number: str) -> Text:
    """The country of a normalised number, as a person reads it: its name where the locales
    have one (the countries of flows/data/countries.json), else its region code ("DE")."""
    region = phone_region(number)
    if region.lower() in _COUNTRY_NAMES:
        return Text(country_label_id(region.lower()))
    return Text("value-plain", {"value": region or "?"})


# --- dates -----------------------------------------------------------------------------

_DMY = re.compile(r"([0-9]{1,2})([./-]| )([0-9]{1,2})\2([0-9]{4})")
_YMD = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")


def parse_date(text: str) -> date:
    """DD.MM.YYYY (also D.M.YYYY, with / - or space) or ISO YYYY-MM-DD."""
    value = " ".join(text.split())
    if m := _DMY.fullmatch(value):
        day, month, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
    elif m := _YMD.fullmatch(value):
        year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        raise Invalid("error-date-format")
    try:
        return date(year, month, day)
    except ValueError:
        raise Invalid("error-date-invalid", {"value": value}) from None


def age_on(birth: date, on: date) -> int:
    """Full years of age on ``on``.

    Someone born on 29 February turns a year older on 28 February in common years: a
    term that ends on a date the month lacks ends on the month's last day (Civil Code).
    """
    month, day = birth.month, birth.day
    if (month, day) == (2, 29) and not _is_leap(on.year):
        day = 28
    return on.year - birth.year - ((on.month, on.day) < (month, day))


def turns(birth: date, years: int) -> date:
    """The day one born on ``birth`` turns ``years`` old (as `age_on` counts)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:  # 29 February in a common year
        return birth.replace(year=birth.year + years, day=28)


ADULT = 18  # years: no longer a child


def check_in_childhood(d: date, births: Sequence[date], adult: int = ADULT) -> date:
    """No later than the last day the youngest child is a child: past it, no child is
    left for the service to be about (a typo such as 2207 for 2027)."""
    if births and d >= (coming_of_age := turns(max(births), adult)):
        raise Invalid("error-period-past-childhood",
                      {"date": coming_of_age - timedelta(days=1), "max": adult})
    return d


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


_MAX_HUMAN_AGE = 120


def _years_before(d: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February -> 28 February)."""
    return turns(d, -years)


def check_birth_date(d: date, today: date, max_age_years: int = ADULT,
                     too_old: str = "error-child-too-old") -> date:
    """A child's birth date: not in the future, under ``max_age_years``, not absurd;
    `too_old` says why an older one is refused, in the words of the service asked for."""
    if d > today:
        raise Invalid("error-birth-date-future")
    if d < _years_before(today, _MAX_HUMAN_AGE):
        # a typo such as 1809 for 2009: not a date anybody alive was born on
        raise Invalid("error-date-invalid", {"value": f"{d.day:02d}.{d.month:02d}.{d.year:04d}"})
    if age_on(d, today) >= max_age_years:
        raise Invalid(too_old, {"max": max_age_years})
    return d


def check_not_past(d: date, today: date) -> date:
    """Today or later (e.g. the start of the meeting period)."""
    if d < today:
        raise Invalid("error-date-past")
    return d


def check_after(d: date, other: date) -> date:
    """Strictly after ``other`` (e.g. the period's end after its start)."""
    if d <= other:
        raise Invalid("error-date-not-after", {"other": other})
    return d


# --- names, addresses, free text -------------------------------------------------------

# Russian and Kazakh Cyrillic, plain Latin and the letters of the Kazakh Latin alphabet.
_LETTER = "A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІіÄäÇçĞğÑñÖöŞşŪūÜüİı"
_NAME = re.compile(rf"[{_LETTER}]+(?:[-' ][{_LETTER}]+)*")
# Phones turn ' into typographic apostrophes and - into non-breaking hyphens.
_NAME_FOLD = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "‐": "-", "‑": "-"})
_AROUND_JOINER = re.compile(r"\s*([-'])\s*")
_MAX_NAME = 50


def parse_person_name(text: str) -> str:
    """One part of a name: surname, first name or patronymic ("Мұхаммед-Әли", "О'Брайен")."""
    value = " ".join(text.translate(_NAME_FOLD).split())
    value = _AROUND_JOINER.sub(r"\1", value)
    if not any(_visible(char) for char in value):
        raise Invalid("error-text-empty")
    if len(value) > _MAX_NAME:  # the reason, not "letters only": it may be all letters
        raise Invalid("error-text-too-long", {"max": _MAX_NAME})
    if not _NAME.fullmatch(value):
        raise Invalid("error-name-format")
    if value == value.lower():
        # All lower-case: capitalise the start and each hyphenated part ("Әли-Асқар");
        # otherwise keep the person's own capitalisation (e.g. "ДиКаприо").
        value = "-".join(part[:1].upper() + part[1:] for part in value.split("-"))
    return value


# What people type for "I have none" where a patronymic is asked (kk, ru, en): never a name.
# Kazakh typed on a Russian keyboard too ("жок").
_NO_PATRONYMIC = frozenset({"нет", "нету", "не имеется", "отсутствует", "без отчества",
                            "нет отчества", "отчества нет", "отчество отсутствует",
                            "жоқ", "жок", "әкесінің аты жоқ", "әкесінің аты жок",
                            "экесинин аты жок", "әкемнің аты жоқ", "no", "none", "n/a",
                            "no patronymic", "-", "--", "—", "–", "0"})


def parse_patronymic(text: str) -> str:
    """A patronymic, which one may not have: "нет" or "-" typed for none is told to tap
    Skip, never kept as a name ("Смагулов Арман Нет")."""
    if " ".join(text.lower().strip(" .!").split()) in _NO_PATRONYMIC:
        raise Invalid("error-patronymic-none")
    return parse_person_name(text)


_MIN_ADDRESS, _MAX_ADDRESS = 5, 300


def parse_address(text: str) -> str:
    """A postal address as typed: 5..300 characters with at least one letter."""
    value = " ".join(text.split())
    if len(value) > _MAX_ADDRESS:
        raise Invalid("error-text-too-long", {"max": _MAX_ADDRESS})
    if len(value) < _MIN_ADDRESS or not any(c.isalpha() for c in value):
        raise Invalid("error-address-format")
    return value


# Characters that draw nothing though Python calls them letters or symbols: the Hangul
# fillers and the Braille blank, the usual ways to send a message that looks empty.
_DRAWS_NOTHING = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _visible(char: str) -> bool:
    # Z: spaces and separators; C: controls, formats (zero-width), private use, unassigned
    return char not in _DRAWS_NOTHING and unicodedata.category(char)[0] not in "ZC"


def parse_free_text(text: str, max_len: int = 1000) -> str:
    """Free text (reasons, comments): something visible, at most ``max_len`` characters."""
    value = text.strip()
    if not any(_visible(char) for char in value):
        raise Invalid("error-text-empty")
    if len(value) > max_len:
        raise Invalid("error-text-too-long", {"max": max_len})
    return value


# --- e-mail ----------------------------------------------------------------------------

MAX_EMAIL = 254  # RFC 5321: the longest address a mail server takes on its RCPT line


def parse_email(text: str) -> str:
    """An e-mail address as typed, checked without asking the network: no spaces, at most
    254 characters, a `@`, a domain with a dot, and a syntax mail servers take (the
    `email-validator` library, deliverability not checked). The plain mistakes get their own
    reason. Returned lower-cased with its domain in ASCII (punycode), as mail servers and the
    inbound listener write it."""
    value = text.strip()
    if any(char.isspace() for char in value):
        raise Invalid("error-email-spaces")
    if len(value) > MAX_EMAIL:
        raise Invalid("error-email-too-long", {"max": MAX_EMAIL})
    local, at, domain = value.rpartition("@")
    if not at or not local:
        raise Invalid("error-email-no-at")
    if "." not in domain.strip("."):
        raise Invalid("error-email-domain")
    try:
        checked = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise Invalid("error-email-format") from None
    return (checked.ascii_email or checked.normalized).lower()


def mail_address_key(address: str) -> str:
    """An address as `parse_email` stores it (lower-cased, its domain in punycode), however a
    mail wrote it: a client with SMTPUTF8 may write arman@почта.рф. One that is no valid
    address stays as written, lower-cased: it matches nobody's."""
    try:
        return parse_email(address)
    except Invalid:
        return address.strip().lower()


def shown_email(address: str) -> str:
    """An address as a person reads it: the domain in its own letters (почта.рф), not the
    punycode that `parse_email` gives mail servers."""
    local, _, domain = address.rpartition("@")
    try:
        return f"{local}@{domain.encode('ascii').decode('idna')}"
    except UnicodeError:  # not punycode we can read: as stored
        return address
