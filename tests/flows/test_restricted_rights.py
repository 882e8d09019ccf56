"""A parent whose parental rights are restricted (issue 12, seed 000 p. 7.4): the visit
permission's form (seed 004, deprived parents only) is not theirs, yet the body serves them.
They are told how to apply to the body they chose, may reach a specialist, and the enquiry is
recorded for staff; no application is made."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flows.engine import Engine, Ports
from flows.messages import OutgoingMessage, Text
from flows.visit import VISIT
from tests.flows.chat import Chat
from tests.flows.conftest import NOW
from tests.flows.test_visit_flow import fill_to_summary


@dataclass
class MemoryEnquiries:
    recorded: list[tuple[str, str, str, str, OutgoingMessage, datetime]] = field(
        default_factory=list)

    async def record(self, channel: str, user_id: str, kind: str, subject: str, key: str,
                     note: OutgoingMessage, at: datetime) -> None:
        self.recorded.append((user_id, kind, subject, key, note, at))


def chat_with(ports: Ports, *, specialists: bool = True) -> tuple[Chat, MemoryEnquiries]:
    enquiries = MemoryEnquiries()
    ports.enquiries = enquiries
    return Chat(Engine(ports, [VISIT], clock=lambda: NOW, specialists=specialists)), enquiries


async def says_restricted(chat: Chat) -> None:
    await chat.command("start")
    await chat.tap("language-ru")
    await chat.tap("menu-visit")
    await chat.tap("region-kostanay")
    await chat.tap("body-kst-rudny-short")
    assert chat.question() == "visit-ask-rights"
    await chat.tap("rights-restricted")


async def test_a_restricted_parent_is_told_how_to_apply_to_the_chosen_body(ports: Ports) -> None:
    chat, enquiries = chat_with(ports)
    await says_restricted(chat)
    (told,) = chat.replies[-1].messages
    assert [part.key for part in told.parts] == [
        "rights-restricted-explained",  # 000 p. 7.4: the body decides on their meeting too
        "rights-body-unverified",  # Rudny's street address is not verified: marked
        "rights-hours-lunch",
        "rights-phone-unknown",  # no verified number: none is shown
    ]
    assert told.parts[1].args == {"body": Text("body-kst-rudny"),
                                  "address": Text("body-kst-rudny-address")}
    assert [c.label.key for row in told.choices for c in row] == ["menu-specialist", "nav-menu"]
    state = ports.conversations.states[("test", "1001")]  # type: ignore[attr-defined]
    assert state.flow is None and state.answers == {}  # not put through the 004 form
    assert ports.applications.submitted == {}  # type: ignore[attr-defined]

    ((user, kind, subject, _key, note, at),) = enquiries.recorded
    assert (user, kind, subject, at) == ("1001", "restricted-rights", "kst-rudny", NOW)
    assert note.parts == (Text("staff-enquiry-restricted-rights",
                               {"body": Text("body-kst-rudny")}),)

    reply = await chat.tap("menu-specialist")
    assert reply.escalate and chat.said() == ["specialist-open"]


async def test_without_a_staff_desk_the_way_back_is_the_menu(ports: Ports) -> None:
    chat, enquiries = chat_with(ports, specialists=False)
    await says_restricted(chat)
    assert [c.label.key for m in chat.replies[-1].messages for row in m.choices
            for c in row] == ["nav-menu"]
    await chat.tap("nav-menu")
    assert chat.said() == ["menu-title"]
    assert len(enquiries.recorded) == 1


async def test_a_deprived_parent_goes_on_with_the_form(ports: Ports) -> None:
    chat, enquiries = chat_with(ports)
    await chat.command("start")
    await chat.tap("language-ru")
    await chat.tap("menu-visit")
    await chat.tap("region-kostanay")
    await chat.tap("body-kst-rudny-short")
    await chat.tap("rights-deprived")
    assert chat.question() == "ask-surname"
    assert enquiries.recorded == []


async def test_changing_the_answer_at_the_summary_leads_out_too(ports: Ports) -> None:
    chat, enquiries = chat_with(ports)
    await fill_to_summary(chat)
    await chat.tap("summary-edit", section=Text("section-rights"))
    assert chat.question() == "visit-ask-rights"
    await chat.tap("rights-restricted")
    assert chat.said()[0] == "rights-restricted-explained"
    assert [subject for _u, _k, subject, *_rest in enquiries.recorded] == ["kst-kostanay-city"]
    assert ports.applications.submitted == {}  # type: ignore[attr-defined]
