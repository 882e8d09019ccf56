"""What staff type: a hearing, a period, a text, opening or closing times — read strictly,
with a clear error (a Fluent id) when it cannot be read. Free text staff write for a citizen
is tidied (`tidy`) before anything quotes it."""

from __future__ import annotations

import re
from datetime import date, datetime
from datetime import time as dt_time

from flows.calendar import KZ_TZ
from flows.validators import Invalid, check_after, check_not_past, parse_date, parse_free_text

TIME_RE = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


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
    return parse_free_text(tidy(text))


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
    return {"date": day.isoformat(), "time": f"{int(hours):02d}:{minutes}", "place": parts[1],
            "details": parts[2]}


def parse_period(text: str, _today: date | None = None) -> dict[str, str]:
    words = text.replace("–", " ").replace("-", " ").split()
    if len(words) != 2:
        raise Invalid("staff-error-period-format")
    start = parse_date(words[0])
    end = check_after(parse_date(words[1]), start)
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
