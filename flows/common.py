"""Steps and summary lines both services ask the same way: the body, the applicant,
consent (the documents are each service's own list, `flows/documents.py`). A flow takes
them from here, so a fix in one place serves every service."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from flows.catalogue import Catalogue, load_catalogue
from flows.messages import Text
from flows.steps import ChoiceStep, Context, Option, Parser, Section, TextStep
from flows.validators import (
    KZ,
    Invalid,
    parse_address,
    parse_iin,
    parse_kz_phone,
    parse_patronymic,
    parse_person_name,
    parse_phone_anywhere,
    phone_country,
    phone_region,
)

CATALOGUE: Catalogue = load_catalogue()


def plain(parse: Callable[[str], Any]) -> Parser:
    return lambda text, _ctx: parse(text)


def _region_options(_ctx: Context) -> Sequence[Option]:
    return [Option(r.code, Text(f"region-{r.code}")) for r in CATALOGUE.regions]


def _body_options(ctx: Context) -> Sequence[Option]:
    region = CATALOGUE.region(ctx.answers["region"])
    return [Option(b.code, Text(f"body-{b.code}-short")) for b in region.bodies]


def full_name(holder: Mapping[str, Any], prefix: str = "") -> str:
    parts = (holder.get(f"{prefix}surname"), holder.get(f"{prefix}first_name"),
             holder.get(f"{prefix}patronymic"))
    return " ".join(part for part in parts if part)


def not_twice(born: date, ctx: Context, group: str = "children") -> date:
    """A child's birth date, unless the same child (name and date) is in the group already:
    lost among Back and "another child?", one may enter a child twice, which would be two
    conversations, two lines on the permission, for one child."""
    def same(other: Mapping[str, Any]) -> bool:
        return other.get("birth_date") == born.isoformat() and all(
            str(other.get(key) or "").casefold() == str(ctx.item.get(key) or "").casefold()
            for key in ("surname", "first_name"))
    for position, other in enumerate(ctx.answers.get(group) or (), start=1):
        if other is not ctx.item and same(other):
            raise Invalid("error-child-twice", {"n": position})
    return born


def value_of(key: str) -> Callable[[Mapping[str, Any]], Text]:
    return lambda answers: Text("value-plain", {"value": str(answers.get(key) or "")})


def _show_body(answers: Mapping[str, Any]) -> Text:
    code = answers.get("body", "")
    return Text("summary-body", {"name": Text(f"body-{code}"),
                                 "address": Text(f"body-{code}-address")})


BODY_STEPS = (
    ChoiceStep("region", "ask-region", _region_options),
    ChoiceStep("body", "ask-body", _body_options, columns=2),
)
# The phone: a Kazakhstan number (a foreign one is told it is not taken), or, where the
# service reaches families abroad, any country's number in E.164 (`applicant_steps`).
KZ_PHONE_STEP = TextStep("phone", "ask-phone", plain(parse_kz_phone), accepts_contact=True)
PHONE_ANYWHERE_STEP = TextStep("phone", "ask-phone-anywhere", plain(parse_phone_anywhere),
                               accepts_contact=True)


def applicant_steps(phone: TextStep = KZ_PHONE_STEP) -> tuple[TextStep, ...]:
    return (
        TextStep("surname", "ask-surname", plain(parse_person_name)),
        TextStep("first_name", "ask-first-name", plain(parse_person_name)),
        TextStep("patronymic", "ask-patronymic", plain(parse_patronymic), skippable=True),
        TextStep("iin", "ask-iin", plain(parse_iin)),
        TextStep("address", "ask-address", plain(parse_address)),
        phone,
    )


APPLICANT_STEPS = applicant_steps()
CONSENT_STEP = ChoiceStep(
    "consent", "ask-consent",
    (Option("yes", Text("consent-yes")), Option("no", Text("consent-no"))),
    refusals={"no": "consent-required"},
)
# What a person agrees to, as they read it: the statement, then the button they tapped.
CONSENT_SHOWN = (Text(CONSENT_STEP.prompt), Text("consent-yes"))
# The answers' key of the consent record, kept beside the step's "yes" until submission.
CONSENT_RECORD = "consent_record"
# How a transport words a `Text` in a language (the Localizer's `render`).
Render = Callable[[Text, str], str]


def consent_version(text: str, language: str) -> str:
    """The version of a consent text is its own fingerprint: a change of the words in
    locales/ makes a new version by itself, and an old record still proves what it showed
    (anyone can hash the stored words again)."""
    return f"{language}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}"


def consent_record(render: Render, language: str, at: datetime) -> dict[str, str]:
    """The consent as given: the exact words shown in the person's language, their
    version, the language and the moment of the tap."""
    text = "\n\n".join(render(part, language) for part in CONSENT_SHOWN)
    return {"text": text, "version": consent_version(text, language), "language": language,
            "at": at.isoformat()}


def _show_consent(answers: Mapping[str, Any]) -> Text:
    record = answers.get(CONSENT_RECORD)
    if not isinstance(record, Mapping):  # given before consent was recorded with its words
        return Text("summary-consent")
    return Text("consent-given", {"at": datetime.fromisoformat(record["at"]),
                                  "version": record["version"]})


def _show_phone(answers: Mapping[str, Any]) -> Text:
    """A Kazakhstan number as stored; a number abroad with its country beside it."""
    phone = str(answers.get("phone") or "")
    if not phone or phone_region(phone) in (KZ, ""):
        return Text("value-plain", {"value": phone})
    return Text("summary-phone-abroad", {"phone": phone, "country": phone_country(phone)})


BODY_SECTION = Section("body", "section-body", ("region", "body"), _show_body)
APPLICANT_SECTIONS = (
    Section("applicant", "section-applicant", ("surname", "first_name", "patronymic"),
            lambda a: Text("value-plain", {"value": full_name(a)})),
    Section("iin", "section-iin", ("iin",), value_of("iin")),
    Section("address", "section-address", ("address",), value_of("address")),
    Section("phone", "section-phone", ("phone",), _show_phone),
)


def identity_signals(answers: Mapping[str, Any]) -> tuple[Text, ...]:
    """What staff may rely on about the applicant, said plainly on the card: the phone is
    verified only when the messenger passed on the sender's own contact (the engine records
    `phone_verified`); a typed number or another person's contact is not. The IIN is as
    typed: the bot checks its check digit, never state registers."""
    lines = []
    if answers.get("phone"):
        verified = answers.get("phone_verified") is True
        lines.append(Text("identity-phone-verified" if verified else "identity-phone-unverified"))
    if answers.get("iin"):
        lines.append(Text("identity-iin-as-typed"))
    return tuple(lines)


CONSENT_SECTION = Section("consent", "section-consent", ("consent",), _show_consent)
