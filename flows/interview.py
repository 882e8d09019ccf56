"""Service 2: the body's decision on taking into account the opinion of a child aged 10+.

The conversation with the child is held within 4 working days after the documents are
checked, with a parent or legal representative present; a child who lives or studies abroad
is heard through a messenger (seed 001, item 1, new p. 5). So the application asks where the
child lives and, abroad, the country and city: their time zone is needed for the slots. A
child in Kazakhstan may come to the body in person or talk by video call: the parent chooses.

The term is kept, not only shown (issue 10): a parent with no booked time 1 working day after
the documents were accepted is reminded, and 1 working day before the term ends staff are
alerted and the morning digest warns (`booking_nudges`, `_warnings`).

Siblings ("баламен (балалармен)", seed 001 p. 5) go in one application: the form asks for the
children as a group, each with their own age check, and each child has their own
conversation: their own time, invite, reminders, buttons on the card and record. The time is
booked when every child has one. `children` is the one place that reads the children of an
application, whichever shape it was stored in.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flows.calendar import add_working_days, end_of_day, subtract_working_days
from flows.catalogue import BODIES_PATH, body_address_id, body_label_id
from flows.common import (
    APPLICANT_SECTIONS,
    BODY_SECTION,
    BODY_STEPS,
    CONSENT_SECTION,
    CONSENT_STEP,
    PHONE_ANYWHERE_STEP,
    applicant_steps,
    full_name,
    not_twice,
    plain,
)
from flows.countries import (
    OTHER,
    UTC_HOURS,
    Countries,
    city_label,
    country_label_id,
    load_countries,
    utc_code,
)
from flows.delivery import CITIZEN, STAFF
from flows.documents import documents_section, load_documents, refusal_to_accept, upload_steps
from flows.messages import Arg, Choice, OutgoingMessage, Text
from flows.notices import incomplete
from flows.payloads import Book, BookFor, Tap, conversation_button
from flows.service import ProcedureStep, Service, Snapshot, Typed, load_terms
from flows.slots import Slot, times
from flows.staff_input import parse_text
from flows.steps import ChoiceStep, Context, Flow, GroupStep, Option, Section, TextStep
from flows.terms import interview_term_end
from flows.validators import (
    Invalid,
    age_on,
    check_birth_date,
    parse_date,
    parse_free_text,
    parse_patronymic,
    parse_person_name,
)

MIN_AGE = 10
DOCUMENTS = load_documents("interview")  # flows/data/documents.json
# The conversation's 4 working days count from the documents' check, which may be the day
# they are registered: the child must be 10 by the earliest the term can end, or staff could
# accept an application whose child no time can be booked for.
LAST_INTERVIEW_DAY = 4

ROLES = ("parent", "guardian", "representative")
SUBJECTS = ("residence", "name", "adoption", "guardianship", "other")
PRESENT = ("applicant", "other")
# A child in Kazakhstan may come to the body in person, or talk by video call; a child abroad
# is heard through a messenger (seed 001 p. 5 para. 2).
MEETINGS = ("in-person", "video")

# Issue 10: the parent who has not booked a time 1 working day after the documents were
# accepted is reminded; staff are alerted 1 working day before the conversation's last day.
REMIND_UNBOOKED_AFTER = 1
ALERT_UNBOOKED_BEFORE = 1
BOOKED = "booked"  # the application's record of the booked times: a slot key per child

# Each child: surname, first name, patronymic (if any), date of birth (004 app. 1 wording).
CHILD_FIELDS = ("surname", "first_name", "patronymic", "birth_date")
# Before siblings, the form asked one child as flat answers; such applications (and drafts
# begun then) read as a list of one child (`children`).
ONE_CHILD = tuple(f"child_{field}" for field in CHILD_FIELDS)
MAX_CHILDREN = 10  # a child's place travels in buttons in 2 digits (flows.payloads.Child)

COUNTRIES: Countries = load_countries()


def _options(prefix: str, codes: Sequence[str]) -> tuple[Option, ...]:
    return tuple(Option(code, Text(f"{prefix}-{code}")) for code in codes)


def _abroad(answers: Mapping[str, Any]) -> bool:
    return answers.get("lives") == "abroad"


def _in_kazakhstan(answers: Mapping[str, Any]) -> bool:
    return answers.get("lives") == "kz"


def in_person(answers: Mapping[str, Any]) -> bool:
    """The child comes to the body with the parent (only a child in Kazakhstan may)."""
    return _in_kazakhstan(answers) and answers.get("meeting") == "in-person"


def _needs_city(answers: Mapping[str, Any]) -> bool:
    country = answers.get("country")
    return _abroad(answers) and country is not None and country != OTHER and \
        not COUNTRIES.country(country).single


def _elsewhere(answers: Mapping[str, Any]) -> bool:
    """Abroad in a country not on the list: its name typed, its clock as a UTC offset."""
    return _abroad(answers) and answers.get("country") == OTHER


def _country_options(_ctx: Context) -> Sequence[Option]:
    return [*(Option(c.code, Text(country_label_id(c.code))) for c in COUNTRIES.all),
            Option(OTHER, Text("country-other"))]


def _utc_options(_ctx: Context) -> Sequence[Option]:
    return [Option(utc_code(hours), city_label(utc_code(hours))) for hours in UTC_HOURS]


MAX_COUNTRY_NAME = 60


def _country_name(text: str) -> str:
    name = parse_free_text(" ".join(text.split()), MAX_COUNTRY_NAME)
    if not any(char.isalpha() for char in name):
        raise Invalid("error-country-name")
    return name


def country_named(answers: Mapping[str, Any]) -> Text:
    """The child's country as the parent reads it: from the list, or as they typed it."""
    country = str(answers.get("country") or "")
    if country == OTHER:
        return Text("value-plain", {"value": str(answers.get("country_name") or "")})
    return Text(country_label_id(country))


def _city_options(ctx: Context) -> Sequence[Option]:
    zones = COUNTRIES.zones_of(ctx.answers["country"])
    return [Option(z.code, city_label(z.code)) for z in zones]


def child_zone(answers: Mapping[str, Any]) -> ZoneInfo | None:
    """The child's time zone: None in Kazakhstan (the interview is in Astana time)."""
    code = child_city(answers)
    return None if code is None else COUNTRIES.zone(code).zone


def child_city(answers: Mapping[str, Any]) -> str | None:
    """The zone code whose city names the child's local time ("06:00 Berlin"). A city
    answered for another country (the country changed from the summary) is not theirs."""
    if not _abroad(answers) or "country" not in answers:
        return None
    if answers["country"] == OTHER:  # its offset (Astana's until it is answered)
        return str(answers.get("utc") or utc_code(5))
    zones = [zone.code for zone in COUNTRIES.zones_of(answers["country"])]
    city = answers.get("city")
    return city if _needs_city(answers) and city in zones else zones[0]


# ---------------------------------------------------------------------- the children
def children(answers: Mapping[str, Any]) -> tuple[Mapping[str, Any], ...]:
    """The children whose opinion the application is about, in the order entered (a child's
    place in it is their `child` everywhere: bookings, invites, buttons). An application made
    before siblings were taken holds one child as flat `child_*` answers: read as one."""
    if "children" in answers:
        return tuple(answers["children"])
    if any(key in answers for key in ONE_CHILD):
        return ({field: answers.get(f"child_{field}") for field in CHILD_FIELDS},)
    return ()


def siblings(answers: Mapping[str, Any]) -> bool:
    """More than one child: then every notice says which child it is about."""
    return len(children(answers)) > 1


def child_name(answers: Mapping[str, Any], child: int) -> str:
    """The child's full name; "" when the application has no such child."""
    kids = children(answers)
    return full_name(kids[child]) if 0 <= child < len(kids) else ""


def child_first_name(answers: Mapping[str, Any], child: int) -> str:
    kids = children(answers)
    return str(kids[child].get("first_name") or "") if 0 <= child < len(kids) else ""


def child_born(answers: Mapping[str, Any], child: int) -> date | None:
    kids = children(answers)
    born = kids[child].get("birth_date") if 0 <= child < len(kids) else None
    return date.fromisoformat(born) if born else None


def _began_with_one_child(answers: Mapping[str, Any]) -> bool:
    """A draft begun before siblings were taken finishes as it began (flat answers)."""
    return any(key in answers for key in ONE_CHILD)


def _asks_children(answers: Mapping[str, Any]) -> bool:
    return not _began_with_one_child(answers)


def _child_birth(text: str, ctx: Context) -> str:
    born = not_twice(check_birth_date(parse_date(text), ctx.today, too_old="error-child-adult"),
                     ctx)
    last_day = add_working_days(ctx.today, LAST_INTERVIEW_DAY)
    if age_on(born, last_day) < MIN_AGE:
        # A brother or sister too young is left out of the application (Back removes a
        # child being entered); what was entered stays, and the question is asked again.
        later = any(child is ctx.item for child in ctx.answers.get("children", [])[1:])
        raise Invalid("error-sibling-under-ten" if later else "error-child-under-ten",
                      {"min": MIN_AGE})
    return born.isoformat()


def _show_children(answers: Mapping[str, Any]) -> tuple[Text, ...]:
    return tuple(
        Text("summary-child", {"name": full_name(child),
                               "birth": date.fromisoformat(child["birth_date"])})
        for child in children(answers) if child.get("birth_date"))


def _show_lives(answers: Mapping[str, Any]) -> Text:
    zone = child_city(answers)
    if zone is None:
        meeting = answers.get("meeting")
        return Text(f"summary-lives-kz-{meeting}") if meeting in MEETINGS else Text("lives-kz")
    return Text("summary-lives-abroad", {"country": country_named(answers),
                                         "city": city_label(zone)})


def _show_subject(answers: Mapping[str, Any]) -> Text:
    return Text("summary-subject", {"subject": Text(f"subject-{answers.get('subject')}"),
                                    "details": str(answers.get("subject_details") or "")})


INTERVIEW = Flow(
    id="interview",
    service="interview",
    intro="interview-intro",
    steps=(
        *BODY_STEPS,
        # A parent may live abroad with the child: any country's number (issue 12).
        *applicant_steps(PHONE_ANYWHERE_STEP),
        ChoiceStep("role", "interview-ask-role", _options("role", ROLES)),
        # Only a draft begun before siblings were taken is still asked these.
        TextStep("child_surname", "interview-ask-child-surname", plain(parse_person_name),
                 when=_began_with_one_child),
        TextStep("child_first_name", "interview-ask-child-first-name",
                 plain(parse_person_name), when=_began_with_one_child),
        TextStep("child_patronymic", "interview-ask-child-patronymic",
                 plain(parse_patronymic), skippable=True, when=_began_with_one_child),
        TextStep("child_birth_date", "interview-ask-child-birth-date", _child_birth,
                 when=_began_with_one_child),
        # The child, or the children: each with their own age check and conversation.
        GroupStep(
            "children",
            (
                TextStep("surname", "interview-ask-children-surname", plain(parse_person_name)),
                TextStep("first_name", "interview-ask-children-first-name",
                         plain(parse_person_name)),
                TextStep("patronymic", "interview-ask-children-patronymic",
                         plain(parse_patronymic), skippable=True),
                TextStep("birth_date", "interview-ask-children-birth-date", _child_birth),
            ),
            more_prompt="interview-ask-more-children",
            max_items=MAX_CHILDREN,
            when=_asks_children,
        ),
        ChoiceStep("subject", "interview-ask-subject", _options("subject", SUBJECTS)),
        TextStep("subject_details", "interview-ask-subject-details", plain(parse_free_text)),
        ChoiceStep("lives", "interview-ask-lives", _options("lives", ("kz", "abroad"))),
        ChoiceStep("country", "interview-ask-country", _country_options, columns=2,
                   when=_abroad),
        TextStep("country_name", "interview-ask-country-name", plain(_country_name),
                 when=_elsewhere),
        ChoiceStep("utc", "interview-ask-utc", _utc_options, columns=3, when=_elsewhere),
        ChoiceStep("city", "interview-ask-city", _city_options, columns=2, when=_needs_city),
        ChoiceStep("meeting", "interview-ask-meeting", _options("meeting", MEETINGS),
                   when=_in_kazakhstan),
        ChoiceStep("present", "interview-ask-present", _options("present", PRESENT)),
        CONSENT_STEP,
        *upload_steps(DOCUMENTS),
    ),
    sections=(
        BODY_SECTION,
        *APPLICANT_SECTIONS,
        Section("role", "section-role", ("role",), lambda a: Text(f"role-{a.get('role')}")),
        Section("child", "section-child", ONE_CHILD, _show_children),
        Section("children", "section-interview-children", ("children",), _show_children),
        Section("subject", "section-subject", ("subject", "subject_details"), _show_subject),
        Section("lives", "section-lives",
                ("lives", "country", "country_name", "utc", "city", "meeting"),
                _show_lives),
        Section("present", "section-present", ("present",),
                lambda a: Text(f"present-{a.get('present')}")),
        CONSENT_SECTION,
        documents_section(DOCUMENTS),
    ),
)


def _zone_of(zone: str | None) -> ZoneInfo | None:
    return COUNTRIES.zone(zone).zone if zone else None


def slot_text(slot: Slot, zone: str | None) -> Text:
    """'25.11.2026, 10:00 Astana — 06:00 Berlin' (the child's time only when it differs), and
    the child's date when it is another day there: '25.11.2026, 09:00 Astana — 24.11.2026,
    20:00 Los Angeles', else the parent reads 20:00 as the evening of the 25th."""
    shown = times(slot, _zone_of(zone))
    if zone is None or "child_start" not in shown:
        return Text("slot-time", {"date": shown["kz_date"], "time": shown["kz_start"]})
    args: dict[str, Arg] = {"date": shown["kz_date"], "time": shown["kz_start"],
                            "child_time": shown["child_start"],
                            "city": city_label(zone)}
    if shown["child_date"] == shown["kz_date"]:
        return Text("slot-time-abroad", args)
    return Text("slot-time-abroad-day", {**args, "child_date": shown["child_date"]})


def child_slot_text(slot: Slot, zone: str | None) -> Text:
    """The child's own time first: that is the clock the child lives by."""
    shown = times(slot, _zone_of(zone))
    if zone is None or "child_start" not in shown:
        return Text("slot-time", {"date": shown["kz_date"], "time": shown["kz_start"]})
    return Text("slot-time-child", {"date": shown["child_date"], "time": shown["child_start"],
                                    "city": city_label(zone)})


# ---------------------------------------------------------------------- in person
def load_rooms(path: Path = BODIES_PATH) -> dict[str, str | None]:
    """Each body's room for a conversation in person (flows/data/bodies.json); None where no
    verified room is known: staff then tell it to the parent."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {body["code"]: body.get("room") or None
            for region in raw["regions"] for body in region["bodies"]}


ROOMS: Mapping[str, str | None] = load_rooms()


def meeting_place(answers: Mapping[str, Any]) -> Text | None:
    """Where the parent brings the child, for a conversation in person: the body's name,
    address and room (or that staff will tell the room); None for a video call."""
    if not in_person(answers):
        return None
    body = answers["body"]
    args: dict[str, Any] = {"body": Text(body_label_id(body)),
                            "address": Text(body_address_id(body))}
    room = ROOMS.get(body)
    if room is None:
        return Text("interview-place-room-later", args)
    return Text("interview-place", {**args, "room": room})


def staff_meeting_place(answers: Mapping[str, Any]) -> Text | None:
    """For staff: the conversation is in person, and whether the parent knows the room."""
    if not in_person(answers):
        return None
    room = ROOMS.get(answers["body"])
    if room is None:
        return Text("staff-interview-in-person-no-room", {"body": answers["body"]})
    return Text("staff-interview-in-person", {"room": room})


def child_about(answers: Mapping[str, Any]) -> Text:
    """What the decision is about, in the child's words: the subject the parent chose."""
    subject = answers.get("subject")
    return Text(f"child-about-{subject if subject in SUBJECTS else 'other'}")


# ---------------------------------------------------------------------- booking the time
def booked_times(decision: Mapping[str, Any]) -> dict[int, str]:
    """The booked time (slot key) of each child's conversation, by the child's place; the
    one time an application recorded before siblings were taken is its first child's."""
    booked = decision.get(BOOKED)
    if isinstance(booked, str):
        return {0: booked} if booked else {}
    if isinstance(booked, Mapping):
        return {int(child): key for child, key in booked.items() if key}
    return {}


def record_booking(decision: Mapping[str, Any], child: int, key: str | None) -> dict[str, Any]:
    """The application's decision record with this child's booked time (None: no time)."""
    times = {**booked_times(decision), child: key}
    kept = {str(place): slot for place, slot in sorted(times.items()) if slot}
    rest = {name: value for name, value in decision.items() if name != BOOKED}
    return {**rest, BOOKED: kept} if kept else rest


HEARD = "heard"  # the decision's record of the children whose conversation was held


def record_heard(decision: Mapping[str, Any], child: int) -> dict[str, Any]:
    """The decision record with this child's conversation held (ended by staff: its record
    is issued)."""
    return {**decision, HEARD: sorted({*decision.get(HEARD, ()), child})}


def _every_child_heard(snapshot: Snapshot, _today: date,
                       _details: Mapping[str, Any]) -> Text | None:
    """The decision is taken on what each child said (seed 001 p. 5): not before every
    child's conversation was held. One who did not come is a conversation ended too: its
    record says so."""
    waiting = [child for child in range(len(children(snapshot.answers)))
               if child not in snapshot.decision.get(HEARD, ())]
    if waiting:
        return Text("staff-guard-decide-before-conversation", {"number": snapshot.number})
    return None


def unbooked(snapshot: Snapshot) -> tuple[int, ...]:
    """The children whose conversation has no time yet, once the documents are accepted
    (none before, and none once the procedure has moved on)."""
    if snapshot.status != "under_review" or "accepted_on" not in snapshot.decision:
        return ()
    times = booked_times(snapshot.decision)
    return tuple(child for child in range(max(len(children(snapshot.answers)), 1))
                 if child not in times)


def _awaits_a_time(snapshot: Snapshot) -> bool:
    """The documents are accepted and some child's conversation has no time yet: the time
    is booked only when every child has one."""
    return bool(unbooked(snapshot))


def booking_reminder_day(snapshot: Snapshot) -> date:
    """From this day on, a parent who has booked no time is reminded."""
    accepted = date.fromisoformat(snapshot.decision["accepted_on"])
    return add_working_days(accepted, REMIND_UNBOOKED_AFTER)


def booking_alert_day(snapshot: Snapshot) -> date:
    """From this day on, staff are alerted that no time is booked."""
    return subtract_working_days(interview_term_end(snapshot), ALERT_UNBOOKED_BEFORE)


@dataclass(frozen=True)
class Nudge:
    """A notice that the conversation's time is still not booked."""

    audience: str  # flows.delivery: CITIZEN (the parent) or STAFF (the citizen's topic)
    message: OutgoingMessage
    until: datetime  # pointless once the conversation's last day is over
    child: int = 0  # whose conversation has no time


def about_child(key: str, args: Mapping[str, Any], answers: Mapping[str, Any],
                child: int) -> Text:
    """A notice about one child's conversation: with siblings it names the child (its
    `<key>-child` message), with one child it reads as it always did."""
    if siblings(answers):
        return Text(f"{key}-child", {**args, "child": child_name(answers, child)})
    return Text(key, dict(args))


def booking_nudges(snapshot: Snapshot, today: date, seq: int) -> tuple[Nudge, ...]:
    """What is due today for each child whose conversation has no time yet: the parent's
    reminder (with the button to book, bound to `seq`, the parent's conversation turn), and
    from the alert day the staff's alert."""
    waiting = unbooked(snapshot)
    end = interview_term_end(snapshot) if waiting else None
    if end is None or today > end:
        return ()
    until = end_of_day(end)
    args, answers = {"number": snapshot.number, "term": end}, snapshot.answers
    nudges = []
    for child in waiting:
        if today >= booking_reminder_day(snapshot):
            action = BookFor(str(snapshot.id), child) if siblings(answers) \
                else Book(str(snapshot.id))
            book = Choice(Text("booking-choose"), Tap.bind(seq, action.pack()))
            nudges.append(Nudge(CITIZEN, OutgoingMessage(
                (about_child("booking-remind-parent", args, answers, child),), ((book,),)),
                until, child))
        if today >= booking_alert_day(snapshot):
            nudges.append(Nudge(STAFF, OutgoingMessage(
                (about_child("staff-interview-unbooked", args, answers, child),)), until, child))
    return tuple(nudges)


def _warnings(snapshot: Snapshot, today: date) -> tuple[Text, ...]:
    """From the working day before the conversation's last day, each child with no booked
    time is in the morning digest."""
    waiting = unbooked(snapshot)
    if not waiting or not booking_alert_day(snapshot) <= today <= interview_term_end(snapshot):
        return ()
    args = {"number": snapshot.number, "term": interview_term_end(snapshot)}
    return tuple(about_child("staff-digest-interview-unbooked", args, snapshot.answers, child)
                 for child in waiting)


# ---------------------------------------------------------------------- the procedure
# Seed 001 p. 5: the documents checked, the conversation with the child within 4 working
# days, then the decision. The seeds hold no standard of this service (RULES.md).
PROCEDURE = (
    # The conversation's term counts from the day the documents were checked.
    ProcedureStep("accept", ("submitted",), "under_review", records_day="accepted_on"),
    ProcedureStep("incomplete", ("submitted",), "rejected_incomplete",
                  inputs=refusal_to_accept(DOCUMENTS), document="receipt-appendix-3"),
    # The result is a decision on taking the child's opinion into account, not a permission.
    ProcedureStep("decide", ("under_review",), "decided", guards=(_every_child_heard,),
                  inputs=(Typed("text", "staff-ask-decision", parse_text),),
                  document="decision-on-the-childs-opinion"),
)


def _notice(snapshot: Snapshot) -> OutgoingMessage:
    number, answers = snapshot.number, snapshot.answers
    match snapshot.status:
        case "under_review":
            return OutgoingMessage((Text("notify-interview-accepted", {
                "number": number, "term": interview_term_end(snapshot)}),))
        case "rejected_incomplete":
            return incomplete(snapshot)
        case "decided":  # one decision, naming every child heard
            names = ", ".join(full_name(child) for child in children(answers))
            args = {"number": number, "body": Text(f"body-{answers['body']}"),
                    "decision": snapshot.decision.get("text", "")}
            if siblings(answers):
                return OutgoingMessage((Text("notify-interview-decision-children",
                                             {**args, "children": names}),))
            return OutgoingMessage((Text("notify-interview-decision",
                                         {**args, "child": names}),))
    raise ValueError(f"no notice for status {snapshot.status!r}")


def _notice_expires(snapshot: Snapshot) -> datetime | None:
    """"Book the conversation by …" is pointless once that day is over."""
    if snapshot.status == "under_review":
        return end_of_day(interview_term_end(snapshot))
    return None


def _card_extras(snapshot: Snapshot) -> tuple[Choice, ...]:
    """While the documents are accepted, staff start the conversation at the booked time:
    with siblings, each child's conversation from its own button."""
    if snapshot.status != "under_review":
        return ()
    if not siblings(snapshot.answers):
        return (Choice(Text("staff-action-session"),
                       conversation_button(snapshot.id, "session", 0).pack()),)
    return tuple(
        Choice(Text("staff-action-session-child",
                    {"child": child_name(snapshot.answers, child)}),
               conversation_button(snapshot.id, "session", child).pack())
        for child in range(len(children(snapshot.answers))))


INTERVIEW_SERVICE = Service(
    code="interview",
    prefix="МР",
    menu_label="menu-interview",
    names={
        # seed 001 item 1; 000 p. 7.16 has "… қорғаншы және қамқоршы органның шешімін беру"
        "kk": "Он жасқа толған баланың пікірін ескеру туралы қорғаншылық және қамқоршылық "
              "органының шешімін беру",
        # GLOSSARY; to be checked against the official Russian text on adilet.zan.kz
        "ru": "Выдача решения органа опеки и попечительства об учете мнения ребенка, "
              "достигшего десятилетнего возраста",
    },
    form=INTERVIEW,
    documents=DOCUMENTS,
    terms=load_terms("interview"),  # to be confirmed: the seeds hold no standard
    procedure=PROCEDURE,
    notice=_notice,
    notice_expires=_notice_expires,
    card_extras=_card_extras,
    digest_warnings=_warnings,
    hears_the_child=True,
    complaint_after=("rejected_incomplete", "decided"),  # seed 004 p. 13
)
