"""Issue 15 (memory): what the bot uses rarely or elsewhere is not imported with it. Papers
are laid out in a process of their own (the PDF stack), and so are the schema's migrations;
the holidays are read from a table; the staff console's templates come with its first page,
an interview's calendar file with the first booking."""

from __future__ import annotations

import subprocess
import sys

ON_USE = {"fpdf", "fontTools", "PIL", "segno", "papers", "alembic", "holidays", "jinja2",
          "icalendar"}


def test_the_bots_modules_leave_the_rarely_used_out() -> None:
    code = ("from bot.lean_types import import_aiogram; import_aiogram(); import bot.app, sys; "
            f"print(sorted({ON_USE!r} & {{name.split('.')[0] for name in sys.modules}}))")
    held = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert held.stdout.strip() == "[]"
