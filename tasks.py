"""The two commands, with all their set-up: `python3 tasks.py run` and `python3 tasks.py test`.

Needs only Python 3.11+: creates `.venv`, installs the project into it when
`pyproject.toml` changed since the last install, then runs the bot or the tests. The tests
start a real PostgreSQL of their own (pgserver, installed here with the rest: tests/pg.py),
so nothing but Python is needed on the machine.
"""

from __future__ import annotations

import hashlib
import os
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


def main() -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - the message matters on an old Python
        found = ".".join(map(str, sys.version_info[:2]))
        sys.exit(f"Python 3.11 or newer is needed (found {found}).")
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    extra = sys.argv[2:]
    if command not in {"run", "test"}:
        print("usage: python3 tasks.py run | test [pytest args]", file=sys.stderr)
        return 2
    ensure_environment()
    if command == "run":
        return subprocess.call([str(PYTHON), "-m", "bot", *extra], cwd=ROOT)
    lint = subprocess.call([str(PYTHON), "-m", "ruff", "check", "."], cwd=ROOT)
    tests = subprocess.call([str(PYTHON), "-m", "pytest", *extra], cwd=ROOT)
    return tests or lint


if __name__ == "__main__":
    sys.exit(main())
