"""The citizen's own data (issue 13): the buttons of `/forget` and what of an application's
answers outlives its retention term.

Pure: the engine asks the `PersonalData` port (flows/ports.py) for the export and the
erasure; storage anonymises with `kept_answers`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flows.payloads import Action, Overlay, YesNo
from flows.steps import ChoiceStep, Flow

# The files a person can get about themselves, and how they are named. JSON goes as plain
# text: WhatsApp takes a document only as text/plain, PDF or an office type (Meta's list of
# supported media), and refuses application/json.
MYDATA_FILENAME = "mydata.json"
MYDATA_MIME = "text/plain"


@dataclass(frozen=True)
class ForgetAnswer(Action, prefix="forget"):
    """"Erase my data?" answered: yes or no."""

    confirmed: YesNo


@dataclass(frozen=True)
class Forgetting(Overlay, prefix="forget"):
    """The person is asked to confirm `/forget`."""


def kept_answers(flow: Flow, answers: Mapping[str, Any]) -> dict[str, Any]:
    """What of an application's answers stays after anonymisation: only the answers picked
    from a fixed list (the body, where the child lives, the consent's "yes"), never a typed
    word, a date, a child or a file."""
    return {step.id: answers[step.id] for step in flow.steps
            if isinstance(step, ChoiceStep) and isinstance(answers.get(step.id), str)}


def file_hashes(value: Any) -> set[str]:
    """Every uploaded file's SHA-256 an answers tree mentions (files steps keep
    `{"sha256": ...}` entries, at any depth)."""
    found: set[str] = set()
    if isinstance(value, Mapping):
        sha = value.get("sha256")
        if isinstance(sha, str) and sha:
            found.add(sha)
        for item in value.values():
            found |= file_hashes(item)
    elif isinstance(value, list):
        for item in value:
            found |= file_hashes(item)
    return found
