"""Magic filters (`F.chat.type == "private"`) that are checked where the update is handled.

aiogram runs a filter that is a plain function (a magic filter resolves through one) on a
worker thread: a hop there and back, and a hand-over of the interpreter's lock, for every
update each router looks at (issue 15: a profile found them). A filter that is a coroutine
function runs at once; this wraps a magic filter in one, with the same verdict.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.utils.magic_filter import MagicFilter


def at_once(magic: MagicFilter) -> Callable[[Any], Awaitable[Any]]:
    """The magic filter as a coroutine function: what it resolves to is the verdict (a dict,
    as from `.as_()`, is passed on to the handler as aiogram would)."""

    async def check(event: Any) -> Any:
        return magic.resolve(event)

    return check
