"""The public services the bot offers, by their service code."""

from __future__ import annotations

from flows.interview import INTERVIEW
from flows.steps import Flow
from flows.visit import VISIT

FLOWS: dict[str, Flow] = {flow.service: flow for flow in (VISIT, INTERVIEW)}
