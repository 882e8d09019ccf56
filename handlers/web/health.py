"""`GET /healthz` and `GET /metrics` on the bot's HTTP server, for the operator.

`/healthz` answers 200 with a small JSON when the database answers and the delivery worker
made a pass lately; otherwise 503, the failing part named::

    {"database": "ok", "worker": "alive", "outbox_depth": 0, "oldest_due": null}
    {"database": "unreachable", "worker": "alive", "outbox_depth": null, "oldest_due": null}

`/metrics` is the Prometheus text of the app's own registry; the outbox's figures are read
from the database at each scrape. Neither page carries personal data.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from aiohttp import web

from flows.clock import Clock

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
PROBE_TIMEOUT = 5.0  # seconds: a database slower than this is as good as unreachable


class OutboxView(Protocol):
    @property
    def depth(self) -> int: ...

    @property
    def oldest_due(self) -> datetime | None: ...

    @property
    def by_status(self) -> Mapping[str, int]: ...


class OutboxProbe(Protocol):
    """One look at the database: the outbox's depth; it fails when the database does."""

    async def outbox(self, now: datetime) -> OutboxView: ...


class Heartbeat(Protocol):
    """The delivery worker, as seen from outside."""

    def alive(self) -> bool: ...


class Exposition(Protocol):
    """The app's metrics in Prometheus text, with the outbox as read at this scrape (None
    when the database did not answer)."""

    content_type: str

    def scrape(self, outbox: OutboxView | None) -> bytes: ...


class HealthPages:
    def __init__(self, probe: OutboxProbe, worker: Heartbeat, metrics: Exposition, *,
                 clock: Clock) -> None:
        self.probe, self.worker, self.metrics, self.clock = probe, worker, metrics, clock

    def install(self, app: web.Application) -> None:
        app.router.add_get(HEALTH_PATH, self.health)
        app.router.add_get(METRICS_PATH, self.scrape)

    async def _outbox(self) -> OutboxView | None:
        try:
            return await asyncio.wait_for(self.probe.outbox(self.clock()), PROBE_TIMEOUT)
        except Exception as error:  # whatever the driver says: the database did not answer
            log.warning("health: the database did not answer (%s)", type(error).__name__)
            return None

    async def health(self, request: web.Request) -> web.Response:
        outbox = await self._outbox()
        alive = self.worker.alive()
        body: dict[str, Any] = {
            "database": "ok" if outbox is not None else "unreachable",
            "worker": "alive" if alive else "stalled",
            "outbox_depth": outbox.depth if outbox is not None else None,
            "oldest_due": (outbox.oldest_due.isoformat()
                           if outbox is not None and outbox.oldest_due is not None else None),
        }
        status = 200 if outbox is not None and alive else 503
        return web.json_response(body, status=status, headers={"Cache-Control": "no-store"})

    async def scrape(self, request: web.Request) -> web.Response:
        data = self.metrics.scrape(await self._outbox())
        response = web.Response(body=data)
        response.headers["Content-Type"] = self.metrics.content_type
        return response
