"""When an answer shows that a form is not the person's, though the body still serves them.

A flow may declare such a way out (`Exit`): once its answers call for it, the flow ends with
an explanation of how to apply instead, a button to a specialist and one to the menu, and
the enquiry is recorded (`Enquiries`), so staff find it in the person's topic at once and
in the morning digest. Issue 12: a parent whose parental rights are restricted (seed 000
p. 7.4) is not put through the form of seed 004, which covers deprived parents only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from flows.catalogue import Body, body_address_id, body_label_id
from flows.messages import OutgoingMessage, Text

Answers = Mapping[str, Any]


@dataclass(frozen=True)
class Exit:
    """A way out of a flow, declared with it (`Flow.exits`)."""

    kind: str  # what is recorded: the audit action is "enquiry.<kind>"
    when: Callable[[Answers], bool]  # the answers that lead out (checked before each question)
    explain: Callable[[Answers], tuple[Text, ...]]  # what the person is told instead
    subject: Callable[[Answers], str]  # what the enquiry is about: the body's code
    staff_note: Callable[[Answers], Text]  # what the specialist reads in the person's topic
    digest_title: str  # the digest's heading of these enquiries: {$count}


@dataclass(frozen=True)
class Enquiry:
    """A recorded enquiry, as the morning digest lists it."""

    at: datetime
    kind: str
    subject: str  # the body's code
    name: str  # the person's name in the messenger, "" if unknown


class Enquiries(Protocol):
    """Where the engine records an enquiry; storage writes it with the staff note, once per
    draft (`key`), so a turn handled again records nothing twice."""

    async def record(self, channel: str, user_id: str, kind: str, subject: str, key: str,
                     note: OutgoingMessage, at: datetime) -> None: ...


def how_to_apply(body: Body) -> tuple[Text, ...]:
    """The body's name and address (marked while unverified), its hours as the data gives
    them (or that the bot does not know them) and its phone only when verified: nothing is
    guessed."""
    args = {"body": Text(body_label_id(body.code)), "address": Text(body_address_id(body.code))}
    where = Text("rights-body" if body.verified else "rights-body-unverified", args)
    hours = body.office_hours
    if hours is None:
        when = Text("rights-hours-unknown")
    elif hours.lunch is None:
        when = Text("rights-hours", {"days": hours.days, "opens": hours.opens,
                                     "closes": hours.closes})
    else:
        when = Text("rights-hours-lunch", {"days": hours.days, "opens": hours.opens,
                                           "closes": hours.closes, "lunch_from": hours.lunch[0],
                                           "lunch_to": hours.lunch[1]})
    phone = Text("rights-phone", {"phone": body.phone}) if body.phone \
        else Text("rights-phone-unknown")
    return where, when, phone
