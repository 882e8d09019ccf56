"""What the person should read, rendered from the locale files (tests never hard-code words)."""

from __future__ import annotations

from typing import Any

from flows.messages import Text
from handlers.l10n import Localizer

_L10N = Localizer()


def says(key: str, lang: str, **args: Any) -> str:
    return _L10N.render(Text(key, args), lang)


def buttons(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [button["text"] for row in rows for button in row]
