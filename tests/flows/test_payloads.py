"""Issue 9: one codec for every button payload; whatever comes back, reading never raises."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

import pytest

from flows import payloads
from flows.booking import BookIn
from flows.messages import MAX_PAYLOAD_BYTES
from flows.payloads import (
    Action,
    BookTime,
    CardAction,
    ChildReply,
    ChooseOption,
    Edit,
    Menu,
    OpenApplication,
    Payload,
    StaffPayload,
    Stale,
    StepInput,
    Tap,
    UseSuggestion,
    Word,
    unpack,
)
from flows.privacy import ForgetAnswer

BIGGEST_SEQ = 10**15 - 1
ID = str(10**18 - 1)  # the largest id a button carries: below 2**63, the database's limit
NAME = "z" * 24  # the longest flow, section, option or language code

# Every kind of button with its longest values (a new kind without one fails below).
LONGEST: tuple[Payload, ...] = (
    payloads.Specialist(), payloads.Resume(), payloads.Language(NAME),
    payloads.CancelAnswer(True), payloads.CancelAnswer(False), Menu(),
    ForgetAnswer(True), ForgetAnswer(False),  # /forget (flows/privacy.py)
    payloads.StartFlow(NAME), payloads.MyApplications(), OpenApplication(ID),
    payloads.Contacts(), payloads.ShowFiled(ID), payloads.ShowPapers(ID),
    payloads.StartComplaint(ID), payloads.StartObjection(ID), payloads.Book(ID),
    payloads.BookDay(ID, "20261125"), BookTime(ID, "202611251000"), payloads.Unbook(ID),
    payloads.ItsMe(True), payloads.ItsMe(False), ChildReply(ID, True), ChildReply(ID, False),
    # siblings: each child's own conversation (tests/flows/test_siblings.py)
    payloads.BookFor(ID, 99), payloads.BookDay(ID, "20261125", 99),
    BookTime(ID, "202611251000", 99), payloads.Unbook(ID, 99), ChildReply(ID, False, 99),
    BookIn(ID, "202611251000", "ru", 99),  # the child's language (flows/booking.py)
    # the child's channel: messenger or e-mail (issue 16)
    payloads.ChildChannel(ID, 99), payloads.ByMessenger(ID, 99), payloads.ByMail(ID, 99),
    # ...switched later: "How the child joins" (flows/booking.py)
    payloads.HowChildJoins(ID, 99), payloads.MessengerInstead(ID, 99),
    payloads.MailInstead(ID, 99),
    *(payloads.ChildConversation(int(ID), verb, 99) for verb in payloads.SESSION_VERBS),
    payloads.Back(), payloads.Submit(), Edit(NAME), payloads.More(), payloads.Done(),
    payloads.Remove(), payloads.RemoveItem(999),
    payloads.Keep(), payloads.Skip(), UseSuggestion(999), ChooseOption(NAME),
    # "Other services" (flows/related.py)
    payloads.OtherServices(), payloads.RelatedService(NAME), payloads.NotifyMe(NAME),
    *(CardAction(int(ID), verb) for verb in payloads.CARD_VERBS),
    *(StepInput(int(ID), verb, NAME, 10**9 - 1) for verb in payloads.INPUT_VERBS),
)


def test_every_kind_is_covered_here() -> None:
    declared = {*Action.kinds.values(), *StaffPayload.kinds.values()}
    assert declared == {type(payload) for payload in LONGEST}


@pytest.mark.parametrize("payload", LONGEST, ids=lambda p: type(p).__name__)
def test_every_kind_comes_back_as_it_went_and_fits_telegrams_64_bytes(payload: Payload) -> None:
    if isinstance(payload, Action):
        data = Tap.bind(BIGGEST_SEQ, payload.pack())
        assert unpack(data) == Tap(BIGGEST_SEQ, payload)
    else:
        data = payload.pack()
        assert unpack(data) == payload
    assert data.isascii() and len(data.encode()) <= MAX_PAYLOAD_BYTES


def test_cards_already_posted_in_the_staff_group_still_read() -> None:
    assert unpack("st:42:accept") == CardAction(42, "accept")
    assert unpack("in:42:tick:incomplete:5") == StepInput(42, "tick", "incomplete", 5)
    assert unpack("7:child:42:yes") == Tap(7, ChildReply("42", True))


@pytest.mark.parametrize("data", [
    "", ":", "::::", "5", "5:", "menu",  # a citizen's action without its question's seq
    "05:menu", "-1:menu", "+5:menu", "٥:menu", f"{10**15}:menu",  # seqs that are not ours
    "5:nothing", "5:menu:extra", "5:MENU", "5:menu ",
    "5:child:abc:yes", "5:child:42", "5:child:42:yes:no", "5:child:42:maybe",
    "5:child:-42:yes", "5:child:042:yes", "5:child:²:yes", f"5:child:{10**18}:yes",
    "5:s:x", "5:s:", "5:s:-1", "5:s:1000", "5:s:1.5",
    "5:edit:", "5:edit:Nowhere", "5:edit:a:b", "5:o:қазақша", "5:o:a b", f"5:o:{'a' * 25}",
    "5:lang:", "5:day:42:2026112", "5:slot:42:20261125100", "5:book:abc",
    "5:st:42:accept",  # a staff button is never a citizen's action
    "st", "st:", "st:42", "st:42:", "st:abc:accept", "st:-42:accept", f"st:{10**18}:accept",
    "st:99999999999999999999999999999999:accept", "st:42:delete", "st:42:accept:1",
    "st:42:miss", "st:42:miss:5",  # the missing-documents ticks before step inputs: stale
    "in:42:tick:incomplete", "in:42:tick:incomplete:-1", "in:42:tick:incomplete:1234567890",
    "in:42:poke:incomplete:1", "in:42:tick:Incomplete:1", "st:42:accept:x:y",
    "5:menu\n", "5:menu\x00", "5:меню", "😀", "5:" + "a" * 70,
])
def test_malformed_data_of_any_prefix_is_stale(data: str) -> None:
    assert isinstance(unpack(data), Stale)


def test_random_bytes_never_raise_and_only_canonical_data_is_read() -> None:
    rng = random.Random(9)
    pieces = [*string.printable, ":", ":", "st:", "5:", "42", "child", "yes", "é", "²", "٣"]
    for _ in range(20_000):
        data = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 24)))
        read = unpack(data)
        if isinstance(read, Tap):
            assert Tap.bind(read.seq, read.action.pack()) == data
        elif not isinstance(read, Stale):
            assert read.pack() == data


@pytest.mark.parametrize("payload", [
    ChooseOption("Қазақша"), ChooseOption("a:b"), Edit(""), OpenApplication("abc"),
    OpenApplication("-1"), UseSuggestion(1000), CardAction(1, "delete"),
    CardAction(10**18, "accept"), StepInput(1, "tick", "incomplete", -1),
    StepInput(1, "tick", "incomplete", 10**9),
])
def test_a_button_that_could_not_come_back_is_never_shown(payload: Payload) -> None:
    with pytest.raises(ValueError):
        payload.pack()


def test_a_kind_that_could_overflow_64_bytes_fails_where_it_is_declared() -> None:
    with pytest.raises(TypeError, match="over"):
        @dataclass(frozen=True)
        class TooLong(Action, prefix="too-long"):
            first: Word
            second: Word


def test_two_kinds_cannot_read_alike() -> None:
    with pytest.raises(TypeError, match="reads like"):
        @dataclass(frozen=True)
        class AnotherEdit(Action, prefix="edit"):
            section: Word


def test_a_field_without_its_wire_fails_where_it_is_declared() -> None:
    with pytest.raises(TypeError, match="Wire"):
        @dataclass(frozen=True)
        class Untyped(Action, prefix="untyped"):
            value: str


def test_overlays_kept_in_a_state_read_back_and_those_stored_before_still_read() -> None:
    for kept in (payloads.Cancelling(), payloads.ChoosingLanguage(), payloads.WithSpecialist(),
                 payloads.WithSpecialistConfirmed(), payloads.Objecting(ID),
                 payloads.AskingChildMail(ID), payloads.AskingChildMail(ID, 99),
                 payloads.AskingChildMail(ID, 0, True), payloads.AskingChildMail(ID, 99, True),
                 # the booking screens (issue 18)
                 payloads.ChoosingChild(ID), payloads.ChoosingDay(ID, 99),
                 payloads.ChoosingTime(ID, "20261125", 99),
                 payloads.ChoosingChildLanguage(ID, "202611251000", 99),
                 payloads.ChoosingChildChannel(ID, 99)):
        assert payloads.overlay(kept.pack()) == kept
    # what the engine stored as plain strings before the codec
    assert payloads.overlay("specialist:sent") == payloads.WithSpecialistConfirmed()
    assert payloads.overlay("objection:42") == payloads.Objecting("42")
    for junk in (None, "", "objection:", "objection:abc", "specialist:yes", "menu", "💥"):
        assert payloads.overlay(junk) is None


def test_an_opened_invite_kept_in_a_state_reads_back_as_it_was_kept_before_too() -> None:
    opened, joined = payloads.InviteOpened("ABCD2345"), payloads.InviteJoined(
        "42", "202611251000", "ru-novosibirsk", "residence")
    for kept in (opened, joined, payloads.InviteJoined("42", "202611251000", "", "")):
        assert payloads.invite_state(kept.pack()) == kept
    # the "|" strings stored before the codec
    assert payloads.invite_state("opened|ABCD2345") == opened
    assert payloads.invite_state("42|202611251000|ru-novosibirsk|residence") == joined
    assert payloads.invite_state("42|202611251000|") == payloads.InviteJoined(
        "42", "202611251000", "", "")
    for junk in (None, "", "opened|abcd", "42|2026|x", "joined:42", "💥|1|2|3"):
        assert payloads.invite_state(junk) is None
