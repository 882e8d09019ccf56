"""Issue 17: the console's list of open applications — marks, filters, search, pages, CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from typing import Any

from flows.calendar import KZ_TZ
from storage.db import sessions
from storage.staff import StaffDesk
from tests.console.conftest import Browser, signed_in, submitted
from tests.fakes.telegram_api import FakeTelegram
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says

# Monday 23.11.2026 is "today". Filed on Tuesday 17.11 the completeness check was due on
# 18.11 (overdue); filed on Friday 20.11 it is due today, Monday; filed today, tomorrow.
OVERDUE_AT = datetime(2026, 11, 17, 10, 0, tzinfo=KZ_TZ)
DUE_TODAY_AT = datetime(2026, 11, 20, 10, 0, tzinfo=KZ_TZ)
ROW_RE = re.compile(r'<tr class="([^"]*)" data-test="row" data-number="([^"]+)"')


def rows(html: str) -> list[tuple[str, str]]:
    """(mark, number) of each row, in the page's order."""
    return [(mark, number) for mark, number in ROW_RE.findall(html)]


async def many_applications(bot: RunningBot) -> None:
    """3 overdue, 2 due today, 46 due later (one of them to another body, one from another
    applicant): 51 open applications."""
    at = [OVERDUE_AT] * 3 + [DUE_TODAY_AT] * 2 + [None] * 46
    for i, moment in enumerate(at):
        extra: dict[str, Any] = {}
        if i == 10:
            extra = {"body": "kst-lisakovsk"}
        if i == 11:
            extra = {"surname": "Сейткали", "first_name": "Бауыржан"}
        await submitted(bot, moment, draft=f"d-{i}", **extra)


async def test_the_list_marks_filters_searches_and_pages(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    await many_applications(console)
    browser = await signed_in(console, browsers)

    first = await browser.get("/console/")
    listed = rows(first.text)
    assert len(listed) == 50 and 'data-total="51"' in first.text
    # the most urgent first: overdue in red, then due today in amber, then the rest
    assert [mark for mark, _ in listed[:6]] == ["overdue"] * 3 + ["due-today"] * 2 + [""]
    assert "Иванова" not in first.text and "И. А." in first.text  # initials only
    assert 'id="page-next"' in first.text and 'id="page-previous"' not in first.text
    second = await browser.get("/console/?page=2")
    assert len(rows(second.text)) == 1 and 'id="page-previous"' in second.text

    due_today = await browser.get("/console/?due=today")
    assert [mark for mark, _ in rows(due_today.text)] == ["due-today"] * 2
    overdue = await browser.get("/console/?due=overdue")
    assert [mark for mark, _ in rows(overdue.text)] == ["overdue"] * 3
    assert len(rows((await browser.get("/console/?due=due")).text)) == 5
    assert [n for _, n in rows((await browser.get("/console/?body=kst-lisakovsk")).text)] \
        == ["ВП-2026-00011"]
    nothing = await browser.get("/console/?status=under_review")
    assert rows(nothing.text) == [] and says("console-list-empty", "ru") in nothing.text
    assert rows((await browser.get("/console/?service=interview")).text) == []
    # filters are kept in the pages' links
    assert len(rows((await browser.get("/console/?service=visit&page=2")).text)) == 1

    by_number = await browser.get("/console/?q=00042")
    assert [n for _, n in rows(by_number.text)] == ["ВП-2026-00042"]
    by_surname = await browser.get("/console/?q=сейт")
    assert [n for _, n in rows(by_surname.text)] == ["ВП-2026-00012"]
    assert "С. Б." in by_surname.text


async def test_the_csv_export_has_the_same_rows_as_the_filtered_list(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    await many_applications(console)
    browser = await signed_in(console, browsers)
    status, body, headers = await browser.raw("/console/export.csv?due=due")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert headers["Content-Disposition"].startswith("attachment")
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert table[0][0] == says("console-col-number", "ru")
    assert [line[0] for line in table[1:]] == [
        "ВП-2026-00001", "ВП-2026-00002", "ВП-2026-00003", "ВП-2026-00004", "ВП-2026-00005"]
    assert table[1][3] == "И. А." and table[1][6] == "18.11.2026"
    assert table[1][4] == says("status-submitted", "ru")
    _status, everything, _headers = await browser.raw("/console/export.csv")
    assert len(list(csv.reader(io.StringIO(everything.decode("utf-8-sig"))))) == 52


async def test_the_list_reads_a_change_made_since_it_last_looked(
    telegram: FakeTelegram, console: RunningBot, browsers: list[Browser]
) -> None:
    await submitted(console, DUE_TODAY_AT, draft="d-1")
    browser = await signed_in(console, browsers)
    assert rows((await browser.get("/console/")).text) == [("due-today", "ВП-2026-00001")]
    assert console.app is not None
    accepted = await StaffDesk(sessions(console.app.db)).act(
        1, "accept", "staff:77", {}, DUE_TODAY_AT.replace(day=23))
    assert accepted.ok
    # accepted today: the next date is the permission's, three working days on
    assert rows((await browser.get("/console/")).text) == [("", "ВП-2026-00001")]
    assert rows((await browser.get("/console/?status=under_review")).text) == [
        ("", "ВП-2026-00001")]
