"""Logs without personal data, at every level and from every logger (issue 13, item 5).

Two rules, applied to each record as it is made:

- IIN-like numbers (12 digits) and phone-like numbers (10 to 15 digits, with or without
  `+`, spaces, hyphens, brackets) are masked, keeping the first four and last two digits:
  `871008401427` → `8710******27`, `+7 701 123 45 67` → `+7701*****67`. Names and addresses
  cannot be recognised by a pattern, so our own log calls never carry them (they log ids,
  numbers of applications, kinds of errors).
- The loggers that print the data itself (SQLAlchemy's parameters and result rows,
  aiosqlite's calls with their arguments) keep their wording, never their values.

`install()` puts the mask in the record factory, so it holds for every handler, also those
added later (pytest's, a library's), and adds it as a Filter to the root handlers.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

# Loggers whose arguments are stored values: SQL parameters and rows, aiosqlite calls.
DATA_LOGGERS = ("sqlalchemy.engine", "sqlalchemy.orm", "aiosqlite")
WITHHELD = "‹withheld›"
_MASKED = "_personal_data_masked"

_IIN = re.compile(r"(?<![\d*])\d{12}(?![\d*])")
_PHONE = re.compile(r"(?<![\w*])\+?\d(?:(?:[ \-]|[ \-]?\(|\)[ \-]?)?\d){9,14}(?![\d*])")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _keep_ends(digits: str) -> str:
    return digits[:4] + "*" * (len(digits) - 6) + digits[-2:]


def _phone(match: re.Match[str]) -> str:
    text = match.group()
    if _ISO_DATE.search(text):  # 2026-11-23 10: a moment, not a phone
        return text
    digits = re.sub(r"\D", "", text)
    return ("+" if text.startswith("+") else "") + _keep_ends(digits)


def mask(text: str) -> str:
    """The text with every IIN-like and phone-like number masked."""
    text = _IIN.sub(lambda m: _keep_ends(m.group()), text)
    return _PHONE.sub(_phone, text)


def _hide_parameters(error: BaseException | None) -> None:
    """SQLAlchemy's statement errors print their parameters unless told not to."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if hasattr(error, "hide_parameters"):
            error.hide_parameters = True
        error = error.__cause__ or error.__context__


def _message(record: logging.LogRecord) -> str:
    if record.name.startswith(DATA_LOGGERS) and record.args:
        args = record.args if isinstance(record.args, tuple) else (record.args,)
        try:
            return str(record.msg) % tuple(WITHHELD for _ in args)
        except (TypeError, ValueError):
            return f"{record.msg} {WITHHELD}"
    return record.getMessage()


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    """The record with its message (formatted once, then masked), its traceback and its
    stack masked; a record already masked is returned as it is."""
    if getattr(record, _MASKED, False):
        return record
    try:
        message = _message(record)
    except Exception:  # a malformed call: its pieces, masked, rather than a lost line
        message = f"{record.msg!s} {record.args!r}"
    record.msg, record.args = mask(message), ()
    if record.exc_info and record.exc_info[1] is not None:
        _hide_parameters(record.exc_info[1])
        if not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
    if record.exc_text:
        record.exc_text = mask(record.exc_text)
    if record.stack_info:
        record.stack_info = mask(record.stack_info)
    setattr(record, _MASKED, True)
    return record


class PersonalDataMask(logging.Filter):
    """A Filter for any handler: masks, never drops."""

    def filter(self, record: logging.LogRecord) -> bool:
        mask_record(record)
        return True


class JsonFormatter(logging.Formatter):
    """`LOG_FORMAT=json`: one JSON object a line, `time` (UTC, ISO 8601), `level`, `logger`,
    `message`, and `exception` (the traceback) when there is one; every text masked."""

    def format(self, record: logging.LogRecord) -> str:
        mask_record(record)  # once per record, whoever made it
        line: dict[str, str] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = mask(self.formatException(record.exc_info))
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = record.stack_info
        return json.dumps(line, ensure_ascii=False)


_installed: list[Callable[..., logging.LogRecord]] = []


def install() -> None:
    """Mask every record of every logger from now on (safe to call more than once)."""
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, PersonalDataMask) for f in handler.filters):
            handler.addFilter(PersonalDataMask())
    if _installed:
        return
    make = logging.getLogRecordFactory()

    def masked(*args: Any, **kwargs: Any) -> logging.LogRecord:
        return mask_record(make(*args, **kwargs))

    _installed.append(make)
    logging.setLogRecordFactory(masked)
