"""The two commands, with all their set-up: `python3 tasks.py run` and `python3 tasks.py test`.
A third, `python3 tasks.py image`, builds the production image and runs its own tests
(deploy/image.py, tests/image): it needs a Docker engine, and starts one where it may.

Needs only Python 3.11+: creates `.venv`, installs the project into it when
`pyproject.toml` changed since the last install, then runs the bot or the tests. The tests
start a real PostgreSQL of their own (pgserver, installed here with the rest: tests/pg.py),
so nothing but Python is needed on the machine, save the browser tests' Chromium: Debian's,
which `test` installs with apt-get when it is missing and it runs as root (CI does).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
STAMP = VENV / ".installed-pyproject-sha256"


def ensure_environment() -> None:
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("Installing dependencies into .venv ...", flush=True)
        subprocess.run(
            [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             "-e", f"{ROOT}[test]"],
            check=True,
        )
        STAMP.write_text(wanted)


# The browser tests' real Chromium (tests/browser/conftest.py): Debian's, since no browser can
# be downloaded here; the emoji font so that screenshots show what a phone shows.
BROWSER_PACKAGES = ("chromium", "chromium-driver", "fonts-noto-color-emoji")


def ensure_browser() -> None:
    """Install Debian's Chromium when it is missing and this run may (root, apt-get);
    otherwise say so in one line: the browser tests then fail with the reason."""
    have = shutil.which("chromium") and shutil.which("chromedriver")
    if have:
        return
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("apt-get"):
        print("Chromium is missing and cannot be installed here: install Debian's "
              f"{' '.join(BROWSER_PACKAGES)}; the browser tests will fail without it.",
              flush=True)
        return
    print("Installing Chromium (Debian) for the browser tests ...", flush=True)
    quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *BROWSER_PACKAGES]
    if subprocess.call(install, env=quiet, stdout=subprocess.DEVNULL) != 0:
        subprocess.call(["apt-get", "update", "-q"], env=quiet, stdout=subprocess.DEVNULL)
        subprocess.call(install, env=quiet, stdout=subprocess.DEVNULL)


def check_image(extra: list[str]) -> int:
    """Build the image (on a stand-in base where Docker Hub is out of reach) and run
    tests/image against it."""
    sys.path.insert(0, str(ROOT))
    from deploy import image

    try:
        env = image.engine()
        tag = image.build(env, image.base(env))
        image.proxy()
    except image.NoImage as problem:
        print(f"The image cannot be checked here: {problem}", flush=True)
        return 1
    return subprocess.call([str(PYTHON), "-m", "pytest", "tests/image", *extra], cwd=ROOT,
                           env={**env, "CITIZEN_BOT_IMAGE": tag})


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - the message matters on an old Python
        found = ".".join(map(str, sys.version_info[:2]))
        sys.exit(f"Python 3.11 or newer is needed (found {found}).")
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    extra = sys.argv[2:]
    if command not in {"run", "test", "image"}:
        print("usage: python3 tasks.py run | test [pytest args] | image [pytest args]",
              file=sys.stderr)
        return 2
    ensure_environment()
    if command == "run":
        return subprocess.call([str(PYTHON), "-m", "bot", *extra], cwd=ROOT)
    if command == "image":
        return check_image(extra)
    ensure_browser()
    lint = subprocess.call([str(PYTHON), "-m", "ruff", "check", "."], cwd=ROOT)
    tests = subprocess.call([str(PYTHON), "-m", "pytest", *extra], cwd=ROOT)
    return tests or lint


if __name__ == "__main__":
    sys.exit(main())
