"""Issue 18, items 7, 8 and 10 over the fake Bot API and the fake Graph API: files keep a
proper name, staff words are quoted tidily, and staff photos and files reach WhatsApp."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flows.messages import Text
from handlers.l10n import Localizer
from handlers.whatsapp.client import DOCUMENT_MAX_BYTES, IMAGE_MAX_BYTES, media_kind
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.whatsapp_api import FakeWhatsApp, WhatsAppPerson
from tests.flows.documents import PDF, jpeg
from tests.handlers.conftest import STAFF_CHAT, STAFF_MEMBER, RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_staff_telegram import (
    NUMBER,
    apply,
    citizen_gets,
    seen,
    staff_says,
    staff_tap,
    start_hearing,
    the_card,
)
from tests.handlers.test_whatsapp import graph_waits, person, pick, texts

MEGABYTE = 1024 * 1024


def staff_documents(telegram: FakeTelegram, thread: int) -> list[str]:
    """The names of the files the bot posted into a staff topic, in order."""
    return [m["document"].get("file_name", "") for m in telegram.sent_messages(STAFF_CHAT, thread)
            if "document" in m]


# ---------------------------------------------------------------------- item 7: file names
async def test_a_citizens_photo_reaches_staff_named_with_its_type(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=3101, first_name="Айгүл")
    await apply(citizen, "ru")  # a photo of the identity document, then two PDFs
    card = await the_card(telegram)
    thread = card["message_thread_id"]
    await telegram.wait_for(lambda _c: len(staff_documents(telegram, thread)) >= 3, timeout=10)
    names = staff_documents(telegram, thread)
    assert names[0] == f"{NUMBER}-1.jpg"  # the photo had no name at all
    # named by the application, whatever the sender called them ("passport.pdf")
    assert names[1:3] == [f"{NUMBER}-2.pdf", f"{NUMBER}-3.pdf"]


async def test_a_whatsapp_citizens_photo_reaches_staff_as_a_jpg(
    telegram: FakeTelegram, graph: FakeWhatsApp, on_both: RunningBot
) -> None:
    who = await asks_a_specialist(graph, on_both, "77017770001")
    await who.send_image(jpeg(3))
    await telegram.wait_for(lambda c: c.method == "sendDocument" and c.ok, timeout=10)
    thread = await topic_of(telegram, "Мне нужна помощь")
    assert staff_documents(telegram, thread) == ["file.jpg"]


# ---------------------------------------------------------------------- item 8: staff words
async def test_a_place_ending_with_a_full_stop_is_quoted_with_one(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=3102)
    await apply(citizen, "ru")
    card = await the_card(telegram)
    await staff_tap(telegram, card, staff_says("staff-action-accept"))
    prompt = await start_hearing(telegram, card)
    telegram.user(id=STAFF_MEMBER).send_text(
        "27.11.2026 15:00;  г. Рудный, ул. Ленина 1,  12 каб. ;  заключение психолога  ",
        chat=STAFF_CHAT, thread_id=card["message_thread_id"], reply_to=prompt)
    await telegram.settled()
    notice = await seen(telegram, 3102, lambda m: "заключение психолога" in m.get("text", ""))
    assert "г. Рудный, ул. Ленина 1, 12 каб." in notice["text"]
    assert "каб.." not in notice["text"] and "  " not in notice["text"]


async def test_a_staff_reply_is_trimmed_without_empty_lines_or_doubled_marks(
    telegram: FakeTelegram, staffed: RunningBot
) -> None:
    citizen = telegram.user(id=3103)
    thread = await telegram_citizen_asks_a_specialist(telegram, citizen.id)
    telegram.user(id=STAFF_MEMBER).send_text(
        "  Здравствуйте!!  Возьмите паспорт..\n\n\n  Кабинет 12 ,  второй этаж  \n",
        chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    await citizen_gets(telegram, citizen.id, says(
        "staff-reply", "kk", text="Здравствуйте! Возьмите паспорт.\nКабинет 12, второй этаж"))


# ---------------------------------------------------------------------- item 10: WhatsApp
async def test_a_staff_photo_reaches_a_whatsapp_citizen_as_an_image(
    telegram: FakeTelegram, graph: FakeWhatsApp, on_both: RunningBot
) -> None:
    who = await asks_a_specialist(graph, on_both, "77017770002")
    thread = await topic_of(telegram, "Мне нужна помощь")
    staff = telegram.user(id=STAFF_MEMBER)
    staff.send_photo(jpeg(9), caption="Образец заявления", chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    await graph_waits(graph, lambda: bool(media(who, "image")))
    (image,) = media(who, "image")
    assert graph.media_bytes(image["id"]) == jpeg(9)
    assert says("staff-reply", "ru", text="Образец заявления") in texts(who.messages())

    staff.send_document(PDF, "образец", "application/pdf", chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    await graph_waits(graph, lambda: bool(media(who, "document")))
    (document,) = media(who, "document")
    assert document["filename"] == "образец.pdf"
    assert graph.media_bytes(document["id"]) == PDF
    assert says("staff-reply-file", "ru") in texts(who.messages())
    graph.assert_no_rejections()


async def test_a_file_too_large_for_whatsapp_or_a_sticker_gives_staff_a_note(
    telegram: FakeTelegram, graph: FakeWhatsApp, on_both: RunningBot
) -> None:
    who = await asks_a_specialist(graph, on_both, "77017770003")
    thread = await topic_of(telegram, "Мне нужна помощь")
    before = len(who.messages())
    telegram.user(id=STAFF_MEMBER).send_document(
        PDF, "scan.pdf", "application/pdf", file_size=25 * MEGABYTE,  # Telegram says 25 MB
        chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    note = staff_says("staff-file-too-large", size="25", limit="20")
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == note, thread)
    telegram.user(id=STAFF_MEMBER).send_sticker(chat=STAFF_CHAT, thread_id=thread)
    await telegram.settled()
    unsent = staff_says("staff-file-kind-unsupported")
    await seen(telegram, STAFF_CHAT, lambda m: m.get("text") == unsent, thread)
    await on_both.settle()
    assert who.messages()[before:] == []  # nothing half-sent to the citizen


def test_whatsapp_media_stay_within_metas_limits() -> None:
    """A photo over 5 MB still reaches the citizen, as a document; over 100 MB nothing goes."""
    assert media_kind("image/jpeg", IMAGE_MAX_BYTES, image=True) == "image"
    assert media_kind("image/jpeg", IMAGE_MAX_BYTES + 1, image=True) == "document"
    assert media_kind("image/heic", MEGABYTE, image=True) == "document"  # not an image type
    assert media_kind("image/png", MEGABYTE, image=False) == "document"  # sent as a file
    assert media_kind("application/pdf", DOCUMENT_MAX_BYTES, image=False) == "document"
    assert media_kind("application/pdf", DOCUMENT_MAX_BYTES + 1, image=False) is None


def test_the_note_reads_in_every_staff_language() -> None:
    l10n = Localizer()
    for lang in ("kk", "ru", "en"):
        note = l10n.render(Text("staff-file-too-large", {"size": "25", "limit": "20"}), lang)
        assert "25" in note and "20" in note and "{" not in note


# ---------------------------------------------------------------------- item 11: the guide
def test_the_architecture_guide_is_in_the_repository_and_names_what_exists() -> None:
    root = Path(__file__).resolve().parents[2]
    guide = root / "docs" / "architecture.md"
    assert "(docs/architecture.md)" in (root / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:bot|flows|handlers|storage|papers|tests|bench)/[\w/]+\.py)",
                           guide.read_text(encoding="utf-8")))
    assert len(named) > 10
    assert sorted(path for path in named if not (root / path).exists()) == []
    assert "../shared" not in (root / "README.md").read_text(encoding="utf-8")


# ---------------------------------------------------------------------- helpers
async def asks_a_specialist(graph: FakeWhatsApp, bot: RunningBot,
                            wa_id: str) -> WhatsAppPerson:
    """A WhatsApp citizen, in Russian, writes to a specialist: their topic opens."""
    who = person(graph, bot, wa_id=wa_id)
    shown = await who.say("/start")
    shown = await pick(who, shown, "Русский")
    await pick(who, shown, says("menu-specialist", "ru"))
    await who.say("Мне нужна помощь")
    return who


async def topic_of(telegram: FakeTelegram, words: str) -> int:
    """The staff topic the citizen's words were posted into."""
    relayed = await telegram.wait_for(
        lambda c: c.method == "sendMessage" and words in str(c.params.get("text")), timeout=10)
    return int(relayed.params["message_thread_id"])


async def telegram_citizen_asks_a_specialist(telegram: FakeTelegram, user_id: int) -> int:
    citizen = telegram.user(id=user_id, first_name="Нұрлан")
    await citizen.say("/start")
    menu = (await citizen.press(citizen.last(), "Қазақша"))[-1]
    await citizen.press(menu, says("menu-specialist", "kk"))
    await citizen.say("Сәлеметсіз бе, сұрағым бар")
    copied = await telegram.wait_for(lambda c: c.method == "copyMessage", timeout=10)
    return int(copied.params["message_thread_id"])


def media(who: WhatsAppPerson, kind: str) -> list[dict[str, Any]]:
    return [m[kind] for m in who.messages() if m.get("type") == kind]


async def test_forget_deletes_the_files_staff_sent_once_they_are_delivered(
    telegram: FakeTelegram, graph: FakeWhatsApp, on_both: RunningBot
) -> None:
    who = await asks_a_specialist(graph, on_both, "77017770004")
    thread = await topic_of(telegram, "Мне нужна помощь")
    telegram.user(id=STAFF_MEMBER).send_photo(jpeg(11), caption="Образец", chat=STAFF_CHAT,
                                              thread_id=thread)
    await telegram.settled()
    await graph_waits(graph, lambda: bool(media(who, "image")))
    files = on_both.folder / "files"
    stored = [path for path in files.rglob("*") if path.is_file()]
    assert stored  # sealed on disk for the outbox

    shown = await who.say("/forget")
    await pick(who, shown, says("privacy-forget-yes", "ru"))

    assert [path for path in files.rglob("*") if path.is_file()] == []
