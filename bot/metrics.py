"""The app's Prometheus metrics, in a registry of its own (several apps in one test process
never share a counter), served at `/metrics` (handlers/web/health.py).

What is counted, and where (the least invasive place for each):

- updates handled, by kind (message, callback, whatsapp) and outcome (ok, error, duplicate),
  and how long each took: `UpdateMeter`, aiogram outer middlewares around the update log;
  the WhatsApp channel's hook;
- deliveries from the outbox, by outcome (sent, retry, failed, undeliverable), and the 429s
  received: the delivery worker, as it settles a send;
- documents issued, by kind: the paper registry, once the paper's transaction committed;
- internal errors, by channel: the dispatcher's error handler (Telegram), the WhatsApp
  channel's own (`bot_internal_errors_total`); a person whose update failed is told so;
- the outbox as the database holds it, read at each scrape: its depth (due and waiting), when
  the oldest due message came due, and every message by status (`expired` among them: the
  claim expires those in the database, no send sees them). On several replicas these figures
  are the whole bot's; the counters are each process's own.

No label carries personal data: kinds, outcomes, channels and statuses only.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector

from flows.paper import KINDS as PAPER_KINDS
from flows.ports import HandledBefore
from handlers.web.health import OutboxView

# Telegram's update types as the metrics name them; WhatsApp's messages are one kind.
KINDS = {"message": "message", "callback_query": "callback"}
WHATSAPP = "whatsapp"
OK, ERROR, DUPLICATE = "ok", "error", "duplicate"
UPDATE_OUTCOMES = (OK, ERROR, DUPLICATE)
DELIVERY_OUTCOMES = ("sent", "retry", "failed", "undeliverable")
CHANNELS = ("telegram", "whatsapp")
# Seconds: a turn is usually a few database writes and one or two Bot API calls.
LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
_MARK = "metrics_update_mark"  # the key in aiogram's data the two middlewares share

disable_created_metrics()  # no `_created` series: they would only repeat the start time


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.updates = Counter(
            "bot_updates", "Updates handled, by kind and outcome",
            ["kind", "outcome"], registry=self.registry)
        self.latency = Histogram(
            "bot_update_handling_seconds", "Time to handle an update, its reply included",
            ["kind"], buckets=LATENCY_BUCKETS, registry=self.registry)
        self.deliveries = Counter(
            "bot_deliveries", "Outbox sends settled by this process, by outcome",
            ["outcome"], registry=self.registry)
        self.too_many_requests = Counter(
            "bot_rate_limited", "429 Too Many Requests received by the delivery worker",
            ["channel"], registry=self.registry)
        self.documents = Counter(
            "bot_documents_issued", "Documents issued (committed), by kind",
            ["kind"], registry=self.registry)
        self.internal_errors = Counter(
            "bot_internal_errors", "Updates that failed inside the bot, by channel",
            ["channel"], registry=self.registry)
        self._outbox = _OutboxCollector()
        self.registry.register(self._outbox)
        # Every series exists from the start at 0: a rate over a fresh process is defined.
        for kind in (*KINDS.values(), WHATSAPP):
            self.latency.labels(kind)
            for outcome in UPDATE_OUTCOMES:
                self.updates.labels(kind, outcome)
        for outcome in DELIVERY_OUTCOMES:
            self.deliveries.labels(outcome)
        for channel in CHANNELS:
            self.too_many_requests.labels(channel)
            self.internal_errors.labels(channel)
        for paper in PAPER_KINDS:
            self.documents.labels(paper)

    # ------------------------------------------------------------------ what is counted
    def handled(self, kind: str, outcome: str, seconds: float | None = None) -> None:
        """An update handled; `seconds` is None for a duplicate (nothing was done)."""
        self.updates.labels(kind, outcome).inc()
        if seconds is not None:
            self.latency.labels(kind).observe(seconds)

    def delivered(self, outcome: str) -> None:
        self.deliveries.labels(outcome).inc()

    def rate_limited(self, channel: str) -> None:
        self.too_many_requests.labels(channel).inc()

    def issued(self, kind: str) -> None:
        self.documents.labels(kind).inc()

    def internal_error(self, channel: str) -> None:
        self.internal_errors.labels(channel).inc()

    # ------------------------------------------------------------------ the page
    def scrape(self, outbox: OutboxView | None) -> bytes:
        """The Prometheus text, with the outbox as just read (None: the database is down)."""
        self._outbox.snapshot = outbox
        return generate_latest(self.registry)


class _OutboxCollector(Collector):
    """The outbox's figures as read at this scrape; none when the database did not answer."""

    def __init__(self) -> None:
        self.snapshot: OutboxView | None = None

    def collect(self) -> Iterable[Metric]:
        outbox = self.snapshot
        yield GaugeMetricFamily("bot_database_up", "1 when the database answered this scrape",
                                value=0 if outbox is None else 1)
        if outbox is None:
            return
        yield GaugeMetricFamily("bot_outbox_depth", "Outbox messages due and waiting",
                                value=outbox.depth)
        if outbox.oldest_due is not None:
            yield GaugeMetricFamily(
                "bot_outbox_oldest_due_timestamp_seconds",
                "When the longest-waiting due message came due (Unix time)",
                value=outbox.oldest_due.timestamp())
        by_status = GaugeMetricFamily("bot_outbox_messages", "Outbox messages by status",
                                      labels=["status"])
        for status, count in sorted(outbox.by_status.items()):
            by_status.add_metric([status], count)
        yield by_status


Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def _kind(event: TelegramObject) -> str:
    try:
        kind = event.event_type if isinstance(event, Update) else "other"
    except Exception:  # an update of a type this aiogram does not know
        return "other"
    return KINDS.get(kind, kind)


class _Mark:
    reached = False  # past the update log: not a duplicate
    duplicate = False  # the engine found it handled meanwhile


class UpdateMeter(BaseMiddleware):
    """Telegram's updates, counted and timed. Two outer middlewares: this one registered
    before the update log (`keep_updates`), `inner` after it. An update the log skips never
    reaches `inner`: a duplicate; one that reaches it is handled (ok or error).

    It also knows the updates in flight, so a stopping bot lets them finish (`drained`)."""

    def __init__(self, metrics: Metrics, monotonic: Callable[[], float] = time.perf_counter):
        self.metrics = metrics
        self.monotonic = monotonic
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Handler, event: TelegramObject,
                       data: dict[str, Any]) -> Any:
        kind = _kind(event)
        mark = data[_MARK] = _Mark()
        self._in_flight += 1
        self._idle.clear()
        started = self.monotonic()
        outcome = ERROR
        try:
            result = await handler(event, data)
            outcome = DUPLICATE if mark.duplicate or not mark.reached else OK
            return result
        finally:
            seconds = None if outcome == DUPLICATE else self.monotonic() - started
            self.metrics.handled(kind, outcome, seconds)
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def inner(self, handler: Handler, event: TelegramObject,
                    data: dict[str, Any]) -> Any:
        mark = data.get(_MARK)
        if mark is not None:
            mark.reached = True
        try:
            return await handler(event, data)
        except HandledBefore:
            if mark is not None:
                mark.duplicate = True
            raise

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def drained(self, timeout: float) -> bool:
        """Wait until no update is being handled, at most `timeout` seconds."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True
