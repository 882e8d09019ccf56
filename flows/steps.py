"""The building blocks a flow is declared with: steps, sections and the flow itself.

A flow reads top to bottom in one place (like a Rasa form): each step names its prompt
id, how the answer is parsed and checked (a parser raising `Invalid` with the error id),
and the summary groups steps into sections that can be edited one at a time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from flows.enquiries import Exit
from flows.messages import Text

CODE_RE = re.compile(r"^[a-z0-9-]{1,24}$")  # option codes go into 64-byte payloads


@dataclass(frozen=True)
class Context:
    """What a parser or an options function may look at."""

    today: date
    answers: Mapping[str, Any]
    item: Mapping[str, Any] = field(default_factory=dict)  # the current group item

    def date(self, key: str) -> date | None:
        raw = self.answers.get(key)
        return date.fromisoformat(raw) if isinstance(raw, str) else None


Parser = Callable[[str, Context], Any]
# A step asked only when earlier answers call for it (the country, for a child abroad).
Condition = Callable[[Mapping[str, Any]], bool]


@dataclass(frozen=True)
class Option:
    code: str
    label: Text

    def __post_init__(self) -> None:
        if not CODE_RE.match(self.code):
            raise ValueError(f"option code must match {CODE_RE.pattern}: {self.code!r}")


OptionSource = Sequence[Option] | Callable[[Context], Sequence[Option]]


@dataclass(frozen=True)
class Suggestion:
    """A ready answer on a button; its text goes through the same parser as typed text."""

    label: Text
    text: str


@dataclass(frozen=True)
class TextStep:
    """A typed answer. `parse` returns a JSON-able value or raises `Invalid`."""

    id: str
    prompt: str
    parse: Parser
    skippable: bool = False
    accepts_contact: bool = False  # a phone: the messenger's share-contact button works too
    suggest: Callable[[Context], Sequence[Suggestion]] | None = None
    when: Condition | None = None


@dataclass(frozen=True)
class ChoiceStep:
    """A button answer. `refusals` maps an option to a kind explanation and re-asks."""

    id: str
    prompt: str
    options: OptionSource
    refusals: Mapping[str, str] = field(default_factory=dict)
    columns: int = 1
    when: Condition | None = None

    def options_for(self, ctx: Context) -> Sequence[Option]:
        return self.options(ctx) if callable(self.options) else self.options


@dataclass(frozen=True)
class FilesStep:
    """Photos or files, one message each; the person taps Done when all are sent."""

    id: str
    prompt: str
    required: bool
    when: Condition | None = None


@dataclass(frozen=True)
class GroupStep:
    """The same sub-steps asked for each item (each child), then "another one?"."""

    id: str
    steps: tuple[TextStep | ChoiceStep, ...]
    more_prompt: str
    max_items: int = 10
    when: Condition | None = None


Step = TextStep | ChoiceStep | FilesStep | GroupStep


@dataclass(frozen=True)
class Section:
    """A line of the summary: a label, the steps it covers, how its value reads."""

    id: str
    label: str
    steps: tuple[str, ...]
    show: Callable[[Mapping[str, Any]], Text | tuple[Text, ...]]


@dataclass(frozen=True)
class Flow:
    id: str
    service: str  # the application's service code (also its number prefix's key)
    intro: str
    steps: tuple[Step, ...]
    sections: tuple[Section, ...]
    exits: tuple[Exit, ...] = ()  # answers that end the flow with an enquiry instead
    # The last screen's words: "check the application", "submit the application".
    summary_title: str = "summary-title"
    submit_label: str = "summary-submit"
    # Answers the form starts from, which the person did not enter (a complaint's subject).
    given: tuple[str, ...] = ()
    # The prefix of the form's own words where "an application" would mislead: cancel,
    # resume, busy ("complaint-": "complaint-cancel-done"); "" for an application.
    words: str = ""

    def __post_init__(self) -> None:
        ids = [step.id for step in self.steps]
        covered = [step_id for section in self.sections for step_id in section.steps]
        if sorted(ids) != sorted(covered):
            raise ValueError(f"{self.id}: every step must belong to exactly one section")

    def exit_for(self, answers: Mapping[str, Any]) -> Exit | None:
        """The way out these answers call for, if any."""
        return next((way for way in self.exits if way.when(answers)), None)

    def active(self, step: Step, answers: Mapping[str, Any]) -> bool:
        return step.when is None or step.when(answers)

    def next_active(self, answers: Mapping[str, Any], index: int, direction: int) -> int | None:
        """The first step from `index` on (or back) that applies to these answers."""
        while 0 <= index < len(self.steps):
            if self.active(self.steps[index], answers):
                return index
            index += direction
        return None

    def shown_sections(self, answers: Mapping[str, Any]) -> tuple[Section, ...]:
        return tuple(s for s in self.sections
                     if any(self.active(self.step(i), answers) for i in s.steps))

    def cleaned(self, answers: Mapping[str, Any]) -> dict[str, Any]:
        """The answers without those of steps that no longer apply."""
        dropped = {s.id for s in self.steps if not self.active(s, answers)}
        return {k: v for k, v in answers.items() if k not in dropped}

    def summary_lines(self, answers: Mapping[str, Any]) -> tuple[Text, ...]:
        """The answers as numbered lines, a section each: the summary, the card, "What I
        filed" all read them so."""
        lines = []
        for number, section in enumerate(self.shown_sections(answers), start=1):
            shown = section.show(answers)
            values = shown if isinstance(shown, tuple) else (shown,)
            lines.append(Text("summary-line", {"n": number, "label": Text(section.label),
                                              "value": values}))
        return tuple(lines)

    def file_steps(self) -> tuple[str, ...]:
        """The answer keys that hold uploaded files."""
        return tuple(step.id for step in self.steps if isinstance(step, FilesStep))

    def step(self, step_id: str) -> Step:
        return next(step for step in self.steps if step.id == step_id)

    def index(self, step_id: str) -> int:
        return next(i for i, step in enumerate(self.steps) if step.id == step_id)

    def section_of(self, step_id: str) -> Section:
        return next(s for s in self.sections if step_id in s.steps)

    def section(self, section_id: str) -> Section:
        return next(s for s in self.sections if s.id == section_id)
