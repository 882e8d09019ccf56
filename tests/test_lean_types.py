"""aiogram imported the way `python -m bot` imports it (bot/lean_types.py): each scenario runs
in a fresh interpreter, since aiogram is imported once per process. The rest of the suite runs
on it too (tests/conftest.py)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

RESIDENT = """
def resident_mb():
    return int(open('/proc/self/status').read().split('VmRSS:')[1].split()[0]) // 1024
"""

# What the bot does with aiogram's types: read updates and replies, make keyboards, a
# command list for one chat, an album of documents, and send them.
USE = """
from aiogram.methods import SendMediaGroup, SendMessage, SetMyCommands
from aiogram.methods.base import Response
from aiogram.types import (BotCommand, BotCommandScopeChat, BufferedInputFile,
    InlineKeyboardButton, InlineKeyboardMarkup, InputMediaDocument, Message, Update)

update = Update.model_validate({"update_id": 7, "callback_query": {
    "id": "1", "chat_instance": "c", "data": "visit:1", "from": {"id": 5, "is_bot": False,
    "first_name": "Айгүл"}, "message": {"message_id": 3, "date": 0, "text": "Мәзір",
    "chat": {"id": 5, "type": "private"}, "reply_markup": {"inline_keyboard": [[
        {"text": "Иә", "callback_data": "yes"}]]}}}})
reply = Response[Message].model_validate({"ok": True, "result": {"message_id": 4,
    "date": 0, "chat": {"id": 5, "type": "private"}, "text": "Жауап"}})
keyboard = InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(text="Иә",
    callback_data="yes")]])
sent = SendMessage(chat_id=5, text="Сұрақ", reply_markup=keyboard).model_dump(
    exclude_none=True, mode="json", exclude={"parse_mode", "link_preview_options",
    "protect_content", "disable_web_page_preview"})
commands = SetMyCommands(commands=[BotCommand(command="start", description="Бастау")],
    scope=BotCommandScopeChat(chat_id=-100)).model_dump(exclude_none=True)
album = SendMediaGroup(chat_id=5, media=[InputMediaDocument(
    media=BufferedInputFile(b"%PDF", "a.pdf"))] * 2)
seen = [update.callback_query.message.reply_markup.inline_keyboard[0][0].callback_data,
        reply.result.text, sent["reply_markup"], commands["scope"], len(album.media)]
"""


def run(code: str) -> Any:
    """Run a script in a fresh interpreter; what it printed last, as JSON."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_bot_reads_and_sends_with_types_built_on_use() -> None:
    """Every kind of type the bot uses is built when it is first used, from the names aiogram
    gave them: nothing says 'not fully defined'."""
    seen = run("from bot.lean_types import import_aiogram\nimport_aiogram()\n" + USE +
               "import json; print(json.dumps(seen, default=str))")
    assert seen == ["yes", "Жауап", {"inline_keyboard": [[{"text": "Иә",
                                                          "callback_data": "yes"}]]},
                    {"type": "chat", "chat_id": -100}, 2], seen


def test_importing_it_so_saves_most_of_aiograms_memory() -> None:
    """Issue 15's memory: aiogram imported as aiogram imports itself holds 165 MB here; the
    bot's way, with the same types in use, at least 60 MB less."""
    plain = run(RESIDENT + "import aiogram\n" + USE + "import json\n"
                "print(json.dumps({'mb': resident_mb()}))")["mb"]
    lean = run(RESIDENT + "from bot.lean_types import import_aiogram\nimport_aiogram()\n" +
               USE + "import json\nprint(json.dumps({'mb': resident_mb()}))")["mb"]
    assert isinstance(plain, int) and isinstance(lean, int)
    assert lean <= plain - 60, f"aiogram as it imports itself: {plain} MB; the bot's way: {lean}"


def test_a_pydantic_that_cannot_build_on_use_gets_every_type_built() -> None:
    """Should a pydantic release stop building the types from the names left on them, the
    first build fails at start, and every type is built as aiogram builds them: the bot works,
    with the memory it used to take."""
    seen = run(textwrap.dedent("""
        import bot.lean_types as lean
        from pydantic import PydanticUndefinedAnnotation

        def unbuildable(methods):
            raise PydanticUndefinedAnnotation("Chat", "pretend it is not found")

        lean._received = unbuildable
        lean.import_aiogram()
        import aiogram.types
        from pydantic import BaseModel
        kinds = [getattr(aiogram.types, name) for name in aiogram.types.__all__]
        unbuilt = [kind.__name__ for kind in kinds if isinstance(kind, type)
                   and issubclass(kind, BaseModel) and not kind.__pydantic_complete__]
        """) + USE + "import json; print(json.dumps({'unbuilt': unbuilt, 'seen': seen}, "
                    "default=str))")
    assert seen["unbuilt"] == [], seen
    assert seen["seen"][:2] == ["yes", "Жауап"], seen
