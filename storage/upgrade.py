"""`python -m storage.upgrade`: bring the database whose URL is on standard input to the
newest schema, then exit. `python -m bot` runs it before it starts, so that alembic's
modules never take room in the bot's own process."""

from __future__ import annotations

import asyncio
import sys

from storage.db import migrate


def main() -> int:
    try:
        asyncio.run(migrate(sys.stdin.read().strip()))
    except Exception as error:  # told to the bot in one line, its last
        first = (str(error).splitlines() or [""])[0]
        print(f"{type(error).__name__}: {first}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
