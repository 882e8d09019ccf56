"""The production image's own tests (issue 14): `python3 tasks.py image` builds the image
(deploy/image.py) and runs them with `CITIZEN_BOT_IMAGE` naming it.

They need a Docker engine and take minutes to build, so the everyday test command leaves them
out, and says so in its summary instead of skipping them silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.handlers.conftest import free_port

IMAGE_ENV = "CITIZEN_BOT_IMAGE"
CADDYFILE = Path(__file__).resolve().parents[2] / "deploy" / "Caddyfile"
START_TIMEOUT = 90.0


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    return True if not os.environ.get(IMAGE_ENV) and collection_path.suffix == ".py" else None


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not os.environ.get(IMAGE_ENV):
        terminalreporter.write_line(
            "tests/image not run: `python3 tasks.py image` builds the image and runs them")


@pytest.fixture
def image() -> str:
    return os.environ[IMAGE_ENV]


def docker(*arguments: str, check: bool = True) -> str:
    done = subprocess.run(["docker", *arguments], capture_output=True, text=True, check=False,
                          timeout=120)
    if check and done.returncode != 0:
        raise AssertionError(f"docker {' '.join(arguments[:2])} failed: {done.stderr.strip()}")
    return done.stdout.strip()


class Container:
    """One container of the image on the host's network (it reaches the fakes on 127.0.0.1
    as a replica reaches Telegram), serving HTTP on its own port."""

    def __init__(self, image: str, env: dict[str, str], port: int,
                 mounts: tuple[str, ...] = (), options: tuple[str, ...] = ()) -> None:
        self.name = f"citizen-bot-check-{uuid.uuid4().hex[:10]}"
        self.url = f"http://127.0.0.1:{port}"
        settings = {**env, "HTTP_HOST": "127.0.0.1", "HTTP_PORT": str(port)}
        arguments = ["run", "-d", "--name", self.name, "--network", "host",
                     # the Dockerfile's own check, asked every second instead of every 30
                     "--health-interval", "1s", "--health-start-period", "60s"]
        for mount in mounts:
            arguments += ["-v", mount]
        for name, value in settings.items():
            arguments += ["-e", f"{name}={value}"]
        docker(*arguments, *options, image)

    # Docker is asked from a thread: the test's loop goes on serving what the container
    # talks to meanwhile (the fakes, the database's relay), or a stop would wait on them.
    async def ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with aiohttp.ClientSession() as session, session.get(
                        f"{self.url}/healthz", timeout=aiohttp.ClientTimeout(total=2)) as answer:
                    if answer.status == 200:
                        return
            if (await self.state())["Status"] == "exited":
                break
            await asyncio.sleep(0.2)
        raise AssertionError(f"{self.name} did not start:\n{self.logs()}")

    async def healthy(self) -> str:
        """The Dockerfile's HEALTHCHECK verdict once it has one."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            status = (await self.state()).get("Health", {}).get("Status", "")
            if status not in ("", "starting"):
                return str(status)
            await asyncio.sleep(0.5)
        return "starting"

    async def state(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(await asyncio.to_thread(
            docker, "inspect", "--format", "{{json .State}}", self.name))
        return found

    def execute(self, *command: str) -> str:
        return docker("exec", self.name, *command)

    async def stop(self) -> tuple[int, float]:
        """SIGTERM, 10 s before Docker's SIGKILL: the exit code and the seconds it took."""
        started = time.monotonic()
        await asyncio.to_thread(docker, "stop", "--time", "10", self.name)
        return int((await self.state())["ExitCode"]), time.monotonic() - started

    async def start(self) -> None:
        await asyncio.to_thread(docker, "start", self.name)

    def logs(self, lines: int = 30) -> str:
        done = subprocess.run(["docker", "logs", "--tail", str(lines), self.name],
                              capture_output=True, text=True, check=False)
        return done.stdout + done.stderr

    def remove(self) -> None:
        docker("rm", "-f", self.name, check=False)


class Proxy:
    """compose.yaml's TLS proxy: Caddy with deploy/Caddyfile, in front of `bots` ("host:port"
    each), on plain HTTP here (the site address says http://; TLS is Caddy's own affair)."""

    def __init__(self, folder: Path, bots: list[str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log = (folder / "caddy.log").open("wb")
        self.process = subprocess.Popen(
            ["caddy", "run", "--adapter", "caddyfile", "--config", str(CADDYFILE)],
            stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "PUBLIC_HOST": self.url, "BOTS": " ".join(bots),
                 "XDG_DATA_HOME": str(folder), "XDG_CONFIG_HOME": str(folder)})
        self.log = folder / "caddy.log"

    async def ready(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"Caddy did not start:\n{self.log.read_text()[-2000:]}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def containers() -> Iterator[list[Container]]:
    made: list[Container] = []
    try:
        yield made
    finally:
        for container in made:
            container.remove()


@pytest.fixture
def volume() -> Iterator[str]:
    """A named volume: it starts with the image's own /data, owned by the bot's user."""
    name = f"citizen-bot-check-{uuid.uuid4().hex[:10]}"
    docker("volume", "create", name)
    try:
        yield name
    finally:
        docker("volume", "rm", "-f", name, check=False)
