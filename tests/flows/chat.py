"""Drives the engine like a person, without any messenger: type, tap by label, upload."""

from __future__ import annotations

from dataclasses import dataclass, field

from flows.engine import Engine
from flows.messages import Choice, EventKind, IncomingEvent, IncomingFile, Reply


@dataclass
class Chat:
    engine: Engine
    user_id: str = "1001"
    channel: str = "test"
    replies: list[Reply] = field(default_factory=list)

    async def _send(self, kind: EventKind, text: str = "", **extra: object) -> Reply:
        event = IncomingEvent(self.channel, self.user_id, kind, text, **extra)  # type: ignore[arg-type]
        reply = await self.engine.handle(event)
        self.replies.append(reply)
        return reply

    async def say(self, text: str) -> Reply:
        return await self._send(EventKind.TEXT, text)

    async def command(self, name: str, argument: str = "") -> Reply:
        return await self._send(EventKind.COMMAND, name, argument=argument)

    async def sticker(self) -> Reply:
        return await self._send(EventKind.UNSUPPORTED)

    async def contact(self, phone: str) -> Reply:
        return await self._send(EventKind.CONTACT, phone)

    async def upload(self, data: bytes, name: str | None = None, size: int | None = None) -> Reply:
        async def fetch() -> bytes:
            return data

        file = IncomingFile(name, len(data) if size is None else size, fetch)
        return await self._send(EventKind.FILE, file=file)

    def button(self, label_key: str, reply: Reply | None = None, **args: object) -> Choice:
        reply = reply or self.replies[-1]
        for message in reply.messages:
            for row in message.choices:
                for choice in row:
                    if choice.label.key == label_key and all(
                        choice.label.args.get(k) == v for k, v in args.items()
                    ):
                        return choice
        available = [c.label.key for m in reply.messages for row in m.choices for c in row]
        raise AssertionError(f"no button {label_key!r} {args or ''}; buttons: {available}")

    async def tap(self, label_key: str, reply: Reply | None = None, **args: object) -> Reply:
        return await self.press(self.button(label_key, reply, **args))

    async def press(self, choice: Choice) -> Reply:
        return await self._send(EventKind.CHOICE, choice.payload)

    def said(self, reply: Reply | None = None) -> list[str]:
        reply = reply or self.replies[-1]
        return [part.key for message in reply.messages for part in message.parts]

    def question(self, reply: Reply | None = None) -> str:
        """The question being asked: the part after the progress mark."""
        keys = self.said(reply)
        return keys[keys.index("flow-progress") + 1] if "flow-progress" in keys else keys[-1]
