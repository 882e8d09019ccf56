"""Papers laid out in a process of their own (`python -m bot.paper_process`).

Laying a PDF out is a few hundred milliseconds of pure Python. In a thread of the bot's
process it held the interpreter's lock in turns with the event loop, and every person's turn
meanwhile took about fifty times as long (`bench/paper_stall.py`). In a process of its own
it runs on another core, and the bot's process never imports the PDF stack (fpdf2,
fontTools, Pillow).

The process starts with the first paper, which then takes a few seconds more (its imports,
fonts and words: 5.5 s on the 2-core build machine), and holds about 100 MB. It ends after
`IDLE_AFTER` seconds without a paper, or with the bot's process (its pipe closes). A paper
asked of a process that has died (killed, out of memory, idle) is asked again of a new one.
Requests go one at a time, from a thread of their own, so any event loop may ask (each test
has its own).

The pipe is private to the two processes. Each request and answer is a frame: four bytes of
length, then a pickle. A request is `(facts, language)`; an answer `(True, pdf)`, or
`(False, traceback)` when the paper could not be laid out.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from flows.paper import PaperFacts

log = logging.getLogger(__name__)
IDLE_AFTER = 1800.0  # s: an office day issues papers every few minutes; it ends by night
ROOT = Path(__file__).resolve().parent.parent  # where `papers` sits beside `bot`
HEAD = struct.Struct(">I")  # a frame's length
ANSWER_WITHIN = 120.0  # s: a paper takes a few at most, a cold start included


class PaperNotLaidOut(Exception):
    """The papers' process could not lay the paper out: its traceback."""


class PaperProcess:
    """`await press(facts, language)`: the paper's PDF bytes, from the papers' process."""

    def __init__(self, idle_after: float = IDLE_AFTER) -> None:
        self.idle_after = idle_after
        self._child: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()  # one request at a time (and `close` from elsewhere)
        # Papers wait for each other here, not in the loop's default threads (file reads).
        self._asker = ThreadPoolExecutor(1, thread_name_prefix="papers")

    async def __call__(self, facts: PaperFacts, language: str) -> bytes:
        request = pickle.dumps((facts, language))
        ok, answer = await asyncio.get_running_loop().run_in_executor(
            self._asker, self._ask, request)
        if not ok:
            raise PaperNotLaidOut(answer)
        assert isinstance(answer, bytes)
        return answer

    @property
    def pid(self) -> int | None:
        """The papers' process's id while it runs."""
        child = self._child
        return child.pid if child is not None and child.poll() is None else None

    def _ask(self, request: bytes) -> tuple[bool, bytes | str]:
        with self._lock:
            for attempt in (1, 2):
                child = self._running()
                body = self._exchange(child, request)
                if body is not None:
                    answer: tuple[bool, bytes | str] = pickle.loads(body)
                    return answer
                self._end(child)  # it died, or ended idle as this was asked: once more
                if attempt == 1:
                    log.info("the papers' process had ended: starting another")
            raise PaperNotLaidOut("the papers' process ended twice without an answer")

    def _exchange(self, child: subprocess.Popen[bytes], request: bytes) -> bytes | None:
        """The answer's pickle; None when the process ended before it answered."""
        assert child.stdin is not None and child.stdout is not None
        try:
            child.stdin.write(HEAD.pack(len(request)) + request)
            child.stdin.flush()
        except BrokenPipeError:
            return None
        ready, _, _ = select.select([child.stdout], [], [], ANSWER_WITHIN)
        if not ready:  # hung: a paper takes seconds at most
            self._end(child)
            raise PaperNotLaidOut(f"no answer within {ANSWER_WITHIN:.0f} s: process ended")
        head = child.stdout.read(HEAD.size)
        if len(head) < HEAD.size:
            return None
        size = HEAD.unpack(head)[0]
        body = child.stdout.read(size)
        return body if len(body) == size else None

    def _running(self) -> subprocess.Popen[bytes]:
        if self._child is None or self._child.poll() is not None:
            self._child = subprocess.Popen(
                [sys.executable, "-m", "bot.paper_process", "--idle", str(self.idle_after)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=ROOT)
        return self._child

    def _end(self, child: subprocess.Popen[bytes]) -> None:
        child.kill()
        child.wait()
        for pipe in (child.stdin, child.stdout):
            if pipe is not None:
                pipe.close()
        if self._child is child:
            self._child = None

    def close(self) -> None:
        """End the process (the next paper starts it again)."""
        with self._lock:
            if self._child is not None:
                self._end(self._child)


# ------------------------------------------------------------------ the papers' process


def _read_exactly(fd: int, size: int) -> bytes | None:
    """`size` bytes, or None when the pipe closed first."""
    chunks, left = [], size
    while left:
        chunk = os.read(fd, left)
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _write_frame(fd: int, data: bytes) -> None:
    view = memoryview(HEAD.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def serve(source: int, sink: int, idle: float) -> None:
    """Answer requests until the pipe closes or `idle` seconds pass without one."""
    from papers import render  # here only: the bot's process never holds the PDF stack

    while True:
        ready, _, _ = select.select([source], [], [], idle)
        head = _read_exactly(source, HEAD.size) if ready else None
        body = _read_exactly(source, HEAD.unpack(head)[0]) if head else None
        if body is None:
            return
        facts, language = pickle.loads(body)
        try:
            answer: tuple[bool, bytes | str] = (True, render(facts, language))
        except Exception:  # told to the bot's process, which logs it masked
            answer = (False, traceback.format_exc())
        _write_frame(sink, pickle.dumps(answer))


def main() -> int:
    parser = argparse.ArgumentParser(description="Lay papers out for the bot's process.")
    parser.add_argument("--idle", type=float, default=IDLE_AFTER)
    idle = parser.parse_args().idle
    sink = os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print must not break a frame
    serve(sys.stdin.fileno(), sink, idle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
