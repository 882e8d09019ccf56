"""A mail as the child reads it: the words in their language, the reply address with the
session's code, one thread, the .ics attached, and nothing a client cannot show."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

import pytest

from flows.messages import Attachment, Choice, OutgoingMessage, Text
from handlers.email.compose import ReplyAddress, compose
from handlers.l10n import LANGUAGES, Localizer
from tests.clock import MovableClock
from tests.email.conftest import NOW, REPLY_TO, SMTP_FROM

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
# The staff's words as the session relays them, and the footer in each language.
FOOTER_WORDS = {"kk": "Маманға жазу үшін осы хатқа жауап бер",
                "ru": "Чтобы написать специалисту, ответь на это письмо",
                "en": "To write to the specialist, reply to this mail"}
SUBJECT_WORDS = {"kk": "Қорғаншылық және қамқоршылық органының маманымен әңгімелесу",
                 "ru": "Беседа со специалистом органа опеки и попечительства",
                 "en": "Conversation with a specialist of the guardianship and trusteeship body"}


def staff_says(text: str, *, buttons: bool = False) -> OutgoingMessage:
    choices = ((Choice(Text("child-yes"), "cy:1"), Choice(Text("child-no"), "cn:1")),) \
        if buttons else ()
    return OutgoingMessage((Text("staff-reply", {"text": text}),), choices)


def written(message: OutgoingMessage, lang: str, *, code: str | None = "K7Q2M9",
            attachments: tuple[Attachment, ...] = ()) -> EmailMessage:
    mail = compose(message, localizer=Localizer(), language=lang, sender=SMTP_FROM,
                   to="aigerim.k@example.de", reply_to=REPLY_TO, code=code,
                   message_id=REPLY_TO.message_id(code, "17.abc"), now=NOW,
                   attachments=attachments)
    # As the child's client sees it: the bytes on the wire, parsed back.
    parsed = message_from_bytes(mail.as_bytes(policy=policy.SMTP), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def plain_of(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert part is not None and isinstance(part, EmailMessage)
    assert part.get_content_charset() == "utf-8"
    return str(part.get_content()).replace("\r\n", "\n")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_mail_is_in_the_childs_language_without_leftover_placeholders(lang: str) -> None:
    mail = written(staff_says("Сәлем, Айгерім!"), lang)

    text = plain_of(mail)
    assert "Сәлем, Айгерім!" in text
    assert FOOTER_WORDS[lang] in text
    assert "\n-- \n" in text  # the footer stays out of the child's quoted reply
    assert SUBJECT_WORDS[lang] in str(mail["Subject"]) and "K7Q2M9" in str(mail["Subject"])
    assert mail["Content-Language"] == lang
    for words in (text, str(mail["Subject"])):
        assert "{" not in words and "$" not in words


def test_replies_go_to_the_inbound_address_tagged_with_the_sessions_code() -> None:
    mail = written(staff_says("x"), "ru")

    assert mail["Reply-To"] == "interview+K7Q2M9@body.kz"
    assert mail["To"] == "aigerim.k@example.de"
    assert mail["From"].addresses[0].addr_spec == "noreply@body.kz"
    assert mail["From"].addresses[0].display_name == "Қорғаншылық органы"


@pytest.mark.parametrize("body", [
    "Қостанай облысы әкімдігінің білім басқармасы, қорғаншылық және қамқоршылық органы",
    "Отдел образования района Беимбета Майлина управления образования акимата Костанайской "
    "области"])
def test_long_cyrillic_headers_keep_every_space_and_comma(body: str) -> None:
    """Python's own folding loses the space where it splits such a line in two."""
    mail = compose(staff_says("x"), localizer=Localizer(), language="ru",
                   sender=f"{body} <noreply@body.kz>", to="a@example.de", reply_to=REPLY_TO,
                   code="K7Q2M9", message_id="<x@body.kz>", now=NOW)
    parsed = message_from_bytes(mail.as_bytes(policy=policy.SMTP), policy=policy.default)

    assert parsed["From"].addresses[0].display_name == body
    assert parsed["From"].addresses[0].addr_spec == "noreply@body.kz"
    assert str(parsed["Subject"]) == \
        "Беседа со специалистом органа опеки и попечительства (код: K7Q2M9)"


def test_every_mail_of_a_session_names_the_same_thread_root() -> None:
    first = written(staff_says("one"), "en")
    second = compose(staff_says("two"), localizer=Localizer(), language="en",
                     sender=SMTP_FROM, to="aigerim.k@example.de", reply_to=REPLY_TO,
                     code="K7Q2M9", message_id=REPLY_TO.message_id("K7Q2M9", "18.def"),
                     now=NOW)

    for mail in (first, second):
        assert mail["In-Reply-To"] == "<interview-K7Q2M9@body.kz>"
        assert mail["References"] == "<interview-K7Q2M9@body.kz>"
    assert first["Message-ID"] != second["Message-ID"]
    # Each mail's own id names the session too: a reply to it finds its way back.
    assert REPLY_TO.code_in_ids(str(first["Message-ID"])) == "K7Q2M9"


def test_the_date_is_the_injected_clocks() -> None:
    later = MovableClock(NOW)
    mail = compose(staff_says("x"), localizer=Localizer(), language="kk", sender=SMTP_FROM,
                   to="a@example.de", reply_to=REPLY_TO, code="K7Q2M9",
                   message_id="<x@body.kz>", now=later())
    assert abs((parsedate_to_datetime(str(mail["Date"])) - NOW).total_seconds()) < 5


def test_the_calendar_file_travels_as_an_attachment_next_to_the_text() -> None:
    mail = written(staff_says("x"), "kk", attachments=(
        Attachment("ӨП-2026-00001.ics", ICS, "text/calendar"),))

    [part] = list(mail.iter_attachments())
    assert isinstance(part, EmailMessage)
    assert part.get_content_type() == "text/calendar"
    assert part.get_filename() == "ӨП-2026-00001.ics"
    assert part.get_payload(decode=True) == ICS
    assert "Маманға" in plain_of(mail)


def test_buttons_are_not_drawn_in_a_mail() -> None:
    text = plain_of(written(staff_says("Уақыт ыңғайлы ма?", buttons=True), "kk"))
    l10n = Localizer()
    for label in ("child-yes", "child-no"):
        assert l10n.render(Text(label), "kk") not in text


def test_without_a_code_the_mail_goes_unthreaded_to_the_plain_address() -> None:
    mail = written(staff_says("x"), "en", code=None)
    assert mail["Reply-To"] == "interview@body.kz"
    assert mail["In-Reply-To"] is None and mail["References"] is None
    assert "code" not in str(mail["Subject"])


@pytest.mark.parametrize("setting", ["", "interview", "interview+x@body.kz", "a@localhost",
                                     "two words@body.kz"])
def test_a_wrong_reply_to_setting_is_refused_at_start(setting: str) -> None:
    with pytest.raises(ValueError, match="EMAIL_REPLY_TO"):
        ReplyAddress.parse(setting)


def test_the_reply_to_setting_is_read_and_its_tags_recognised() -> None:
    address = ReplyAddress.parse("Interview@Body.KZ")
    assert address == REPLY_TO
    assert address.code_of("INTERVIEW+k7q2m9@body.kz") == "K7Q2M9"
    assert address.code_of("interview@body.kz") is None
    assert address.code_of("other+K7Q2M9@body.kz") is None
    assert address.code_of("interview+K7Q2M9@evil.example") is None
