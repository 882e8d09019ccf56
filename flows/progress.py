"""The progress mark above each question of a form: which part of the form this is, and
where in that part the person stands.

A part is a section of the summary ("Part 3 of 11"), counted among the sections these
answers call for. The first question of a part names the part alone; each further question
of it adds its place ("question 2 of 3"); each child's questions name the child ("child 2,
question 1 of 4"). So the mark changes with every question and never stands for two.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flows.cursor import GROUP_SCREENS, REMOVE
from flows.messages import Arg, Text, Variant
from flows.steps import Flow, GroupStep

__all__ = ["progress_mark"]


def progress_mark(flow: Flow, answers: Mapping[str, Any], step_id: str, item: int = 0,
                  sub: str = "") -> Text:
    """The mark for the question at `step_id` (a group's item `item`, its sub-step `sub`)."""
    section = flow.section_of(step_id)
    shown = flow.shown_sections(answers)
    if section in shown:
        current, total = shown.index(section) + 1, len(shown)
    else:  # a question its own answers do not call for yet: count every part
        current, total = flow.sections.index(section) + 1, len(flow.sections)
    args: dict[str, Arg] = {"current": current, "total": total}
    step = flow.step(step_id)
    if isinstance(step, GroupStep):
        if sub == REMOVE:  # "which child to take out?" stands apart from "another child?"
            args.update(kind=Variant("removing"))
        elif sub and sub not in GROUP_SCREENS:  # "another child?" names the part alone
            ids = [s.id for s in step.steps]
            args.update(kind=Variant("child"), child=item + 1, step=ids.index(sub) + 1,
                        steps=len(ids))
        return Text("flow-progress", args)
    asked = [i for i in section.steps if i == step_id or flow.active(flow.step(i), answers)]
    place = asked.index(step_id)
    if place > 0:
        args.update(kind=Variant("question"), step=place + 1, steps=len(asked))
    return Text("flow-progress", args)
