"""`/console` in Telegram: a staff member asks the bot for a one-time link to the web
console (issue 17); and the console's steps and replies, taken through the staff side so
the citizen's topic shows them as it shows the card's buttons.

Who may have a link is decided by the same gate as every staff action (`StaffGate`:
STAFF_ADMIN_IDS, or a member of the staff group now). The role comes from the settings:
CONSOLE_HEADS, CONSOLE_VIEWERS, anyone else an officer. The link goes to the staff
member's private chat, never into the group, and without a link preview: a preview would
open (and so use up) the one-time link.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import datetime
from typing import Any, Protocol

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.filters import Command
from aiogram.types import LinkPreviewOptions, Message, Update

from flows.desk import ActResult
from flows.messages import Text
from handlers.telegram.filters import at_once
from handlers.telegram.staff_side import StaffSide
from handlers.web.console.acts import reply_key

log = logging.getLogger(__name__)

CHANNEL = "telegram"
LINK_MINUTES = 10
HEAD, OFFICER, VIEWER = "head", "officer", "viewer"


class ConsoleLinks(Protocol):
    async def issue_link(self, user_id: int, name: str, role: str, now: datetime) -> str: ...


class UpdateLog(Protocol):
    """A private chat's update stays open until its reply is out; this one's reply is ours."""

    async def close(self, channel: str, key: str) -> None: ...


def role_of(user_id: int, heads: Collection[int], viewers: Collection[int]) -> str:
    if user_id in heads:
        return HEAD
    return VIEWER if user_id in viewers else OFFICER


def console_router(side: StaffSide, links: ConsoleLinks, log_of_updates: UpdateLog, *,
                   base_url: str, heads: Collection[int], viewers: Collection[int]) -> Router:
    router = Router(name="console")

    async def staff_only(message: Message) -> bool:
        user = message.from_user
        return user is not None and not user.is_bot and await side.gate.allows(user.id)

    @router.message(Command("console"),
                    at_once((F.chat.type == "private") | (F.chat.id == side.chat_id)), staff_only)
    async def on_console(message: Message, event_update: Update) -> None:
        user = message.from_user
        assert user is not None
        role = role_of(user.id, heads, viewers)
        token = await links.issue_link(user.id, user.full_name, role, side.clock())
        link = f"{base_url.rstrip('/')}/console/signin/{token}"
        text = side.text("console-link", link=link, minutes=LINK_MINUTES,
                         role=Text(f"console-role-{role}"))
        private = message.chat.type == "private"
        try:
            await side.bot.send_message(user.id, text,
                                        link_preview_options=LinkPreviewOptions(is_disabled=True))
            sent = True
        except (TelegramForbiddenError, TelegramBadRequest) as error:
            log.info("console link for %s not sent privately: %s", user.id, error.message)
            sent = False
        if not private:
            await message.reply(side.text("console-link-sent" if sent else
                                          "console-link-write-first"))
        if private:  # the update log keeps a private chat's update open until answered
            await log_of_updates.close(CHANNEL, str(event_update.update_id))

    return router


class TopicActs:
    """The console's `Acts` with a staff group: a step goes through `StaffSide.apply`, and a
    reply through the desk's `staff_reply`, each then told in the citizen's topic."""

    def __init__(self, side: StaffSide) -> None:
        self.side = side

    async def act(self, application_id: int, action: str, details: dict[str, Any],
                  user_id: int, user_name: str) -> ActResult:
        result = await self.side.apply(application_id, action, details, user_id, user_name,
                                       None)
        if result.ok:
            self.side.wake()
        return result

    async def reply(self, person_id: int, text: str, user_id: int, user_name: str) -> None:
        await self.side.desk.staff_reply(person_id, reply_key(), text, f"staff:{user_id}")
        self.side.wake()
        try:
            await self.side.tell(person_id, "console-topic-reply", who=user_name, text=text)
        except (TelegramForbiddenError, TelegramBadRequest) as error:  # sent all the same
            log.warning("console reply not shown in the topic: %s", error.message)
