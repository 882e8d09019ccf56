"""What a legal document (a "paper") is made of, before it is laid out as a PDF.

The issuing side (storage, when staff take a step that issues a document) fills a
`PaperFacts`; the renderer (`papers/`) lays it out in the reader's language, element by
element as the seed's form has it. Pure values: no PDF, no database here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flows.desk import Line
from flows.service import Snapshot

# The kinds of paper, by the procedure steps that issue them (ProcedureStep.document) and
# the application itself.
APPLICATION = "application-appendix-1"
CONVERSATION_RECORD = "conversation-record"
KINDS = (
    APPLICATION,
    "receipt-appendix-3",  # refusal to accept: missing or expired documents (004 p. 7)
    "permission-appendix-4",  # the permission to meet the child (004 p. 9)
    "preliminary-refusal-and-hearing-notice",  # 004 p. 9; APPC art. 73-74
    "reasoned-refusal",  # 004 p. 9; how to complain, 004 p. 13
    "conversation-record",  # the conversation with the child: participants, every message
    "decision-on-the-childs-opinion",  # service 2's result
)


@dataclass(frozen=True)
class Official:
    """Who issued it: the name and position they entered for papers (storage/officials.py),
    else their name as the staff group knows it."""

    name: str
    # Receipt and permission name the official's position (004 app. 3, 4); None prints a
    # neutral "official of the service provider".
    position: str | None = None
    actor: str = ""  # "staff:<Telegram id>": whose entry names them


@dataclass(frozen=True)
class Confirmation:
    """How the citizen confirmed the application in the messenger (the signature block of
    appendix 1): no handwritten signature exists, so the paper says what does."""

    channel: str  # "telegram", "whatsapp"
    account: str  # the messenger account, as shown to staff (a masked phone, a @name)
    at: datetime  # the moment of Submit
    phone_verified: bool  # the phone came from the messenger's own contact share


@dataclass(frozen=True)
class PaperFacts:
    kind: str  # one of KINDS
    registry_number: str  # "ВП-2026-00042/2": the application's number and the paper's
    version: int  # 1, then 2, ... when staff issue it again
    issued_on: date
    verify_url: str  # PUBLIC_BASE_URL/verify/<code>, printed and as a QR code
    application: Snapshot  # answers, decision (grounds, hearing, period, ...), dates
    official: Official | None = None  # None for the application, which the citizen files
    confirmation: Confirmation | None = None  # the application only
    transcript: tuple[Line, ...] = field(default_factory=tuple)  # the interview record only
    # The interview record only: whether staff confirmed a parent or other legal
    # representative was present (seed 001 p. 5); None when not recorded (not printed).
    representative_present: bool | None = None
    child: int | None = None  # the record of one child's conversation: their position

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown paper kind {self.kind!r}")


@dataclass(frozen=True)
class PaperCheck:
    """What /verify/<code> tells anyone holding the paper: no personal data but initials."""

    kind: str
    registry_number: str
    issued_on: date
    body: str  # the issuing body's code (its name is in locales: body-<code>)
    initials: str  # the applicant's, "И. А."
    sha256: str
    replaced: bool
    # A replaced paper: when, and the registry number of the version now valid.
    replaced_on: date | None = None
    replaced_by: str = ""
