"""A child abroad may live in another day: 25.11.2026 09:00 in Astana is 24.11 20:00 in Los
Angeles. The parent's time (the buttons, the confirmation, the reminders: `slot_text`) names
the child's date then, so "20:00 Los Angeles" is not read as the evening of the 25th; on
the same day it reads as before. And the longer button still fits a WhatsApp list row's
description (72 characters), never cut.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from flows import booking
from flows.calendar import KZ_TZ
from flows.interview import COUNTRIES, slot_text
from flows.messages import EventKind, IncomingEvent, OutgoingMessage
from flows.ports import ConversationState, SlotOffer
from flows.slots import Slot, free_slots
from flows.turn import Turn
from handlers.l10n import Localizer
from handlers.whatsapp.render import ROW_DESCRIPTION, WhatsAppRenderer

ACCEPTED = date(2026, 11, 23)  # the term: Tue 24 - Fri 27 November 2026
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=KZ_TZ)
NINE = Slot.from_key("202611250900")  # Wednesday 09:00 in Astana
L10N = Localizer()


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("zone, child_time", [("us-los-angeles", "20:00"),
                                              ("us-new-york", "23:00")])
def test_the_parent_sees_the_childs_date_when_it_is_another_day(
    lang: str, zone: str, child_time: str
) -> None:
    shown = L10N.render(slot_text(NINE, zone), lang)
    assert "25.11.2026" in shown and "09:00" in shown  # Astana's
    assert "24.11.2026" in shown and child_time in shown  # the child's: the day before
    assert shown.index("24.11.2026") < shown.index(child_time), shown


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_on_the_same_day_the_childs_time_is_shown_as_before(lang: str) -> None:
    shown = L10N.render(slot_text(NINE, "berlin"), lang)  # 05:00 in Berlin, the same day
    assert shown.count("25.11.2026") == 1 and "05:00" in shown, shown


def times_screen(zone: str, day: str) -> OutgoingMessage:
    turn = Turn(ConversationState(language="kk"), IncomingEvent("whatsapp", "1",
                                                                EventKind.CHOICE), NOW.date())
    slots = tuple(free_slots(ACCEPTED, NOW, set()))
    booking.show_times(turn, SlotOffer("7", "МР-2026-00001", slots, zone, None), day)
    return turn.messages[-1]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_every_time_button_fits_a_whatsapp_row_whatever_the_childs_city(lang: str) -> None:
    """Every city, every day of the term: the row's description is the whole label."""
    renderer = WhatsAppRenderer(L10N)
    zones = [zone.code for country in COUNTRIES.all for zone in country.zones]
    for zone in zones:
        for day in ("20261124", "20261125", "20261126", "20261127"):
            message = times_screen(zone, day)
            for listed in renderer.render(message, lang):
                for section in listed["interactive"]["action"]["sections"]:
                    for row in section["rows"]:
                        full = row.get("description", row["title"])
                        assert len(full) <= ROW_DESCRIPTION, (zone, full)
            labels = [L10N.render(choice.label, lang) for row in message.choices
                      for choice in row]
            assert all(len(label) <= ROW_DESCRIPTION for label in labels), (zone, labels)
