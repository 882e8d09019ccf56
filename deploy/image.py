"""The production image, built and checked here: `python3 tasks.py image` (issue 14).

It needs a Docker engine. One that answers (`docker info`, `DOCKER_HOST` honoured) is used as
it is; otherwise, as root with apt-get (a build machine, CI), Debian's docker.io is installed
and a daemon of this project's own is started. It serves only what this check needs: builds,
and containers on the host's network, hence no bridge and no firewall rules.

The Dockerfile's base is python:3.11-slim from Docker Hub. Where Docker Hub cannot be reached,
the image is built on a stand-in (deploy/stand-in/Dockerfile): Debian bookworm's own Python
3.11, from a debootstrap of Debian's archive. Then tests/image runs against the image, with
Debian's Caddy as compose's proxy.
Standard library only: tasks.py runs it before any virtual environment exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TAG = "citizen-bot:check"
BASE = "python:3.11-slim"  # the Dockerfile's default
STAND_IN = "local/python:3.11-bookworm"
DEBIAN = "local/debian:bookworm"
OWN_ENGINE = Path("/run/citizen-bot-docker")  # the daemon started here: its socket and pid
OWN_DATA = Path("/var/lib/citizen-bot-docker")  # its images, kept for the next run
ENGINE_WAIT = 60.0
MACHINE_CAS = Path("/usr/local/share/ca-certificates")


class NoImage(Exception):
    """What stops the image from being built here, said in one line."""


def engine() -> dict[str, str]:
    """The environment in which `docker` reaches a working engine."""
    env = dict(os.environ)
    if _answers(env):
        return env
    env["DOCKER_HOST"] = f"unix://{OWN_ENGINE}/docker.sock"
    if _answers(env):
        return env
    if not (shutil.which("dockerd") and shutil.which("docker")):
        _apt_install("docker.io", why="no Docker engine answers")
    OWN_ENGINE.mkdir(parents=True, exist_ok=True)
    log = (OWN_ENGINE / "dockerd.log").open("ab")
    print("Starting a Docker engine for the image check ...", flush=True)
    subprocess.Popen(
        ["dockerd", "--host", env["DOCKER_HOST"], "--data-root", str(OWN_DATA),
         "--exec-root", str(OWN_ENGINE / "exec"), "--pidfile", str(OWN_ENGINE / "dockerd.pid"),
         "--iptables=false", "--ip6tables=false", "--bridge=none"],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + ENGINE_WAIT
    while not _answers(env):
        if time.monotonic() > deadline:
            raise NoImage(f"the Docker engine did not start: see {OWN_ENGINE}/dockerd.log")
        time.sleep(0.5)
    return env


def proxy() -> None:
    """Caddy, compose.yaml's proxy, which the image's tests put in front of its replicas."""
    if not shutil.which("caddy"):
        _apt_install("caddy", why="the image's tests run compose's proxy, Caddy")


def base(env: dict[str, str]) -> str:
    """The image to build on: the Dockerfile's own when it is here or can be pulled, else
    the stand-in, built once."""
    if _docker(env, "image", "inspect", BASE, quiet=True) == 0 \
            or _docker(env, "pull", "-q", BASE, quiet=True) == 0:
        return BASE
    if _docker(env, "image", "inspect", STAND_IN, quiet=True) == 0:
        print(f"{BASE} cannot be pulled here: building on {STAND_IN}", flush=True)
        return STAND_IN
    print(f"{BASE} cannot be pulled here: building {STAND_IN} from Debian's archive ...",
          flush=True)
    if _docker(env, "image", "inspect", DEBIAN, quiet=True) != 0:
        _import_debian(env)
    with tempfile.TemporaryDirectory() as context:
        shutil.copy(ROOT / "deploy" / "stand-in" / "Dockerfile", context)
        cas = Path(context) / "ca-certificates"
        cas.mkdir()
        for certificate in MACHINE_CAS.glob("*.crt"):  # a TLS-inspecting proxy's, if any
            shutil.copy(certificate, cas)
        _build(env, context, "--build-arg", f"DEBIAN={DEBIAN}", "-t", STAND_IN)
    return STAND_IN


def build(env: dict[str, str], base_image: str) -> str:
    """The bot's image from the Dockerfile, on `base_image`; its tag."""
    print(f"Building {TAG} on {base_image} ...", flush=True)
    _build(env, str(ROOT), "--build-arg", f"PYTHON_IMAGE={base_image}", "-t", TAG)
    return TAG


def _import_debian(env: dict[str, str]) -> None:
    if not shutil.which("debootstrap"):
        _apt_install("debootstrap", why=f"{BASE} cannot be pulled")
    with tempfile.TemporaryDirectory() as folder:
        rootfs = Path(folder) / "rootfs"
        done = subprocess.run(
            ["debootstrap", "--variant=minbase", "bookworm", str(rootfs),
             "http://deb.debian.org/debian"], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise NoImage(f"debootstrap failed: {done.stderr.strip().splitlines()[-1:]}")
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        imported = subprocess.run(["docker", "import", "-", DEBIAN], stdin=tar.stdout, env=env,
                                  capture_output=True, text=True, check=False)
        tar.wait()
        if imported.returncode != 0:
            raise NoImage(f"docker import failed: {imported.stderr.strip()}")


def _build(env: dict[str, str], context: str, *arguments: str) -> None:
    # The classic builder: Debian's docker.io has no buildx. The host's network: the build
    # reaches PyPI and Debian's archive as this machine does.
    done = subprocess.run(["docker", "build", "--network", "host", *arguments, context],
                          env={**env, "DOCKER_BUILDKIT": "0"}, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        tail = "\n".join(done.stdout.splitlines()[-15:] + done.stderr.splitlines()[-5:])
        raise NoImage(f"docker build failed:\n{tail}")


def _answers(env: dict[str, str]) -> bool:
    return _docker(env, "info", quiet=True) == 0


def _docker(env: dict[str, str], *arguments: str, quiet: bool = False) -> int:
    output = subprocess.DEVNULL if quiet else None
    try:
        return subprocess.call(["docker", *arguments], env=env, stdout=output, stderr=output,
                               timeout=300)
    except (subprocess.TimeoutExpired, FileNotFoundError):  # no client, or no answer
        return 1


def _apt_install(package: str, why: str) -> None:
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        raise NoImage(f"{why}, and {package} cannot be installed here (root and apt-get)")
    print(f"Installing Debian's {package} ({why}) ...", flush=True)
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", package]
    if _quietly(install) != 0:
        _quietly(["apt-get", "update", "-q"])
        if _quietly(install) != 0:
            raise NoImage(f"{why}, and apt-get could not install {package}")


def _quietly(command: list[str]) -> int:
    """apt-get's output is its own business: what failed is said in one line."""
    return subprocess.call(command, env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
