"""'Other services': the related guardianship services, explained one screen each.

The bot does not take these applications yet. Each screen says who may apply, the term,
where to apply, the documents and the grounds for refusal, read from
`flows/data/related_services.json` (seed 001's standards; seed 000 for the transactions
with a minor's property), each entry with the item it rests on. What the seeds do not give
is data marked `to_be_confirmed`, and the person reads that it is not given. From a screen
a person may ask a specialist, or ask to be told when the service can be applied for here
(recorded once per person and service through the `ServiceInterest` port).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flows.messages import Text
from flows.payloads import Menu, NotifyMe, OtherServices, RelatedService, Specialist
from flows.ports import ServiceInterest
from flows.turn import Turn, button

RELATED_PATH = Path(__file__).parent / "data" / "related_services.json"
ACTS = ("standard", "rules", "decree-382")  # what a cite points into: related-cite-<act>


@dataclass(frozen=True)
class Cite:
    act: str
    item: str

    def text(self) -> Text:
        return Text(f"related-cite-{self.act}", {"item": self.item})


@dataclass(frozen=True)
class Line:
    """A statement of a screen (who may apply, a channel, a note): related-<kind>-<code>."""

    code: str
    cite: Cite | None
    source: str
    to_be_confirmed: bool = False


@dataclass(frozen=True)
class Listed:
    """The documents or the grounds: entries numbered as the standard numbers them."""

    cite: Cite | None
    entries: tuple[tuple[int, str], ...]  # (sub-item, code)
    notes: tuple[Line, ...]
    to_be_confirmed: bool
    source: str


@dataclass(frozen=True)
class InterestCount:
    """How many people asked to be told when a service can be applied for here: in all, and
    since a moment (the previous digest)."""

    service: str
    total: int
    new: int


@dataclass(frozen=True)
class Related:
    code: str
    standard: str  # where the facts come from, for a jurist reading the data
    who: tuple[Line, ...]
    term_days: int | None  # working days; None: the seeds give none (to be confirmed)
    term_cite: Cite | None
    channels: tuple[Line, ...]
    free: Cite | None
    documents: Listed
    grounds: Listed
    notes: tuple[Line, ...]

    @property
    def name(self) -> Text:
        return Text(f"related-name-{self.code}")


def _cite(raw: dict[str, Any] | None) -> Cite | None:
    if raw is None:
        return None
    if raw["act"] not in ACTS:
        raise ValueError(f"unknown act {raw['act']!r}")
    return Cite(raw["act"], str(raw["item"]))


def _line(raw: dict[str, Any]) -> Line:
    return Line(raw["code"], _cite(raw.get("cite")), str(raw["source"]),
                bool(raw.get("to_be_confirmed", False)))


def _read_listed(raw: dict[str, Any]) -> Listed:
    return Listed(_cite(raw["cite"]), tuple((int(e["n"]), e["code"]) for e in raw["entries"]),
                  tuple(_line(n) for n in raw.get("notes", ())),
                  bool(raw["to_be_confirmed"]), str(raw["source"]))


def load_related(path: Path = RELATED_PATH) -> dict[str, Related]:
    services = json.loads(path.read_text(encoding="utf-8"))["services"]
    loaded = {}
    for raw in services:
        documents, grounds = _read_listed(raw["documents"]), _read_listed(raw["grounds"])
        for listed in (documents, grounds):
            if listed.to_be_confirmed == bool(listed.entries):
                raise ValueError(f"{raw['code']}: a list is either given or to be confirmed")
        term = raw["term"]
        loaded[raw["code"]] = Related(
            code=raw["code"], standard=str(raw["standard"]),
            who=tuple(_line(w) for w in raw["who"]),
            term_days=term["working_days"], term_cite=_cite(term["cite"]),
            channels=tuple(_line(c) for c in raw["channels"]), free=_cite(raw["free"]),
            documents=documents, grounds=grounds,
            notes=tuple(_line(n) for n in raw["notes"]))
    return loaded


RELATED = load_related()


def message_ids(service: Related) -> set[str]:
    """Every message id a service's screen builds from its data (tests check they exist)."""
    ids = {service.name.key, f"{service.name.key}-short", f"related-title-{service.code}"}
    ids |= {f"related-who-{w.code}" for w in service.who}
    ids |= {f"related-channel-{c.code}" for c in service.channels}
    ids |= {f"related-doc-{code}" for _, code in service.documents.entries}
    ids |= {f"related-ground-{code}" for _, code in service.grounds.entries}
    ids |= {f"related-note-{n.code}"
            for n in (*service.documents.notes, *service.grounds.notes, *service.notes)}
    ids |= {f"related-cite-{act}" for act in ACTS}
    return ids


# ---------------------------------------------------------------------- the screens
def show_list(turn: Turn) -> None:
    rows = [[button(service.name.key, RelatedService(service.code))]
            for service in RELATED.values()]
    rows.append([button("nav-menu", Menu())])
    turn.say(Text("related-list-title"), choices=rows)


def screen(service: Related) -> tuple[tuple[Text, ...], tuple[Text, ...]]:
    """The words of a service's screen, one part per section, in two messages that each fit a
    Telegram message: what it is, who, the term, where and the documents; then the grounds
    for refusal and the notes."""
    about = [Text(f"related-title-{service.code}"),
             Text("related-who", {"lines": _lines("who", service.who)}),
             _term(service),
             Text("related-where", {"lines": _lines("channel", service.channels)})]
    if service.free is not None:
        about.append(Text("related-free", {"cite": service.free.text()}))
    about.append(_listed("documents", "doc", service.documents))
    refusal = [_listed("grounds", "ground", service.grounds)]
    if service.notes:
        refusal.append(Text("related-notes", {"lines": _lines("note", service.notes)}))
    return tuple(about), tuple(refusal)


def show_service(turn: Turn, service: Related, *, can_notify: bool, recorded: bool) -> None:
    about, refusal = screen(service)
    last = [*refusal, Text("related-not-in-bot")]
    rows = [[button("related-ask-specialist", Specialist())]]
    if recorded:
        last.append(Text("related-notify-on"))
    elif can_notify:
        rows.append([button("related-notify", NotifyMe(service.code))])
    rows += [[button("related-back", OtherServices())], [button("nav-menu", Menu())]]
    turn.say(*about)
    turn.say(*last, choices=rows)


async def answer(turn: Turn, action: OtherServices | RelatedService | NotifyMe,
                 interest: ServiceInterest | None, now: datetime) -> None:
    """A tap under 'Other services': the list, a service's screen, or 'tell me when'."""
    service = None if isinstance(action, OtherServices) else RELATED.get(action.code)
    if service is None:  # the list itself, or a code that is no service (any more)
        show_list(turn)
        return
    channel, user_id = turn.event.channel, turn.event.user_id
    if isinstance(action, NotifyMe) and interest is not None:
        new = await interest.record(channel, user_id, service.code, now)
        turn.say(Text("related-notify-recorded" if new else "related-notify-already",
                      {"service": service.name}),
                 choices=[[button("related-back", OtherServices())],
                          [button("nav-menu", Menu())]])
        return
    recorded = interest is not None and await interest.recorded(channel, user_id, service.code)
    show_service(turn, service, can_notify=interest is not None, recorded=recorded)


def _lines(kind: str, lines: tuple[Line, ...]) -> tuple[Text, ...]:
    return tuple(_line_text(f"related-{kind}-{line.code}", line.cite) for line in lines)


def _line_text(key: str, cite: Cite | None) -> Text:
    if cite is None:
        return Text("related-line", {"text": Text(key)})
    return Text("related-line-cited", {"text": Text(key), "cite": cite.text()})


def _term(service: Related) -> Text:
    if service.term_days is None or service.term_cite is None:
        return Text("related-term-unknown")
    return Text("related-term", {"days": service.term_days, "cite": service.term_cite.text()})


def _listed(section: str, kind: str, listed: Listed) -> Text:
    if listed.to_be_confirmed or listed.cite is None:
        return Text(f"related-{section}-unknown")
    lines = tuple(Text("related-numbered", {"n": n, "text": Text(f"related-{kind}-{code}")})
                  for n, code in listed.entries)
    lines += _lines("note", listed.notes)
    return Text(f"related-{section}", {"cite": listed.cite.text(), "lines": lines})
