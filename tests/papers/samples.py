"""Facts of every kind of paper, as the issuer fills them: answers as the forms store them
(tests/storage/test_storage.py, tests/flows/test_interview_flow.py), decisions as staff steps
record them (flows/visit.py, flows/interview.py). Used by the tests, the bench and the preview.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from flows.calendar import KZ_TZ
from flows.desk import Line
from flows.paper import APPLICATION, Confirmation, Official, PaperFacts
from flows.service import Snapshot

ISSUED = date(2026, 11, 25)
URL = "https://bot.example.kz/verify/Q7xK2mP9vR4tW8yZ3nB6cD1f"

VISIT_ANSWERS: dict[str, Any] = {
    "region": "kostanay", "body": "kst-rudny", "surname": "Иванова", "first_name": "Айгүл",
    "patronymic": None, "iin": "871008401427", "address": "Рудный, Ленина 1",
    "phone": "+77011234567", "residence": "patronage",
    "children": [
        {"surname": "Иванов", "first_name": "Нұрлан", "patronymic": None,
         "birth_date": "2015-09-05"},
        {"surname": "Иванова", "first_name": "Алёна", "patronymic": "Сергеевна",
         "birth_date": "2017-02-14"},
    ],
    "period_from": "2026-12-01", "period_to": "2026-12-31", "consent": "yes",
    "consent_record": {"text": "…", "version": "ru-3f2a9c01de", "language": "ru",
                       "at": "2026-11-20T19:08:00+05:00"},
    "id_document": [{"sha256": "ab" * 32, "mime": "image/jpeg", "size": 10, "name": "id.jpg"}],
    "court_decision": [{"sha256": "cd" * 32, "mime": "application/pdf", "size": 10,
                        "name": "court.pdf"}],
    "other_documents": [],
}

INTERVIEW_ANSWERS: dict[str, Any] = {
    "region": "astana", "body": "astana-edu", "surname": "Смагулова", "first_name": "Динара",
    "patronymic": None, "iin": "871008401427", "address": "г. Астана, пр. Мангилик Ел, 8, кв. 15",
    "phone": "+77011234567", "role": "parent", "child_surname": "Смагулов",
    "child_first_name": "Арман", "child_patronymic": None, "child_birth_date": "2013-03-10",
    "subject": "residence", "subject_details": "С кем из родителей будет жить ребенок",
    "lives": "kz", "meeting": "in-person", "present": "applicant", "consent": "yes",
    "id_document": [{"sha256": "ab" * 32, "mime": "image/jpeg", "size": 10, "name": "id.jpg"}],
    "other_documents": [],
}

DECISIONS: dict[str, dict[str, Any]] = {
    APPLICATION: {},
    "receipt-appendix-3": {"missing": ["court-decision"], "expired": ["identity"],
                           "comment": "Копия решения суда не заверена"},
    "permission-appendix-4": {"accepted_on": "2026-11-23",
                              "period": {"from": "2026-12-05", "to": "2027-01-31"}},
    "preliminary-refusal-and-hearing-notice": {
        "accepted_on": "2026-11-23", "grounds": ["negative-influence", "unreliable-documents"],
        "hearing": {"date": "2026-11-27", "time": "15:00",
                    "place": "г. Рудный, ул. Ленина, 64, кабинет 12",
                    "details": "Сведения о месте жительства не подтверждены"}},
    "reasoned-refusal": {
        "accepted_on": "2026-11-23", "grounds": ["negative-influence", "unreliable-documents"],
        "refusal_grounds": ["negative-influence"],
        "reasons": "Заключение психолога от 26.11.2026 о негативном влиянии на ребенка"},
    "conversation-record": {"accepted_on": "2026-11-23", "booked": "2026-11-25T10:00"},
    "decision-on-the-childs-opinion": {
        "accepted_on": "2026-11-23",
        "text": "Учесть мнение ребенка: ребенок желает проживать с матерью."},
}

SERVICE_OF = {"conversation-record": "interview", "decision-on-the-childs-opinion": "interview"}

TRANSCRIPT = (
    Line(datetime(2026, 11, 25, 10, 0, tzinfo=KZ_TZ), "specialist",
         "Здравствуй, Арман! Меня зовут Гульнар, я специалист органа опеки."),
    Line(datetime(2026, 11, 25, 10, 2, tzinfo=KZ_TZ), "child", "Здравствуйте 🙂"),
    Line(datetime(2026, 11, 25, 10, 4, tzinfo=KZ_TZ), "specialist",
         "С кем тебе хотелось бы жить?"),
    Line(datetime(2026, 11, 25, 10, 7, tzinfo=KZ_TZ), "child",
         "С мамой. Мне там ближе до школы, и там мой кот."),
    Line(datetime(2026, 11, 25, 10, 9, tzinfo=KZ_TZ), "parent", "Спасибо, мы подтверждаем."),
)


def snapshot(service: str, answers: Mapping[str, Any], decision: Mapping[str, Any],
             status: str = "submitted") -> Snapshot:
    prefix = "ВП" if service == "visit" else "МР"
    return Snapshot(id=42, number=f"{prefix}-2026-00042", service=service, status=status,
                    answers=dict(answers), registered_on=date(2026, 11, 23),
                    check_due=date(2026, 11, 24), decision_due=date(2026, 11, 30),
                    decision=dict(decision))


def facts(kind: str, *, answers: Mapping[str, Any] | None = None,
          decision: Mapping[str, Any] | None = None, service: str | None = None,
          version: int = 1) -> PaperFacts:
    """A paper of this kind as the issuer would fill it."""
    service = service or SERVICE_OF.get(kind, "visit")
    given = answers if answers is not None else \
        (VISIT_ANSWERS if service == "visit" else INTERVIEW_ANSWERS)
    made = PaperFacts(
        kind=kind,
        registry_number=f"{'ВП' if service == 'visit' else 'МР'}-2026-00042/{2 + len(kind) % 5}",
        version=version,
        issued_on=ISSUED,
        verify_url=URL,
        application=snapshot(service, given, DECISIONS[kind] if decision is None else decision),
    )
    if kind == APPLICATION:
        return replace(made, issued_on=date(2026, 11, 20), confirmation=Confirmation(
            "telegram", "@aigul_iv", datetime(2026, 11, 20, 19, 10, tzinfo=KZ_TZ), True))
    made = replace(made, official=Official("Жанар Әбенова", "главный специалист отдела опеки"))
    if kind == "conversation-record":
        made = replace(made, transcript=TRANSCRIPT, representative_present=True)
    return made
