"""Each paper's elements, in the order of its form in the seed, worded in one language.

A builder takes the facts and the words of one language and returns the paper's title and
its blocks; `papers/layout.py` draws them. The elements follow seed 004 (appendices 1, 3, 4;
p. 9 and 13-14) and seed 001 p. 5. Where an application holds what appendix 1 asks (a
period of meetings), its request is the form's sentence; otherwise the application asks for
the service by its full official name and lists what the service's form asked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from flows.calendar import KZ_TZ
from flows.common import CONSENT_RECORD, full_name
from flows.documents import MARKS, Document, load_documents
from flows.interview import country_named
from flows.messages import Arg, Text
from flows.paper import APPLICATION, Official, PaperFacts
from flows.services import SERVICES
from flows.terms import COMPLAINT_HEAD_DAYS, COMPLAINT_REVIEW_DAYS, final_after_hearing_by
from handlers.l10n import Localizer
from papers.children import children_of
from papers.layout import (
    Addressee,
    Block,
    Corner,
    Field,
    Gap,
    Heading,
    Items,
    Letterhead,
    Para,
    Signature,
    Title,
    Transcript,
)

# 004 p. 13: the official complained of forwards the complaint within 3 working days.
COMPLAINT_FORWARD_DAYS = 3


@dataclass(frozen=True)
class Words:
    """The words of one language: a Fluent id and its arguments, rendered."""

    l10n: Localizer
    language: str

    def __call__(self, key: str, **args: Arg) -> str:
        return self.l10n.render(Text(key, args), self.language)

    def has(self, key: str) -> bool:
        return self.l10n.has(key, self.language)

    def label(self, key: str, fallback: str) -> str:
        """A data-built id (a ground, a document) if it is in locales, else the raw code, so a
        paper never prints an id."""
        return self(key) if self.has(key) else fallback


Builder = Callable[[PaperFacts, Words], tuple[str, tuple[Block, ...]]]


# ---------------------------------------------------------------------- shared facts
def _text(value: Any) -> str:
    """A stored answer as text: None and missing read as nothing, never "None"."""
    return "" if value is None else str(value).strip()


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def body_name(facts: PaperFacts, w: Words) -> str:
    code = _text(facts.application.answers.get("body"))
    return w.label(f"body-{code}", code)


def body_address(facts: PaperFacts, w: Words) -> str:
    code = _text(facts.application.answers.get("body"))
    return w.label(f"body-{code}-address", "")


def service_name(facts: PaperFacts, w: Words) -> str:
    """The service's full official name (flows/services.py); in English, the Russian name
    with its English gloss."""
    code = facts.application.service
    service = SERVICES.get(code)
    names: Mapping[str, str] = service.names if service else {}
    if w.language in names:
        return names[w.language]
    official = names.get("ru", code)
    gloss = w.label(f"service-{code}", "")
    return f"{official} ({gloss})" if gloss else official


def applicant(facts: PaperFacts) -> str:
    return full_name(facts.application.answers)


def _children(facts: PaperFacts, w: Words) -> tuple[str, ...]:
    lines = []
    for child in children_of(facts.application.answers):
        if child.birth is None:
            lines.append(child.name)
        else:
            lines.append(w("paper-child", name=child.name, birth=child.birth))
    return tuple(lines) or (w("paper-child-nameless"),)


def _numbered(codes: Sequence[str], prefix: str, w: Words) -> tuple[str, ...]:
    return tuple(w.label(f"{prefix}-{code}", code) for code in codes)


def _title(facts: PaperFacts, w: Words, *lines: str) -> Title:
    sub = [w("paper-number-line", number=facts.registry_number, date=facts.issued_on)]
    if facts.version > 1:
        sub.append(w("paper-version", version=str(facts.version)))
    return Title(tuple(lines), tuple(sub))


def _letterhead(facts: PaperFacts, w: Words) -> Letterhead:
    return Letterhead(body_name(facts, w), body_address(facts, w))


def _addressee(facts: PaperFacts, w: Words) -> Addressee:
    lines = [w("paper-to", name=applicant(facts))]
    address = _text(facts.application.answers.get("address"))
    if address:
        lines.append(w("paper-to-address", address=address))
    return Addressee(tuple(lines))


def _dated_and_signed(facts: PaperFacts, w: Words) -> tuple[Block, ...]:
    """The date and the official: the position on the left, the name on the right."""
    official = facts.official
    position = _text(official.position) if official else ""
    name = _signer(official)
    return (Signature(_upper_first(position) or w("paper-official"), name,
                      w("paper-date"), _date(facts.issued_on)),)


def _signer(official: Official | None) -> str:
    """The official's name as a paper prints it: the staff member's messenger name may carry
    an emoji or a symbol ("Жанар 🌸"), which is no part of a name on a legal paper."""
    if official is None:
        return ""
    kept = "".join(char if char.isalpha() or char in " -'’." else " "
                   for char in _text(official.name))
    return " ".join(kept.split())


def _date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def _appendix(n: int, w: Words, *, model: bool = False) -> Corner:
    if model:
        return Corner(tuple(w("paper-appendix-model", n=n).split("\n")))
    return Corner((*w("paper-appendix", n=n).split("\n"), w("paper-form")))


# ---------------------------------------------------------------------- the application
@cache
def _documents(service: str) -> tuple[Document, ...]:
    try:
        return load_documents(service)
    except KeyError:
        return ()


def _request(facts: PaperFacts, w: Words) -> tuple[Block, ...]:
    """Appendix 1's request when the application has its period; else the service's name
    and the facts its own form asked, each only when given."""
    answers = facts.application.answers
    start, end = _day(answers.get("period_from")), _day(answers.get("period_to"))
    if start and end:
        residence = _text(answers.get("residence"))
        return (Para(w("paper-application-request",
                       residence=w.label(f"paper-residence-{residence}", ""),
                       **{"from": start, "to": end})),
                Items(_children(facts, w)))
    blocks: list[Block] = [Para(w("paper-application-request-service",
                                  service=service_name(facts, w)))]
    role = _text(answers.get("role"))
    if role:
        blocks.append(Field(w("paper-label-role"), w.label(f"role-{role}", role)))
    blocks += [Heading(w("paper-label-children")), Items(_children(facts, w))]
    subject = _text(answers.get("subject"))
    if subject:
        details = _text(answers.get("subject_details"))
        named = w.label(f"subject-{subject}", subject)
        blocks.append(Field(w("paper-label-subject"),
                            f"{named}. {details}" if details else named))
    lives = _text(answers.get("lives"))
    if lives:
        where = w("paper-lives-abroad", country=country_named(answers)) \
            if answers.get("country") else w.label(f"lives-{lives}", lives)
        blocks.append(Field(w("paper-label-lives"), where))
    return tuple(blocks)


def _attachments(facts: PaperFacts, w: Words) -> tuple[Block, ...]:
    answers = facts.application.answers
    lines = tuple(w("paper-attachment", document=Text(f"document-{d.code}"),
                    count=len(answers.get(d.answer) or ()))
                  for d in _documents(facts.application.service))
    return (Heading(w("paper-attachments")), Items(lines)) if lines else ()


def _confirmation(facts: PaperFacts, w: Words) -> tuple[Block, ...]:
    confirmed = facts.confirmation
    if confirmed is None:
        return (Heading(w("paper-signature-title")), Para(w("paper-unconfirmed")))
    channel = w.label(f"paper-channel-{confirmed.channel}", confirmed.channel)
    return (
        Heading(w("paper-signature-title")),
        Para(w("paper-confirmed")),
        Items((w("paper-confirmed-channel", channel=channel),
               w("paper-confirmed-account", account=confirmed.account),
               w("paper-confirmed-at", at=confirmed.at),
               w("paper-phone-verified" if confirmed.phone_verified
                 else "paper-phone-not-verified")), numbered=False),
    )


def application(facts: PaperFacts, w: Words) -> tuple[str, tuple[Block, ...]]:
    answers, snapshot = facts.application.answers, facts.application
    has_form = bool(_day(answers.get("period_from")))
    head: list[str] = [w("paper-application-to", body=body_name(facts, w)),
                       w("paper-application-from", name=applicant(facts))]
    for key, message in (("iin", "paper-application-iin"),
                         ("address", "paper-application-address"),
                         ("phone", "paper-application-phone")):
        value = _text(answers.get(key))
        if value:
            head.append(w(message, **{key: value}))
    signed = facts.confirmation.at.astimezone(KZ_TZ).date() if facts.confirmation \
        else facts.issued_on
    consent: list[Block] = [Para(w("paper-consent"))]
    record = answers.get(CONSENT_RECORD)
    if isinstance(record, Mapping) and record.get("at") and record.get("version"):
        consent.append(Para(w("paper-consent-given", at=datetime.fromisoformat(record["at"]),
                              version=str(record["version"])), small=True))
    title = w("paper-title-application")
    blocks: tuple[Block, ...] = (
        *((_appendix(1, w),) if has_form else ()),
        Addressee(tuple(head)),
        Title((title,), (w("paper-application-number", number=snapshot.number,
                           date=snapshot.registered_on),)),
        *_request(facts, w),
        *consent,
        *_attachments(facts, w),
        Field(w("paper-date"), _date(signed)),
        *_confirmation(facts, w),
    )
    return title, blocks


# ---------------------------------------------------------------------- the receipt
def receipt(facts: PaperFacts, w: Words) -> tuple[str, tuple[Block, ...]]:
    snapshot = facts.application
    decision = snapshot.decision
    lines = tuple(w(f"paper-receipt-{mark}", document=Text(f"document-{code}"))
                  if w.has(f"document-{code}") else w(f"paper-receipt-{mark}", document=code)
                  for mark in MARKS for code in decision.get(mark, ()))
    comment = _text(decision.get("comment"))
    title = w("paper-title-receipt")
    official = facts.official
    employee = ", ".join(part for part in (_signer(official),
                                           _text(official.position) if official else "")
                         if part) or w("paper-official")
    # Appendix 3 is a form of service 1's rules; service 2 has no standard in the seeds, so
    # its receipt follows the model without citing rules that are not its own.
    by_appendix = snapshot.service == "visit"
    blocks: tuple[Block, ...] = (
        *((_appendix(3, w, model=True),) if by_appendix else ()),
        _letterhead(facts, w),
        _addressee(facts, w),
        _title(facts, w, title),
        Para(w("paper-receipt-text", body=body_name(facts, w),
               address=body_address(facts, w), service=service_name(facts, w),
               number=snapshot.number)),
        Heading(w("paper-receipt-list")),
        Items(lines or (w("paper-receipt-nothing"),)),
        *((Field(w("paper-receipt-comment"), comment),) if comment else ()),
        Para(w("paper-receipt-copies"), small=True),
        Gap(2),
        Field(w("paper-receipt-employee"), employee),
        # Appendix 3 names the one who carried it out too: the same official here.
        Field(w("paper-receipt-executor"), _signer(official) or w("paper-official")),
        Field(w("paper-receipt-recipient"), applicant(facts)),
        Field(w("paper-date"), _date(facts.issued_on)),
    )
    return title, blocks


# ---------------------------------------------------------------------- the permission
def permission(facts: PaperFacts, w: Words) -> tuple[str, tuple[Block, ...]]:
    snapshot = facts.application
    answers = snapshot.answers
    period = snapshot.decision.get("period") or {}
    start = _day(period.get("from")) or _day(answers.get("period_from"))
    end = _day(period.get("to")) or _day(answers.get("period_to"))
    residence = _text(answers.get("residence"))
    title = w("paper-title-permission")
    blocks: tuple[Block, ...] = (
        _appendix(4, w),
        _addressee(facts, w),
        _title(facts, w, title),
        Para(w("paper-permission-text", body=body_name(facts, w),
               **{"from": start or "", "to": end or ""})),
        Items(_children(facts, w)),
        Field(w("paper-permission-residence"), w.label(f"residence-{residence}", residence)),
        *_dated_and_signed(facts, w),
    )
    return title, blocks


# ---------------------------------------------------------------------- the refusals
def preliminary(facts: PaperFacts, w: Words) -> tuple[str, tuple[Block, ...]]:
    snapshot = facts.application
    decision = snapshot.decision
    hearing: Mapping[str, Any] = decision.get("hearing") or {}
    day = _day(hearing.get("date"))
    details = _text(hearing.get("details"))
    title, notice = w("paper-title-preliminary"), w("paper-title-hearing-notice")
    blocks: tuple[Block, ...] = (
        _letterhead(facts, w),
        _addressee(facts, w),
        _title(facts, w, title, notice),
        Para(w("paper-preliminary-text", number=snapshot.number,
               registered=snapshot.registered_on, service=service_name(facts, w),
               body=body_name(facts, w))),
        Items(_numbered(decision.get("grounds", ()), "ground", w)),
        *((Field(w("paper-preliminary-details"), details),) if details else ()),
        Heading(w("paper-hearing-title")),
        Field(w("paper-hearing-when"),
              w("paper-hearing-at", date=day or "", time=_text(hearing.get("time")))),
        Field(w("paper-hearing-place"), _text(hearing.get("place"))),
        Para(w("paper-hearing-position")),
        Items((w("paper-hearing-chat", number=snapshot.number),
               w("paper-hearing-in-person")), numbered=False),
        *((Para(w("paper-hearing-law", final=final_after_hearing_by(day))),) if day else ()),
        *_dated_and_signed(facts, w),
    )
    return f"{title} {notice}", blocks


def refusal(facts: PaperFacts, w: Words) -> tuple[str, tuple[Block, ...]]:
    snapshot = facts.application
    decision = snapshot.decision
    body = body_name(facts, w)
    reasons = _text(decision.get("reasons"))
    title = w("paper-title-refusal")
    blocks: tuple[Block, ...] = (
        _letterhead(facts, w),
        _addressee(facts, w),
        _title(facts, w, title),
        Para(w("paper-refusal-text", body=body, service=service_name(facts, w),
               number=snapshot.number, registered=snapshot.registered_on)),
        Items(_numbered(decision.get("refusal_grounds", ()), "ground", w)),
        *((Field(w("paper-refusal-reasons"), reasons),) if reasons else ()),
        Heading(w("paper-complaint-title")),
        Items((w("paper-complaint-head", body=body, days=COMPLAINT_HEAD_DAYS),
               w("paper-complaint-review", days=COMPLAINT_REVIEW_DAYS),
               w("paper-complaint-forward", days=COMPLAINT_FORWARD_DAYS),
               w("paper-complaint-court"))),
        Para(w("paper-complaint-source"), small=True),
        *_dated_and_signed(facts, w),
    )
    return title, blocks


# ---------------------------------------------------------------------- service 2
def _participants(facts: PaperFacts, w: Words) -> tuple[str, ...]:
    answers = facts.application.answers
    lines = []
    if facts.official is not None:
        lines.append(w("paper-record-specialist", name=_signer(facts.official)))
    role = _text(answers.get("role"))
    lines.append(w("paper-record-applicant", name=applicant(facts),
                   role=_lower_first(w.label(f"role-{role}", role)) if role else "—"))
    children = _children(facts, w)
    if facts.child is not None and facts.child < len(children):  # a sibling's own record
        children = (children[facts.child],)
    lines += [w("paper-record-child", child=child) for child in children]
    return tuple(lines)


def record(facts: PaperFacts, w: Words) -> tuple[str, tuple[Block, ...]]:
    snapshot = facts.application
    moments = [line.at.astimezone(KZ_TZ) for line in facts.transcript]
    one_day = len({moment.date() for moment in moments}) <= 1
    stamp = "%H:%M" if one_day else "%d.%m.%Y %H:%M"
    rows = tuple(
        (moment.strftime(stamp),
         w.label(f"paper-role-{line.role}", w("paper-role-other"))
         + (f" {w('paper-via-email')}" if line.via == "email" else ""), line.text)
        for moment, line in zip(moments, facts.transcript, strict=True))
    if moments:
        when = w("paper-record-span", date=moments[0].date(),
                 start=moments[0].strftime(stamp), end=moments[-1].strftime(stamp))
    else:
        when = _date(facts.issued_on)
    present: tuple[Block, ...] = ()
    if facts.representative_present is not None:
        present = (Field(w("paper-record-present"),
                         w("paper-yes" if facts.representative_present else "paper-no")),)
    title = w("paper-title-record")
    blocks: tuple[Block, ...] = (
        _letterhead(facts, w),
        _title(facts, w, title),
        Para(w("paper-record-about", number=snapshot.number, service=service_name(facts, w))),
        Para(w("paper-record-basis")),
        Field(w("paper-record-when"), when),
        Heading(w("paper-record-participants")),
        Items(_participants(facts, w), numbered=False),
        *present,
        Heading(w("paper-record-messages")),
        Transcript((w("paper-record-col-time"), w("paper-record-col-who"),
                    w("paper-record-col-text")), rows, w("paper-record-emoji")) if rows
        else Para(w("paper-record-empty")),
        *_dated_and_signed(facts, w),
    )
    return title, blocks


def decision(facts: PaperFacts, w: Words) -> tuple[str, tuple[Block, ...]]:
    snapshot = facts.application
    answers = snapshot.answers
    subject = _text(answers.get("subject"))
    details = _text(answers.get("subject_details"))
    named = w.label(f"subject-{subject}", subject)
    about: tuple[Block, ...] = ()
    if subject:
        about = (Field(w("paper-label-subject"), f"{named}. {details}" if details else named),)
    role = _text(answers.get("role"))
    who = applicant(facts) + (f" ({_lower_first(w.label(f'role-{role}', role))})"
                              if role else "")
    title = w("paper-title-decision")
    blocks: tuple[Block, ...] = (
        _letterhead(facts, w),
        _addressee(facts, w),
        _title(facts, w, title),
        Para(w("paper-decision-text", number=snapshot.number,
               registered=snapshot.registered_on, service=service_name(facts, w),
               body=body_name(facts, w))),
        Field(w("paper-decision-applicant"), who),
        Heading(w("paper-label-children")),
        Items(_children(facts, w)),
        *about,
        Heading(w("paper-decision-label")),
        Para(_text(snapshot.decision.get("text"))),
        *_dated_and_signed(facts, w),
    )
    return title, blocks


BUILDERS: dict[str, Builder] = {
    APPLICATION: application,
    "receipt-appendix-3": receipt,
    "permission-appendix-4": permission,
    "preliminary-refusal-and-hearing-notice": preliminary,
    "reasoned-refusal": refusal,
    "conversation-record": record,
    "decision-on-the-childs-opinion": decision,
}
