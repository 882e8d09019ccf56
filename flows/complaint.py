"""A complaint about an application (seed 004 p. 13-14), declared like a service.

The citizen starts it from the application ("Complain"): what it is about, the text, files
if any, and whom it goes to — the head of the body (decided within 5 working days of
registration) or the authorised body that assesses the quality of public services (15
working days). A complaint to the reviewing body is forwarded by the body within 3 working
days, unless in those days the body satisfies it in full. After this pre-trial step the
citizen may go to court.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from flows.calendar import add_working_days
from flows.catalogue import higher_body_text
from flows.common import CATALOGUE
from flows.messages import Choice, OutgoingMessage, Text
from flows.payloads import StartComplaint, Tap
from flows.service import ProcedureStep, Service, Snapshot, Terms, Typed
from flows.staff_input import parse_text
from flows.steps import ChoiceStep, FilesStep, Flow, Option, Section, TextStep
from flows.terms import COMPLAINT_FORWARD_DAYS, COMPLAINT_HEAD_DAYS, COMPLAINT_REVIEW_DAYS, Term
from flows.validators import parse_free_text

SUBJECTS = ("refusal", "missed-term", "conduct", "other")
ADDRESSEES = ("head", "reviewing")
MAX_TEXT = 4000
ABOUT = "about"  # the answers' key of the application complained about (its ref)
SOURCE = "seed 004 p. 13"


def _parse_complaint(text: str, _ctx: Any) -> str:
    return parse_free_text(text, MAX_TEXT)


def _options(prefix: str, codes: tuple[str, ...]) -> tuple[Option, ...]:
    return tuple(Option(code, Text(f"{prefix}{code}")) for code in codes)


COMPLAINT = Flow(
    id="complaint",
    service="complaint",
    intro="complaint-intro",  # its $about: the number of the application complained about
    steps=(
        ChoiceStep("subject", "complaint-ask-subject", _options("complaint-subject-", SUBJECTS)),
        TextStep("text", "complaint-ask-text", _parse_complaint),
        FilesStep("files", "complaint-ask-files", required=False),
        ChoiceStep("addressee", "complaint-ask-addressee",
                   _options("complaint-addressee-", ADDRESSEES)),
    ),
    sections=(
        Section("subject", "complaint-section-subject", ("subject",),
                lambda a: Text("complaint-subject-line", {
                    "subject": Text(f"complaint-subject-{a.get('subject')}"),
                    "about": str(a.get("about_number") or "")})),
        Section("text", "complaint-section-text", ("text",),
                lambda a: Text("value-plain", {"value": str(a.get("text") or "")})),
        Section("files", "complaint-section-files", ("files",),
                lambda a: Text("complaint-files-count", {"count": len(a.get("files", []))})),
        Section("addressee", "complaint-section-addressee", ("addressee",),
                lambda a: Text(f"complaint-addressee-{a.get('addressee')}")),
    ),
    summary_title="complaint-summary-title",
    submit_label="complaint-summary-submit",
    given=(ABOUT, "about_number"),
    words="complaint-",
)


def _to_reviewing(answers: Mapping[str, Any]) -> bool:
    return answers.get("addressee") == "reviewing"


def terms_of(answers: Mapping[str, Any]) -> Terms:
    """Working days from registration: the decision (5 by the body, 15 by the reviewing
    body); for a complaint to the reviewing body, the forwarding (3) comes first."""
    if _to_reviewing(answers):
        return Terms(COMPLAINT_FORWARD_DAYS, COMPLAINT_REVIEW_DAYS, False, SOURCE)
    return Terms(COMPLAINT_HEAD_DAYS, COMPLAINT_HEAD_DAYS, False, SOURCE)


def _forward_in_time(snapshot: Snapshot, _today: date,
                     _details: Mapping[str, Any]) -> Text | None:
    """Only a complaint addressed to the reviewing body is forwarded."""
    if not _to_reviewing(snapshot.answers):
        return Text("staff-guard-complaint-to-head", {"number": snapshot.number})
    return None


def _in_full_within_forwarding(snapshot: Snapshot, today: date,
                               _details: Mapping[str, Any]) -> Text | None:
    """To the reviewing body, the body may only satisfy it in full, and only within the
    3 days it has to forward it; a partial answer or a refusal is the reviewing body's."""
    if _to_reviewing(snapshot.answers) and today > snapshot.check_due:
        return Text("staff-guard-complaint-forward-only", {"number": snapshot.number,
                                                           "last": snapshot.check_due})
    return None


def _body_decides(snapshot: Snapshot, _today: date,
                  _details: Mapping[str, Any]) -> Text | None:
    if _to_reviewing(snapshot.answers):
        return Text("staff-guard-complaint-reviewing-decides", {"number": snapshot.number})
    return None


PROCEDURE = (
    ProcedureStep("satisfy", ("submitted",), "satisfied",
                  guards=(_in_full_within_forwarding,),
                  inputs=(Typed("measures", "staff-ask-measures", parse_text),)),
    ProcedureStep("satisfy-partly", ("submitted",), "partly_satisfied",
                  guards=(_body_decides,),
                  inputs=(Typed("measures", "staff-ask-measures", parse_text),)),
    ProcedureStep("reject-complaint", ("submitted",), "complaint_rejected",
                  guards=(_body_decides,),
                  inputs=(Typed("reasons", "staff-ask-complaint-reasons", parse_text),)),
    ProcedureStep("forward", ("submitted",), "forwarded", guards=(_forward_in_time,),
                  records_day="forwarded_on"),
)


def _pretrial(snapshot: Snapshot) -> dict[str, Any]:
    body = str(snapshot.answers.get("body") or "")
    return {"number": snapshot.number, "about": str(snapshot.answers.get("about_number", "")),
            "body": Text(f"body-{body}"), "higher": higher_body(body)}


def higher_body(body: str) -> Text:
    """The higher administrative body, as the catalogue names it (to be confirmed)."""
    try:
        return higher_body_text(CATALOGUE.body(body))
    except KeyError:  # a body no longer in the catalogue
        return Text("higher-not-known")


def _notice(snapshot: Snapshot) -> OutgoingMessage:
    args, decision = _pretrial(snapshot), snapshot.decision
    match snapshot.status:
        case "submitted":
            key = "notify-complaint-reviewing" if _to_reviewing(snapshot.answers) \
                else "notify-complaint-head"
            return OutgoingMessage((Text(key, {**args, "registered": snapshot.registered_on,
                                               "forward": snapshot.check_due,
                                               "decision": snapshot.decision_due}),))
        case "satisfied" | "partly_satisfied":
            return OutgoingMessage((Text(f"notify-complaint-{snapshot.status.replace('_', '-')}",
                                         {**args, "measures": decision["measures"]}),))
        case "complaint_rejected":
            return OutgoingMessage((Text("notify-complaint-rejected",
                                         {**args, "reasons": decision["reasons"]}),))
        case "forwarded":
            return OutgoingMessage((Text("notify-complaint-forwarded", {
                **args, "on": date.fromisoformat(decision["forwarded_on"]),
                "decision": snapshot.decision_due}),))
    raise ValueError(f"no notice for status {snapshot.status!r}")


def _dates(snapshot: Snapshot) -> tuple[Term, ...]:
    """The forwarding (to the reviewing body), then the decision; once closed, none."""
    if snapshot.status != "submitted":
        return ()
    found = []
    if _to_reviewing(snapshot.answers):
        found.append(Term("dates-complaint-forward", snapshot.check_due, True))
        found.append(Term("dates-complaint-reviewing", snapshot.decision_due))
    else:
        found.append(Term("dates-complaint-decision", snapshot.decision_due, True))
    return tuple(found)


def forward_by(registered: date) -> date:
    return add_working_days(registered, COMPLAINT_FORWARD_DAYS)


def offer_complaint(message: OutgoingMessage, ref: str, seq: int) -> OutgoingMessage:
    """The notice with a "Complain" button under it, bound to the person's turn `seq`."""
    complain = Choice(Text("apps-complain"), Tap.bind(seq, StartComplaint(ref).pack()))
    return replace(message, choices=(*message.choices, (complain,)))


COMPLAINT_SERVICE = Service(
    code="complaint",
    prefix="ШҒ",  # шағым
    menu_label="",  # started from an application, never from the menu
    names={"kk": "Шағым", "ru": "Жалоба"},  # on the card and in numbers only
    form=COMPLAINT,
    terms=terms_of({}),
    procedure=PROCEDURE,
    notice=_notice,
    terms_for=terms_of,
    dates=_dates,
    complains_about_application=True,
    submitted_message="complaint-submitted",
    notice_on_submit=True,
    filed_paper=None,
    status_words={"submitted": "status-complaint-registered"},
)
