"""Papers laid out in a process of their own (bot/paper_process.py): the same bytes as laid
out here, the bot's process free of the PDF stack, a dead process replaced, a hung one and
an idle one ended, a failure told."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace

import pytest

import papers
from bot import paper_process
from bot.paper_process import PaperNotLaidOut, PaperProcess
from flows.paper import APPLICATION
from tests.papers.samples import facts


async def test_a_paper_comes_back_from_its_process_and_again_after_the_process_died() -> None:
    press = PaperProcess()
    paper = facts(APPLICATION)
    try:
        assert await press(paper, "ru") == papers.render(paper, "ru")
        first = press.pid
        assert first is not None and first != os.getpid()
        os.kill(first, signal.SIGKILL)  # out of memory, say
        assert await press(paper, "kk") == papers.render(paper, "kk")
        assert press.pid not in (None, first)
    finally:
        press.close()


async def test_the_papers_process_ends_when_idle_and_starts_with_the_next_paper() -> None:
    press = PaperProcess(idle_after=0.05)
    paper = facts(APPLICATION)
    try:
        await press(paper, "ru")
        for _ in range(200):  # ended within a few seconds
            if press.pid is None:
                break
            await asyncio.sleep(0.05)
        assert press.pid is None
        assert await press(paper, "ru") == papers.render(paper, "ru")
    finally:
        press.close()


async def test_a_paper_that_cannot_be_laid_out_is_told_and_the_next_one_comes() -> None:
    press = PaperProcess()
    paper = facts(APPLICATION)
    try:
        with pytest.raises(PaperNotLaidOut, match="TypeError"):  # a paper with no date
            await press(replace(paper, issued_on=None), "ru")
        assert await press(paper, "ru") == papers.render(paper, "ru")
    finally:
        press.close()


async def test_a_hung_papers_process_is_ended_and_the_next_paper_comes(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    press = PaperProcess()
    paper = facts(APPLICATION)
    try:
        await press(paper, "ru")
        hung = press.pid
        assert hung is not None
        os.kill(hung, signal.SIGSTOP)  # alive, and answering nothing
        monkeypatch.setattr(paper_process, "ANSWER_WITHIN", 1.0)
        with pytest.raises(PaperNotLaidOut, match="no answer within 1 s"):
            await press(paper, "ru")
        assert press.pid is None
        monkeypatch.undo()  # a new process's first paper takes seconds
        assert await press(paper, "kk") == papers.render(paper, "kk")
    finally:
        press.close()


def test_the_papers_process_ends_with_the_bots() -> None:
    """Killed, the bot's process leaves no papers' process behind: its pipe closes."""
    code = ("import asyncio; from bot.paper_process import PaperProcess; "
            "from tests.papers.samples import facts; from flows.paper import APPLICATION\n"
            "press = PaperProcess()\n"
            "asyncio.run(press(facts(APPLICATION), 'ru')); print(press.pid, flush=True)\n"
            "import os, signal; os.kill(os.getpid(), signal.SIGKILL)")
    bot = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    child = int(bot.stdout.strip())
    for _ in range(100):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    pytest.fail(f"the papers' process {child} outlived the bot's")
