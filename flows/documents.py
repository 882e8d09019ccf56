"""The documents of each service, read from `flows/data/documents.json`: one list that both
asks the citizen for uploads and gives staff what they may mark missing or expired."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flows.messages import Text
from flows.service import Checklist, Entry, Snapshot, StaffInput, Typed
from flows.staff_input import parse_text
from flows.steps import FilesStep, Section

DOCUMENTS_PATH = Path(__file__).parent / "data" / "documents.json"
MARKS = ("missing", "expired")  # what a receipt of refusal to accept may say of a document


@dataclass(frozen=True)
class Document:
    code: str  # its name in locales: document-<code>, ask-document-<code>
    answer: str  # the answer key its files are kept under
    required: bool
    marks: tuple[str, ...]  # what staff may mark it, from MARKS
    to_be_confirmed: bool
    source: str

    def __post_init__(self) -> None:
        if not set(self.marks) <= set(MARKS):
            raise ValueError(f"{self.code}: unknown mark in {self.marks}")
        if "missing" in self.marks and not self.required:
            # One list for both sides: staff may not refuse for what the citizen was told
            # is optional.
            raise ValueError(f"{self.code}: an optional document cannot be marked missing")


def load_documents(service: str, path: Path = DOCUMENTS_PATH) -> tuple[Document, ...]:
    entries: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))[service]
    return tuple(
        Document(code=e["code"], answer=e["answer"], required=e["upload"] == "required",
                 marks=tuple(e["marks"]), to_be_confirmed=bool(e["to_be_confirmed"]),
                 source=str(e["source"]))
        for e in entries
    )


def upload_steps(documents: tuple[Document, ...]) -> tuple[FilesStep, ...]:
    return tuple(FilesStep(d.answer, f"ask-document-{d.code}", required=d.required)
                 for d in documents)


def documents_section(documents: tuple[Document, ...]) -> Section:
    def show(answers: Mapping[str, Any]) -> tuple[Text, ...]:
        return tuple(Text("summary-document", {"document": Text(f"document-{d.code}"),
                                               "count": len(answers.get(d.answer, []))})
                     for d in documents)

    return Section("documents", "section-documents", tuple(d.answer for d in documents), show)


def markable(documents: tuple[Document, ...]) -> tuple[Document, ...]:
    """The documents a refusal to accept may name."""
    return tuple(d for d in documents if d.marks)


def refusal_to_accept(documents: tuple[Document, ...]) -> tuple[StaffInput, ...]:
    """What staff enter to refuse to accept (appendix 3): the documents missing or expired,
    and a comment for anything else wrong; one of the two at least."""
    entries = tuple(Entry(d.code, Text(f"document-{d.code}"), d.marks)
                    for d in markable(documents))

    def lines(_snapshot: Snapshot) -> tuple[Entry, ...]:
        return entries

    return (Checklist("staff-ask-missing", MARKS, lines),
            Typed("comment", "staff-ask-missing-comment", parse_text, optional=True))
