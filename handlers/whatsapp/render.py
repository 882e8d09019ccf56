"""The engine's messages -> WhatsApp Cloud API messages, within Meta's limits by construction.

≤ 3 choices whose titles fit -> reply buttons; otherwise list messages of ≤ 10 rows, as many
as needed (a paged list). A title that does not fit uses the `<id>-short` form from the
locale files; with none, the row shows its number and the full label as its description —
a word is never cut. A label longer than a description is ended at a word in its row and
written out whole above the list, by the row's number.
"""

from __future__ import annotations

from typing import Any

from flows.messages import Choice, OutgoingMessage, Reply, Text
from handlers.l10n import Localizer
from handlers.telegram.render import split_text
from handlers.whatsapp.client import GraphCall, SendDocument, SendMessage

Json = dict[str, Any]

TEXT_LIMIT = 4096
BODY_LIMIT = 1024  # interactive message body
BUTTON_TITLE = 20
MAX_BUTTONS = 3
ROW_TITLE = 24
ROW_DESCRIPTION = 72
MAX_ROWS = 10
LIST_BUTTON = 20


def text_message(body: str) -> Json:
    return {"type": "text", "text": {"body": body, "preview_url": False}}


class WhatsAppRenderer:
    def __init__(self, localizer: Localizer) -> None:
        self.l10n = localizer

    def fit(self, label: Text, lang: str, limit: int) -> str | None:
        """The label, or its short form, if it fits the limit."""
        full = self.l10n.render(label, lang)
        if len(full) <= limit:
            return full
        short = f"{label.key}-short"
        if self.l10n.has(short, lang):
            text = self.l10n.render(Text(short, label.args), lang)
            if len(text) <= limit:
                return text
        return None

    def calls(self, to: str, reply: Reply) -> list[GraphCall]:
        """The Graph API calls that deliver a reply, in order (`client.make(call)` makes one):
        a restart resumes after the last call Meta confirmed."""
        if reply.notice is not None and not reply.messages:
            # No toasts in WhatsApp: a note for a tapped button goes as a short text.
            reply = Reply(reply.language, (OutgoingMessage((reply.notice,)),))
        return [call for message in reply.messages
                for call in self._calls_one(to, message, reply.language)]

    def _calls_one(self, to: str, message: OutgoingMessage, lang: str) -> list[GraphCall]:
        calls: list[GraphCall] = [SendMessage(to, payload)
                                  for payload in self.render(message, lang)]
        if message.attachment is not None:
            calls.append(SendDocument(to, message.attachment))
        return calls

    def render(self, message: OutgoingMessage, lang: str) -> list[Json]:
        text = self.l10n.join(message.parts, lang)
        choices = [choice for row in message.choices for choice in row]
        if not choices:
            return [text_message(piece) for piece in split_text(text, TEXT_LIMIT)]
        buttons = self._buttons(choices, lang)
        if buttons is not None:
            return self._interactive(text, lang, "button", {"buttons": buttons})
        label = self.fit(Text("wa-list-button"), lang, LIST_BUTTON) or "☰"
        out: list[Json] = []
        pages = [choices[i:i + MAX_ROWS] for i in range(0, len(choices), MAX_ROWS)]
        for number, page in enumerate(pages):
            words = text if number == 0 else self.l10n.render(
                Text("wa-more-options", {"page": number + 1, "pages": len(pages)}), lang)
            rows, whole = self._rows(page, lang, offset=number * MAX_ROWS)
            if whole:  # a row's words cut short are written out here, by the row's number
                words = "\n\n".join((words, "\n".join(whole)))
            out += self._interactive(words, lang, "list", {
                "button": label, "sections": [{"rows": rows}]})
        return out

    def _interactive(self, words: str, lang: str, kind: str, action: Json) -> list[Json]:
        """An interactive message with these words as its body; words too long for a body
        go first, as text, and the buttons get a short body."""
        out: list[Json] = []
        if len(words) > BODY_LIMIT:
            out += [text_message(piece) for piece in split_text(words, TEXT_LIMIT)]
            words = self.l10n.render(Text("wa-choose"), lang)
        out.append({"type": "interactive", "interactive": {
            "type": kind, "body": {"text": words}, "action": action}})
        return out

    def _buttons(self, choices: list[Choice], lang: str) -> list[Json] | None:
        if len(choices) > MAX_BUTTONS:
            return None
        titles = [self.fit(c.label, lang, BUTTON_TITLE) for c in choices]
        if None in titles or len(set(titles)) != len(titles):
            return None
        return [{"type": "reply", "reply": {"id": c.payload, "title": title}}
                for c, title in zip(choices, titles, strict=True)]

    def _rows(self, choices: list[Choice], lang: str, offset: int) -> tuple[list[Json], list[str]]:
        """The list's rows, and "N. label" for each row whose label is longer than a row's
        description: the row then ends its description at a word, and the words above the
        list give the label whole (two children's labels may differ only at their end)."""
        rows: list[Json] = []
        whole: list[str] = []
        for n, choice in enumerate(choices, start=offset + 1):
            full = self.l10n.render(choice.label, lang)
            title = self.fit(choice.label, lang, ROW_TITLE) or f"{n}."
            row: Json = {"id": choice.payload, "title": title}
            if title != full:
                row["description"] = full if len(full) <= ROW_DESCRIPTION else cut_at_word(
                    full, ROW_DESCRIPTION)
            if full != row.get("description", title):
                whole.append(f"{title} {full}" if title == f"{n}." else f"{title} — {full}")
            rows.append(row)
        return rows, whole


def cut_at_word(words: str, limit: int) -> str:
    """The words, ended at a word within `limit` characters with "…"."""
    head = words[:limit - 1]
    if words[limit - 1] != " " and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip() + "…"
