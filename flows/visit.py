"""Service 1: permission for a parent deprived of parental rights to meet the child.

The form follows the official application (seed 004, appendix 1) field by field; the
procedure follows seed 004 p. 7-12.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from flows.calendar import end_of_day, next_working_day, subtract_working_days
from flows.catalogue import body_label_id
from flows.common import (
    APPLICANT_SECTIONS,
    APPLICANT_STEPS,
    BODY_SECTION,
    BODY_STEPS,
    CATALOGUE,
    CONSENT_SECTION,
    CONSENT_STEP,
    full_name,
    not_twice,
    plain,
)
from flows.documents import documents_section, load_documents, refusal_to_accept, upload_steps
from flows.enquiries import Exit, how_to_apply
from flows.grounds import load_grounds
from flows.messages import OutgoingMessage, Text
from flows.notices import incomplete
from flows.service import (
    Checklist,
    Entry,
    Offer,
    ProcedureStep,
    Service,
    Snapshot,
    Typed,
    load_terms,
)
from flows.staff_input import parse_hearing, parse_period, parse_text
from flows.steps import (
    ChoiceStep,
    Context,
    Flow,
    GroupStep,
    Option,
    Section,
    Suggestion,
    TextStep,
)
from flows.terms import (
    AFTER_HEARING_DAYS,
    COMPLAINT_HEAD_DAYS,
    COMPLAINT_REVIEW_DAYS,
    final_after_hearing_by,
    permission_by,
    preliminary_by,
)
from flows.validators import (
    ADULT,
    check_after,
    check_birth_date,
    check_in_childhood,
    check_not_past,
    parse_date,
    parse_patronymic,
    parse_person_name,
    turns,
)

__all__ = ["CATALOGUE", "RESIDENCES", "VISIT", "VISIT_SERVICE", "full_name"]

DOCUMENTS = load_documents("visit")  # flows/data/documents.json
GROUNDS = load_grounds("visit")  # flows/data/refusal_grounds.json, all to be confirmed
TERMS = load_terms("visit")  # flows/data/service_terms.json
PERMISSION_DAYS = TERMS.permission_days or TERMS.decision_days

# Where the child lives: the five kinds of the form, in its order.
RESIDENCES = ("guardianship", "trusteeship", "patronage", "receiving-family", "organisation")


def _birth_date(text: str, ctx: Context) -> str:
    return not_twice(check_birth_date(parse_date(text), ctx.today), ctx).isoformat()


def _births(ctx: Context) -> list[date]:
    return [date.fromisoformat(child["birth_date"])
            for child in ctx.answers.get("children", []) if "birth_date" in child]


def _period_from(text: str, ctx: Context) -> str:
    return check_in_childhood(check_not_past(parse_date(text), ctx.today),
                              _births(ctx)).isoformat()


def _period_to(text: str, ctx: Context) -> str:
    start = ctx.date("period_from") or ctx.today
    return check_in_childhood(check_after(parse_date(text), start), _births(ctx)).isoformat()


def _start_suggestions(ctx: Context) -> Sequence[Suggestion]:
    first_of_next_month = (ctx.today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return _in_childhood(ctx, [
        Suggestion(Text("suggest-today", {"date": ctx.today}), ctx.today.isoformat()),
        Suggestion(Text("suggest-date", {"date": first_of_next_month}),
                   first_of_next_month.isoformat()),
    ])


def _end_suggestions(ctx: Context) -> Sequence[Suggestion]:
    start = ctx.date("period_from") or ctx.today
    return _in_childhood(ctx, [
        Suggestion(Text("suggest-months", {"count": months, "date": end}), end.isoformat())
        for months in (1, 3, 6, 12)
        for end in [_add_months(start, months) - timedelta(days=1)]
    ])


def _in_childhood(ctx: Context, offered: list[Suggestion]) -> list[Suggestion]:
    """Only the dates the period may take (a button the answer would refuse is no help)."""
    births = _births(ctx)
    return [suggestion for suggestion in offered if not births
            or date.fromisoformat(suggestion.text) < turns(max(births), ADULT)]


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


# Whose rights: 004 p. 3 gives this service to parents deprived of parental rights; 000
# p. 7.4 gives the body the same function for parents whose rights are restricted, but the
# seeds hold no procedure for them. Such a parent is told how to apply to the body itself,
# may reach a specialist, and staff see the enquiry (issue 12).
def _show_rights(answers: Mapping[str, Any]) -> Text:
    match answers.get("rights"):
        case "deprived":
            return Text("summary-rights-deprived")
        case "restricted":
            return Text("summary-rights-restricted")
    return Text("value-plain", {"value": "—"})  # a draft begun before the question was asked


def _restricted(answers: Mapping[str, Any]) -> bool:
    """Restricted in parental rights, and the body chosen: time to say how to apply."""
    return answers.get("rights") == "restricted" and "body" in answers


def _restricted_explained(answers: Mapping[str, Any]) -> tuple[Text, ...]:
    return (Text("rights-restricted-explained"), *how_to_apply(CATALOGUE.body(answers["body"])))


RESTRICTED_RIGHTS = Exit(
    kind="restricted-rights",
    when=_restricted,
    explain=_restricted_explained,
    subject=lambda answers: str(answers["body"]),
    staff_note=lambda answers: Text("staff-enquiry-restricted-rights",
                                    {"body": Text(body_label_id(answers["body"]))}),
    digest_title="staff-digest-restricted-rights",
)


def _show_children(answers: Mapping[str, Any]) -> tuple[Text, ...]:
    return tuple(
        Text("summary-child", {"name": full_name(child),
                               "birth": date.fromisoformat(child["birth_date"])})
        for child in answers.get("children", [])
        if "birth_date" in child
    )


def _show_period(answers: Mapping[str, Any]) -> Text:
    return Text("summary-period", {"from": date.fromisoformat(answers["period_from"]),
                                   "to": date.fromisoformat(answers["period_to"])})


VISIT = Flow(
    id="visit",
    service="visit",
    intro="visit-intro",
    steps=(
        *BODY_STEPS,
        # Asked once the body is known: a restricted parent is told that body's address.
        ChoiceStep("rights", "visit-ask-rights",
                   (Option("deprived", Text("rights-deprived")),
                    Option("restricted", Text("rights-restricted")))),
        *APPLICANT_STEPS,
        ChoiceStep(
            "residence",
            "visit-ask-residence",
            tuple(Option(code, Text(f"residence-{code}-short")) for code in RESIDENCES),
        ),
        GroupStep(
            "children",
            (
                TextStep("surname", "visit-ask-child-surname", plain(parse_person_name)),
                TextStep("first_name", "visit-ask-child-first-name", plain(parse_person_name)),
                TextStep("patronymic", "visit-ask-child-patronymic", plain(parse_patronymic),
                         skippable=True),
                TextStep("birth_date", "visit-ask-child-birth-date", _birth_date),
            ),
            more_prompt="visit-ask-more-children",
        ),
        TextStep("period_from", "visit-ask-period-from", _period_from,
                 suggest=_start_suggestions),
        TextStep("period_to", "visit-ask-period-to", _period_to, suggest=_end_suggestions),
        CONSENT_STEP,
        *upload_steps(DOCUMENTS),
    ),
    sections=(
        BODY_SECTION,
        Section("rights", "section-rights", ("rights",), _show_rights),
        *APPLICANT_SECTIONS,
        Section("residence", "section-residence", ("residence",),
                lambda a: Text(f"residence-{a.get('residence')}")),
        Section("children", "section-children", ("children",), _show_children),
        Section("period", "section-period", ("period_from", "period_to"), _show_period),
        CONSENT_SECTION,
        documents_section(DOCUMENTS),
    ),
    exits=(RESTRICTED_RIGHTS,),
)


# ---------------------------------------------------------------------- the procedure
def _preliminary_in_time(snapshot: Snapshot, today: date,
                         _details: Mapping[str, Any]) -> Text | None:
    """p. 9: the preliminary refusal goes out no later than 3 working days before the term
    ends; after that day it cannot be sent within the term."""
    last = preliminary_by(snapshot)
    if today > last:
        return Text("staff-guard-preliminary-late", {"number": snapshot.number, "last": last,
                                                     "end": snapshot.decision_due})
    return None


def _hearing_within_term(snapshot: Snapshot, today: date,
                         details: Mapping[str, Any]) -> Text | None:
    """The hearing comes after the notice, and early enough for the final answer (1 working
    day after it) to fall within the term."""
    hearing = details.get("hearing")
    latest = subtract_working_days(snapshot.decision_due, AFTER_HEARING_DAYS)
    if hearing and not today < date.fromisoformat(hearing["date"]) <= latest:
        return Text("staff-guard-hearing-date", {"after": today, "latest": latest,
                                                 "end": snapshot.decision_due})
    return None


def _warnings(snapshot: Snapshot, today: date) -> tuple[Text, ...]:
    """The working day before the last day for a preliminary refusal, staff are warned."""
    last = preliminary_by(snapshot)
    if snapshot.status == "under_review" and next_working_day(today) == last:
        return (Text("staff-digest-preliminary-last-day", {"number": snapshot.number,
                                                           "last": last}),)
    return ()


def _cites_hearing_grounds(snapshot: Snapshot, _today: date,
                           details: Mapping[str, Any]) -> Text | None:
    """The reasoned refusal may rest only on grounds put to the applicant at the hearing
    (004 p. 9; Administrative Procedural Code art. 73): a forged or stale tick is refused."""
    cited = set(details.get("refusal_grounds", ()))
    if cited - set(snapshot.decision.get("grounds", ())):
        return Text("staff-guard-grounds-not-heard", {"number": snapshot.number})
    return None


def _after_the_hearing(snapshot: Snapshot, today: date,
                       _details: Mapping[str, Any]) -> Text | None:
    """The reasoned refusal follows the hearing (004 p. 9; APC art. 73-74): the applicant is
    heard before being refused, so not before the hearing's day."""
    hearing = snapshot.decision.get("hearing")
    if hearing and today < date.fromisoformat(hearing["date"]):
        return Text("staff-guard-refuse-before-hearing", {
            "number": snapshot.number, "date": date.fromisoformat(hearing["date"]),
            "time": hearing.get("time", "")})
    return None


def _all_grounds(_snapshot: Snapshot) -> tuple[Entry, ...]:
    return tuple(Entry(g.code, Text(f"ground-{g.code}"), ("grounds",)) for g in GROUNDS)


def _heard_grounds(snapshot: Snapshot) -> tuple[Entry, ...]:
    heard = snapshot.decision.get("grounds", ())
    return tuple(Entry(g.code, Text(f"ground-{g.code}"), ("refusal_grounds",))
                 for g in GROUNDS if g.code in heard)


def _asked_period(snapshot: Snapshot) -> Offer:
    asked = {"from": date.fromisoformat(snapshot.answers["period_from"]),
             "to": date.fromisoformat(snapshot.answers["period_to"])}
    return Offer(Text("staff-ask-approve", {"number": snapshot.number, **asked}),
                 Text("staff-approve-as-asked", asked),
                 {key: day.isoformat() for key, day in asked.items()})


# Seed 004 p. 7-12: the completeness check, then the permission, or a preliminary refusal
# with a hearing and, after it, the permission or a reasoned refusal.
PROCEDURE = (
    ProcedureStep("accept", ("submitted",), "under_review", records_day="accepted_on"),
    ProcedureStep("incomplete", ("submitted",), "rejected_incomplete",
                  inputs=refusal_to_accept(DOCUMENTS), document="receipt-appendix-3"),
    ProcedureStep("hearing", ("under_review",), "hearing_scheduled",
                  guards=(_preliminary_in_time, _hearing_within_term),
                  inputs=(Checklist("staff-ask-grounds", ("grounds",), _all_grounds),
                          Typed("hearing", "staff-ask-hearing", parse_hearing)),
                  document="preliminary-refusal-and-hearing-notice"),
    ProcedureStep("approve", ("under_review", "hearing_scheduled"), "approved",
                  inputs=(Typed("period", "staff-ask-period", parse_period,
                                offer=_asked_period, other="staff-approve-other"),),
                  document="permission-appendix-4"),
    ProcedureStep("refuse", ("hearing_scheduled",), "refused",
                  guards=(_after_the_hearing, _cites_hearing_grounds),
                  inputs=(Checklist("staff-ask-refusal-grounds", ("refusal_grounds",),
                                    _heard_grounds),
                          Typed("reasons", "staff-ask-reasons", parse_text)),
                  document="reasoned-refusal"),
)


def _grounds(codes: Sequence[str], details: str) -> tuple[Text, ...]:
    """The grounds picked from the list, then what staff wrote of them."""
    named = tuple(Text("notify-list-item", {"item": Text(f"ground-{code}")}) for code in codes)
    return (*named, Text("notify-list-item", {"item": details}))


def _children_lines(answers: Mapping[str, Any]) -> tuple[Text, ...]:
    return tuple(
        Text("summary-child", {"name": full_name(child),
                               "birth": date.fromisoformat(child["birth_date"])})
        for child in answers.get("children", [])
    )


def _notice(snapshot: Snapshot) -> OutgoingMessage:
    number, decision, answers = snapshot.number, snapshot.decision, snapshot.answers
    match snapshot.status:
        case "under_review":
            # The date "My applications" shows too: the permission, 3 days after the check.
            return OutgoingMessage((Text("notify-under-review", {
                "number": number, "decision": permission_by(snapshot, PERMISSION_DAYS)}),))
        case "rejected_incomplete":
            return incomplete(snapshot)
        case "hearing_scheduled":
            hearing = decision["hearing"]
            day = date.fromisoformat(hearing["date"])
            return OutgoingMessage((Text("notify-hearing", {
                "number": number,
                "grounds": _grounds(decision.get("grounds", ()), hearing["details"]),
                "date": day,
                "time": hearing["time"], "place": hearing["place"],
                "final": final_after_hearing_by(day),
            }),))
        case "approved":
            period = decision["period"]
            return OutgoingMessage((Text("notify-approved", {
                "number": number,
                "body": Text(f"body-{answers['body']}"),
                "from": date.fromisoformat(period["from"]),
                "to": date.fromisoformat(period["to"]),
                "children": _children_lines(answers),
                "residence": Text(f"residence-{answers.get('residence')}"),
            }),))
        case "refused":
            return OutgoingMessage((Text("notify-refused", {
                "number": number,
                "reasons": _grounds(decision.get("refusal_grounds", ()), decision["reasons"]),
                "head_days": COMPLAINT_HEAD_DAYS, "review_days": COMPLAINT_REVIEW_DAYS,
            }),))
    raise ValueError(f"no notice for status {snapshot.status!r}")


def _notice_expires(snapshot: Snapshot) -> datetime | None:
    """The hearing notice is pointless once the hearing day is over."""
    if snapshot.status == "hearing_scheduled":
        return end_of_day(date.fromisoformat(snapshot.decision["hearing"]["date"]))
    return None


VISIT_SERVICE = Service(
    code="visit",
    prefix="ВП",
    menu_label="menu-visit",
    names={
        "kk": "Балаға кері әсер етпейтін ата-ана құқықтарынан айырылған ата-аналарға баламен "
              "кездесуіне рұқсат беру",  # seed 004, title
        # GLOSSARY; to be checked against the official Russian text on adilet.zan.kz
        "ru": "Выдача разрешения на свидание с ребенком родителям, лишенным родительских "
              "прав, не оказывающим на ребенка негативного влияния",
    },
    form=VISIT,
    documents=DOCUMENTS,
    terms=TERMS,
    procedure=PROCEDURE,
    notice=_notice,
    notice_expires=_notice_expires,
    digest_warnings=_warnings,
    # the notices a citizen may well want to complain about (seed 004 p. 13)
    complaint_after=("rejected_incomplete", "hearing_scheduled", "refused"),
)
