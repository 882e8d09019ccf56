"""Imported by Python at start-up in the bot processes that tests launch (this folder is put
on their PYTHONPATH): under `pytest --now ...` they live at the same moved date as the tests."""

import os

_offset = os.environ.get("TESTS_CLOCK_OFFSET")
if _offset:
    from datetime import UTC, datetime, timedelta

    import time_machine

    # This moves the process's wall clock by the run's offset.
    moved = datetime.now(UTC) + timedelta(seconds=float(_offset))  # wall clock ok
    time_machine.travel(moved, tick=True).start()
