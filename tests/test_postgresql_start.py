"""A machine where PostgreSQL cannot start (here: pgserver missing, as on a clone installed by
hand) fails the run and says why in one line; it never passes by skipping PostgreSQL."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE = "PostgreSQL could not start: pgserver is not installed"

CONFTEST = """\
import sys

sys.modules["pgserver"] = None  # what `import pgserver` meets where it is not installed

from tests.pg import postgres, pytest_terminal_summary  # noqa: E402,F401
"""

TESTS = """\
def test_one(postgres):
    pass


def test_two(postgres):
    pass


def test_without_it():
    pass
"""


def test_a_run_without_postgresql_fails_and_says_why_once(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_needs_postgresql.py").write_text(TESTS)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
         str(tmp_path)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
        check=False)
    out = run.stdout + run.stderr
    assert run.returncode == 1, out  # failed, not passed with PostgreSQL skipped
    assert "1 passed, 2 errors" in out and "skipped" not in out, out
    lines = out.splitlines()
    said = [n for n, line in enumerate(lines) if line.startswith(LINE)]
    assert len({lines[n] for n in said}) == 1, out  # one plain line, wherever it is said
    summary = next(n for n, line in enumerate(lines) if "short test summary info" in line)
    assert said[-1] == summary - 1, out  # and once more at the end, where the eye lands
    assert "Traceback" not in out and "During handling" not in out, out
    assert out.count("Failed: PostgreSQL could not start") == 2  # each test that needed it
