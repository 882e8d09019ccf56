"""The public services the bot offers, in menu order, by their service code; and the
complaint, declared the same way but started from an application."""

from __future__ import annotations

from flows.complaint import COMPLAINT_SERVICE
from flows.interview import INTERVIEW_SERVICE
from flows.service import Service
from flows.steps import Flow
from flows.visit import VISIT_SERVICE

SERVICES: dict[str, Service] = {
    s.code: s for s in (VISIT_SERVICE, INTERVIEW_SERVICE, COMPLAINT_SERVICE)}
FLOWS: dict[str, Flow] = {code: service.form for code, service in SERVICES.items()}
