"""What staff type: a hearing, a period, a text, opening or closing times — read strictly,
with a clear error (a Fluent id) when it cannot be read. Free text staff write for a citizen
is tidied (`tidy`) before anything quotes it."""

from __future__ import annotations

import re
from datetime import date, datetime
from datetime import time as dt_time

from flows.calendar import KZ_TZ, LUNCH, OFFICE_CLOSE, OFFICE_OPEN, is_office_open
from flows.validators import Invalid, check_after, check_not_past, parse_date, parse_free_text

TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
MAX_PLACE = 300  # the hearing's place, as long as a postal address may be


_SPACES_RE = re.compile(r"[ \t\u00a0]+")
_SPACE_BEFORE_MARK_RE = re.compile(r" +([,.;:!?])")
_DOUBLED_MARK_RE = re.compile(r"([,;:!?])\1+")
_DOUBLED_STOP_RE = re.compile(r"(?<!\.)\.\.(?!\.)")  # "каб.." -> "каб."; "..." stays
_CLOSING_MARKS = ".,;:"


def tidy(text: str, *, mid_sentence: bool = False) -> str:
    """Staff free text as a citizen reads it quoted: trimmed, one space between words, no
    empty lines, no doubled punctuation. `mid_sentence`: the message goes on after it (the
    hearing's place is followed by the notice's own full stop), so its closing mark goes."""
    lines = (_SPACES_RE.sub(" ", line).strip() for line in text.splitlines())
    tidied = "\n".join(line for line in lines if line)
    tidied = _SPACE_BEFORE_MARK_RE.sub(r"\1", tidied)
    tidied = _DOUBLED_STOP_RE.sub(".", _DOUBLED_MARK_RE.sub(r"\1", tidied))
    if mid_sentence and not tidied.endswith("..."):
        tidied = tidied.rstrip(_CLOSING_MARKS).rstrip()
    return tidied


def parse_text(text: str, _today: date) -> str:
    """A text that goes into a legal paper (reasons, a decision): words, not only emoji."""
    value = parse_free_text(tidy(text))
    if not any(char.isalnum() for char in value):
        raise Invalid("staff-error-text-no-words")
    return value


def parse_hearing(text: str, today: date) -> dict[str, str]:
    """"27.11.2026 15:00; place; details of the grounds" -> the hearing's details."""
    parts = [part.strip() for part in text.split(";", 2)]
    if len(parts) == 3:
        parts[1:] = [tidy(parts[1], mid_sentence=True), tidy(parts[2])]
    if len(parts) != 3 or not all(parts):
        raise Invalid("staff-error-hearing-format")
    when = parts[0].split()
    if len(when) != 2 or not TIME_RE.match(when[1]):
        raise Invalid("staff-error-hearing-format")
    day = check_not_past(parse_date(when[0]), today)
    hours, minutes = TIME_RE.match(when[1]).groups()  # type: ignore[union-attr]
    if not is_office_open(datetime.combine(day, dt_time(int(hours), int(minutes)), KZ_TZ)):
        # The applicant is summoned to the body: on a working day, in its office hours.
        raise Invalid("staff-error-hearing-closed", {
            "open": OFFICE_OPEN.strftime("%H:%M"), "close": OFFICE_CLOSE.strftime("%H:%M"),
            "lunch": LUNCH[0].strftime("%H:%M"), "after": LUNCH[1].strftime("%H:%M")})
    return {"date": day.isoformat(), "time": f"{int(hours):02d}:{minutes}",
            "place": parse_free_text(parts[1], MAX_PLACE),
            "details": parse_free_text(parts[2])}


def parse_period(text: str, today: date | None = None) -> dict[str, str]:
    words = text.replace("–", " ").replace("-", " ").split()
    if len(words) != 2:
        raise Invalid("staff-error-period-format")
    start = parse_date(words[0])
    end = check_after(parse_date(words[1]), start)
    if today is not None and end < today:  # a permission for it would allow nothing
        raise Invalid("staff-error-period-over")
    return {"from": start.isoformat(), "to": end.isoformat()}


SLOTS_RE = re.compile(
    r"^/(open|close)(?:@\w+)?\s+([a-z0-9-]+)\s+(\S+)\s+(\d{1,2}[:.]\d{2})\s*-\s*(\d{1,2}[:.]\d{2})$")


def parse_override(text: str) -> tuple[str, str, datetime, datetime] | None:
    """"/close kst-rudny 25.11.2026 14:30-16:00" -> (kind, body, start, end) in Astana time."""
    match = SLOTS_RE.match(text.strip())
    if match is None:
        return None
    kind, body, day, start, end = match.groups()
    try:
        when = parse_date(day)
    except Invalid:
        return None
    def at(clock: str) -> datetime:
        hours, minutes = clock.replace(".", ":").split(":")
        return datetime.combine(when, dt_time(int(hours), int(minutes)), KZ_TZ)
    try:
        begin, finish = at(start), at(end)
    except ValueError:
        return None
    return (kind, body, begin, finish) if begin < finish else None


MAX_OFFICIAL_NAME = 150
MAX_POSITION = 300
# A word of a name as signed on a paper: letters, with hyphens, apostrophes and the dots
# of initials ("Ахметова-Ким", "Г.С.").
_SIGNED_WORD_RE = re.compile(r"(?:[^\W\d_]|[-'’.])+")


def parse_official_name(text: str) -> str:
    """The name a staff member signs papers with: a surname and a name, or initials."""
    words = tidy(text).split()
    name = " ".join(words)
    if not 2 <= len(words) <= 6 or len(name) > MAX_OFFICIAL_NAME or not all(
            _SIGNED_WORD_RE.fullmatch(word) and any(c.isalpha() for c in word)
            for word in words):
        raise Invalid("console-error-official-name", {"max": MAX_OFFICIAL_NAME})
    return name


def parse_position(text: str) -> str:
    """A position as a paper prints it, in one line ("Главный специалист отдела ...")."""
    position = " ".join(tidy(text).split())
    if not 3 <= len(position) <= MAX_POSITION or \
            sum(char.isalpha() for char in position) < 3:
        raise Invalid("console-error-position", {"max": MAX_POSITION})
    return position
