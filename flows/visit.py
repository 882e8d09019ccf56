"""Service 1: permission for a parent deprived of parental rights to meet the child.

The steps follow the official application form (seed 004, appendix 1) field by field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from flows.catalogue import Catalogue, load_catalogue
from flows.messages import Text
from flows.steps import (
    ChoiceStep,
    Context,
    FilesStep,
    Flow,
    GroupStep,
    Option,
    Parser,
    Section,
    Suggestion,
    TextStep,
)
from flows.validators import (
    check_after,
    check_birth_date,
    check_not_past,
    parse_address,
    parse_date,
    parse_iin,
    parse_person_name,
    parse_phone,
)

# Where the child lives: the five kinds of the form, in its order.
RESIDENCES = ("guardianship", "trusteeship", "patronage", "receiving-family", "organisation")

CATALOGUE: Catalogue = load_catalogue()


def plain(parse: Callable[[str], Any]) -> Parser:
    return lambda text, _ctx: parse(text)


def _region_options(_ctx: Context) -> Sequence[Option]:
    return [Option(r.code, Text(f"region-{r.code}")) for r in CATALOGUE.regions]


def _body_options(ctx: Context) -> Sequence[Option]:
    region = CATALOGUE.region(ctx.answers["region"])
    return [Option(b.code, Text(f"body-{b.code}-short")) for b in region.bodies]


def _birth_date(text: str, ctx: Context) -> str:
    return check_birth_date(parse_date(text), ctx.today).isoformat()


def _period_from(text: str, ctx: Context) -> str:
    return check_not_past(parse_date(text), ctx.today).isoformat()


def _period_to(text: str, ctx: Context) -> str:
    start = ctx.date("period_from") or ctx.today
    return check_after(parse_date(text), start).isoformat()


def _start_suggestions(ctx: Context) -> Sequence[Suggestion]:
    first_of_next_month = (ctx.today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return [
        Suggestion(Text("suggest-today", {"date": ctx.today}), ctx.today.isoformat()),
        Suggestion(Text("suggest-date", {"date": first_of_next_month}),
                   first_of_next_month.isoformat()),
    ]


def _end_suggestions(ctx: Context) -> Sequence[Suggestion]:
    start = ctx.date("period_from") or ctx.today
    return [
        Suggestion(Text("suggest-months", {"count": months, "date": end}), end.isoformat())
        for months in (1, 3, 6, 12)
        for end in [_add_months(start, months) - timedelta(days=1)]
    ]


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def full_name(holder: Mapping[str, Any]) -> str:
    parts = (holder.get("surname"), holder.get("first_name"), holder.get("patronymic"))
    return " ".join(part for part in parts if part)


def _value(key: str) -> Callable[[Mapping[str, Any]], Text]:
    return lambda answers: Text("value-plain", {"value": str(answers.get(key) or "")})


def _show_body(answers: Mapping[str, Any]) -> Text:
    code = answers.get("body", "")
    return Text("summary-body", {"name": Text(f"body-{code}"),
                                 "address": Text(f"body-{code}-address")})


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


def _show_documents(answers: Mapping[str, Any]) -> Text:
    return Text("summary-documents", {"identity": len(answers.get("id_document", [])),
                                      "other": len(answers.get("other_documents", []))})


VISIT = Flow(
    id="visit",
    service="visit",
    intro="visit-intro",
    steps=(
        ChoiceStep("region", "visit-ask-region", _region_options),
        ChoiceStep("body", "visit-ask-body", _body_options, columns=2),
        TextStep("surname", "visit-ask-surname", plain(parse_person_name)),
        TextStep("first_name", "visit-ask-first-name", plain(parse_person_name)),
        TextStep("patronymic", "visit-ask-patronymic", plain(parse_person_name), skippable=True),
        TextStep("iin", "visit-ask-iin", plain(parse_iin)),
        TextStep("address", "visit-ask-address", plain(parse_address)),
        TextStep("phone", "visit-ask-phone", plain(parse_phone), accepts_contact=True),
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
                TextStep("patronymic", "visit-ask-child-patronymic", plain(parse_person_name),
                         skippable=True),
                TextStep("birth_date", "visit-ask-child-birth-date", _birth_date),
            ),
            more_prompt="visit-ask-more-children",
        ),
        TextStep("period_from", "visit-ask-period-from", _period_from,
                 suggest=_start_suggestions),
        TextStep("period_to", "visit-ask-period-to", _period_to, suggest=_end_suggestions),
        ChoiceStep(
            "consent",
            "visit-ask-consent",
            (Option("yes", Text("consent-yes")), Option("no", Text("consent-no"))),
            refusals={"no": "consent-required"},
        ),
        FilesStep("id_document", "visit-ask-id-document", required=True),
        FilesStep("other_documents", "visit-ask-other-documents", required=False),
    ),
    sections=(
        Section("body", "section-body", ("region", "body"), _show_body),
        Section("applicant", "section-applicant", ("surname", "first_name", "patronymic"),
                lambda a: Text("value-plain", {"value": full_name(a)})),
        Section("iin", "section-iin", ("iin",), _value("iin")),
        Section("address", "section-address", ("address",), _value("address")),
        Section("phone", "section-phone", ("phone",), _value("phone")),
        Section("residence", "section-residence", ("residence",),
                lambda a: Text(f"residence-{a.get('residence')}")),
        Section("children", "section-children", ("children",), _show_children),
        Section("period", "section-period", ("period_from", "period_to"), _show_period),
        Section("consent", "section-consent", ("consent",), lambda a: Text("summary-consent")),
        Section("documents", "section-documents", ("id_document", "other_documents"),
                _show_documents),
    ),
)
