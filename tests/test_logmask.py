"""The log mask (bot/logmask.py): what an operator reads instead of IINs, phones and SQL values."""

from __future__ import annotations

import logging

import pytest

from bot import logmask


def line(name: str, msg: str, *args: object, exc: BaseException | None = None) -> str:
    info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    record = logmask.mask_record(logging.LogRecord(name, logging.INFO, __file__, 1, msg, args,
                                                   info))
    return record.getMessage() + (record.exc_text or "")


@pytest.mark.parametrize(("typed", "shown"), [
    ("871008401427", "8710******27"),
    ("+77011234567", "+7701*****67"),
    ("87011234567", "8701*****67"),
    ("+7 701 123 45 67", "+7701*****67"),
    ("8 (701) 123-45-67", "8701*****67"),
    ("+49 151 23456789", "+4915*******89"),
])
def test_iin_and_phones_are_masked_in_message_and_arguments(typed: str, shown: str) -> None:
    assert line("handlers.x", f"phone {typed} given") == f"phone {shown} given"
    assert line("aiogram.event", "from %s, update %d", typed, 42) == f"from {shown}, update 42"


def test_ids_dates_and_times_stay_readable() -> None:
    assert line("bot", "update %s at %s", 123456789, "2026-11-23 10:00:00") == \
        "update 123456789 at 2026-11-23 10:00:00"
    assert line("bot", "application ВП-2026-00001 on 19.03.2026") == \
        "application ВП-2026-00001 on 19.03.2026"


def test_sql_parameters_rows_and_aiosqlite_calls_keep_words_not_values() -> None:
    assert line("sqlalchemy.engine.Engine", "[%s] %r", "generated in 0.1s",
                ("Иванова", "Айгүл")) == "[‹withheld›] '‹withheld›'"
    assert line("aiosqlite", "executing %s", "partial('Рудный қ.')") == "executing ‹withheld›"
    assert line("sqlalchemy.engine.Engine", "SELECT 1") == "SELECT 1"


def test_a_traceback_is_masked_too() -> None:
    try:
        raise ValueError("bad phone +77011234567")
    except ValueError as error:
        shown = line("bot.app", "update failed", exc=error)
    assert "+7701*****67" in shown and "7011234567" not in shown


def test_install_masks_records_of_every_logger(caplog: pytest.LogCaptureFixture) -> None:
    logmask.install()
    logmask.install()  # twice is once
    caplog.set_level(logging.DEBUG)
    logging.getLogger("aiohttp.client").debug("to %s", "871008401427")
    assert [r.getMessage() for r in caplog.records] == ["to 8710******27"]
