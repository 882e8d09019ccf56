"""Where a person is in a flow, and how Next and Back move them.

The cursor is a string saved with the conversation: "iin" (a step), "children/1/birth_date"
(a group item's sub-step), "children/1/__more__" ("another one?"), "children/1/__remove__"
(which one to take out) or "__summary__".
"""

from __future__ import annotations

from typing import Any

from flows.common import full_name
from flows.messages import Text
from flows.ports import ConversationState
from flows.steps import Flow, GroupStep, Step
from flows.turn import Turn

SUMMARY = "__summary__"
MORE = "__more__"
REMOVE = "__remove__"
GROUP_SCREENS = (MORE, REMOVE)  # a group's own questions, about no one item


def split(cursor: str) -> tuple[str, int, str]:
    """"children/1/birth_date" -> ("children", 1, "birth_date"); "iin" -> ("iin", 0, "")."""
    parts = cursor.split("/")
    if len(parts) == 3:
        return parts[0], int(parts[1]), parts[2]
    return parts[0], 0, ""


def group_cursor(step: Step, item: int) -> str:
    assert isinstance(step, GroupStep)
    return f"{step.id}/{item}/{step.steps[0].id}"


def is_complete(step: GroupStep, item: dict[str, Any]) -> bool:
    """Every question of the item answered (its last one is answered last)."""
    return step.steps[-1].id in item


def complete(step: GroupStep, items: list[dict[str, Any]]) -> list[int]:
    """The places of the items entered in full."""
    return [i for i, item in enumerate(items) if is_complete(step, item)]


def remove(turn: Turn, step: GroupStep, index: int) -> bool:
    """Take an item entered in full out of the group (one added by mistake), while another
    stays: the cursor goes back to "another one?"."""
    items = turn.state.answers.setdefault(step.id, [])
    entered = complete(step, items)
    if index not in entered or len(entered) < 2:  # a forged or an outdated button
        return False
    removed = items.pop(index)
    turn.say(Text("group-removed", {"name": full_name(removed)}))
    # on the last child entered in full: Back from there goes to their last answer, never
    # into a child only begun (whose "Yes, another" goes on with them)
    turn.state.cursor = f"{step.id}/{complete(step, items)[-1]}/{MORE}"
    return True


def begun(step: GroupStep, items: list[dict[str, Any]]) -> int | None:
    """The item begun and left (Back from its first question to "another one?"): "Yes"
    goes on with it, its answers offered to keep; "No" leaves it out."""
    return next((i for i, item in enumerate(items) if not is_complete(step, item)), None)


def enter(state: ConversationState, flow: Flow, index: int) -> None:
    """Put the cursor on a step; a group with items already opens on "another one?"."""
    step = flow.steps[index]
    if isinstance(step, GroupStep):
        items = state.answers.get(step.id)
        state.cursor = f"{step.id}/{len(items) - 1}/{MORE}" if items else group_cursor(step, 0)
    else:
        state.cursor = step.id


def advance(state: ConversationState, flow: Flow, step_id: str) -> None:
    """After an answer: the next step that applies, or back to the summary when editing."""
    index = flow.next_active(state.answers, flow.index(step_id) + 1, +1)
    if state.editing:
        section = flow.section(state.editing)
        if index is None or flow.steps[index].id not in section.steps:
            state.editing = None
            state.cursor = SUMMARY
            return
    if index is None:
        state.cursor = SUMMARY
        return
    enter(state, flow, index)


def advance_in_group(turn: Turn, step: GroupStep, item: int, sub: str) -> None:
    ids = [s.id for s in step.steps]
    position = ids.index(sub)
    if position + 1 < len(ids):
        turn.state.cursor = f"{step.id}/{item}/{ids[position + 1]}"
    elif item + 1 < len(turn.state.answers.get(step.id, [])):
        turn.state.cursor = group_cursor(step, item + 1)  # going through those entered before
    else:
        turn.say(Text("group-added", {"count": item + 1}))
        turn.state.cursor = f"{step.id}/{item}/{MORE}"


def back(turn: Turn, flow: Flow) -> None:
    """One question back; nothing entered is lost (only a child just being started)."""
    state = turn.state
    if state.editing:
        state.editing = None
        state.cursor = SUMMARY
        return
    if state.cursor == SUMMARY:
        last = flow.next_active(state.answers, len(flow.steps) - 1, -1)
        enter(state, flow, last if last is not None else 0)
        return
    step_id, item, sub = split(state.cursor)
    step = flow.step(step_id)
    if isinstance(step, GroupStep):
        ids = [s.id for s in step.steps]
        items = state.answers.setdefault(step.id, [])
        if sub == REMOVE:
            state.cursor = f"{step.id}/{item}/{MORE}"
            return
        if sub == MORE:
            state.cursor = f"{step.id}/{item}/{ids[-1]}"
            return
        position = ids.index(sub)
        if position > 0:
            state.cursor = f"{step.id}/{item}/{ids[position - 1]}"
            return
        if item > 0:
            if not is_complete(step, items[item]):  # a child only begun: back to "another
                state.cursor = f"{step.id}/{item - 1}/{MORE}"  # one?", what was typed kept
            else:  # a child entered before: back to their last answer, nothing is lost
                state.cursor = f"{step.id}/{item - 1}/{ids[-1]}"
            return
    index = flow.next_active(state.answers, flow.index(step_id) - 1, -1)
    if index is None:
        turn.say(Text(f"{flow.words}flow-at-first-step"))  # a complaint's words are its own
        return
    enter(state, flow, index)
