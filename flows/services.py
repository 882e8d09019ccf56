"""The public services the bot offers, in menu order, by their service code."""

from __future__ import annotations

from flows.interview import INTERVIEW_SERVICE
from flows.service import Service
from flows.steps import Flow
from flows.visit import VISIT_SERVICE

SERVICES: dict[str, Service] = {s.code: s for s in (VISIT_SERVICE, INTERVIEW_SERVICE)}
FLOWS: dict[str, Flow] = {code: service.form for code, service in SERVICES.items()}
