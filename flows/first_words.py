"""The first words' language (issue 18): before a person chooses, the bot speaks the
language their messenger suggests, and still asks.

A hint is "kk", "ru", "en", or "" when nothing decides it (the configured default then).
It is never stored as the person's choice: the language question comes all the same.
"""

from __future__ import annotations

LANGUAGES = ("kk", "ru", "en")
NO_HINT = ""

# Country code +7 is shared: Kazakhstan's numbers go on with 6 or 7, Russia's with 3, 4, 8
# or 9. In Kazakhstan either language may be the person's: no hint; nor for a digit neither
# country uses.
_SHARED_CODE = "7"
_RUSSIA_AFTER_7 = ("3", "4", "8", "9")
_SHORTEST_NUMBER = 8  # digits with the country code; anything shorter is not a phone number


def from_language_code(code: str | None) -> str:
    """Telegram's `language_code`, an IETF tag ("ru", "ru-RU", "kk"): Kazakh and Russian
    are themselves, any other language is English; a user who sends none gets no hint."""
    if not code:
        return NO_HINT
    primary = code.replace("_", "-").split("-", 1)[0].strip().lower()
    return primary if primary in ("kk", "ru") else "en"


def from_phone(number: str) -> str:
    """A WhatsApp number (the wa_id: digits with the country code, "+" optional): Russia's
    numbers are Russian, Kazakhstan's decide nothing, other countries' are English. A
    sender who hides the number (a BSUID, not digits) gets no hint."""
    digits = number.removeprefix("+")
    if not digits.isdigit() or len(digits) < _SHORTEST_NUMBER:
        return NO_HINT
    if not digits.startswith(_SHARED_CODE):
        return "en"
    return "ru" if digits[1] in _RUSSIA_AFTER_7 else NO_HINT


def first_language(hint: str, default: str) -> str:
    """The language of a reply to a person who has not chosen one: the hint, else the
    default."""
    return hint if hint in LANGUAGES else default
