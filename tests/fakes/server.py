"""What every fake messenger API shares: an aiohttp server on 127.0.0.1, on a free port."""

from __future__ import annotations

from typing import Any, Self

from aiohttp import web


class LocalServer:
    """Start with `await start()` or `async with`; subclasses build their routes in `app()`."""

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    def app(self) -> web.Application:
        raise NotImplementedError

    def runner_options(self) -> dict[str, Any]:
        return {}

    async def start(self) -> None:
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=1.0,
                                     **self.runner_options())
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)  # any free port
        await site.start()
        self._port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} is not started; await start() first")
        return self._port

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"
