"""Papers laid out before the change that issues them takes the database.

Laying out a PDF takes a few hundred milliseconds. Inside the change's transaction it held
the database that long: on SQLite, the one connection every other person's turn waits for.
So a change that issues papers runs first as a rehearsal: where it would lay out a paper, the
registry stops it instead (the transaction rolls back), the paper is laid out with no
transaction open, and the change runs again and files the bytes laid out for it.

A paper's bytes depend only on its facts, so the second run takes them only when its facts
are the same (the verification code is drawn once for both runs). When the facts moved
between the runs (someone else's change), the paper is laid out again, and after a few
rounds inside the transaction, as before.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, TypeVar

from flows.paper import PaperFacts

if TYPE_CHECKING:  # the registry imports this module
    from storage.papers import PaperRegistry

T = TypeVar("T")
ROUNDS = 4  # rehearsals before laying out inside the transaction: one per paper, and a spare


class Unlaid(Exception):  # not an error: where the rehearsal stops
    """Stops a rehearsal where a paper is to be laid out."""

    def __init__(self, facts: PaperFacts, language: str) -> None:
        super().__init__(facts.kind)
        self.facts = facts
        self.language = language


@dataclass
class Rehearsal:
    laid: list[tuple[PaperFacts, str, bytes]] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)  # the change's papers' codes, in order
    drawn: int = 0  # codes taken in this run

    def code(self, draw: Callable[[], str]) -> str:
        """The same code for the n-th paper of every run, so that its facts can match."""
        if self.drawn == len(self.codes):
            self.codes.append(draw())
        self.drawn += 1
        return self.codes[self.drawn - 1]

    def bytes_for(self, facts: PaperFacts, language: str) -> bytes | None:
        printed = _printed(facts)
        for laid_facts, laid_language, data in self.laid:
            if laid_language == language and _printed(laid_facts) == printed:
                return data
        return None


REHEARSAL: ContextVar[Rehearsal | None] = ContextVar("papers_rehearsal", default=None)


def _printed(facts: PaperFacts) -> PaperFacts:
    """The facts as the paper prints them: not the application's row id, which a PostgreSQL
    sequence does not give back when the rehearsal rolls back."""
    return replace(facts, application=replace(facts.application, id=0))


async def papers_first(papers: PaperRegistry | None, change: Callable[[], Awaitable[T]]) -> T:
    """Run `change` (one transaction that may issue papers) so that no paper is laid out
    while it holds the database."""
    if papers is None:
        return await change()
    rehearsal = Rehearsal()
    token = REHEARSAL.set(rehearsal)
    try:
        for _ in range(ROUNDS):
            rehearsal.drawn = 0
            try:
                return await change()
            except Unlaid as stop:
                data = await papers.lay_out(stop.facts, stop.language)
                rehearsal.laid.append((stop.facts, stop.language, data))
    finally:
        REHEARSAL.reset(token)
    return await change()  # the facts kept moving: laid out inside, as before
