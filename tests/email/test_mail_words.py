"""Issue 16, "Done when": every mail a child gets, read in kk, ru and en as it arrives: the
time in both zones where a time is given, the mail's own words where the messenger's would
mislead ("write here"), the language named, no placeholder left over."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from flows.booking import mail_invitation, time_moved
from flows.interview import child_slot_text
from flows.messages import Attachment, OutgoingMessage, Text
from flows.slots import Slot
from handlers.email.compose import compose, compose_reply
from handlers.l10n import LANGUAGES, Localizer
from storage.sessions import says
from tests.email.conftest import NOW, REPLY_TO, SMTP_FROM
from tests.email.test_sender_smtp import plain

L10N = Localizer()
SLOT = Slot.from_key("202611251100")  # 11:00 in Astana, 07:00 in Berlin
ANSWERS = {"body": "astana-edu", "subject": "residence",
           "children": [{"surname": "Смагулов", "first_name": "Арман",
                         "birth_date": "2013-03-10"}]}
ICS = Attachment("МР-2026-00001.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
CODE = "K7Q2M9AB"


def arrived(message: OutgoingMessage, lang: str) -> EmailMessage:
    mail = compose(message, localizer=L10N, language=lang, sender=SMTP_FROM,
                   to="arman.s@gmail.com", reply_to=REPLY_TO, code=CODE,
                   message_id=f"<interview-{CODE}.1@body.kz>", now=NOW,
                   attachments=[message.attachment] if message.attachment else [])
    parsed = message_from_bytes(mail.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def mails(lang: str) -> dict[str, EmailMessage]:
    reminder = {"slot": child_slot_text(SLOT, "berlin")}
    return {name: arrived(message, lang) for name, message in {
        "invitation": mail_invitation(ANSWERS, 0, SLOT, "berlin", ICS),
        "reminder 24 h": OutgoingMessage((Text("reminder-child", {**reminder, "hours": 24}),)),
        "reminder 1 h": OutgoingMessage((Text("reminder-child", {**reminder, "hours": 1}),)),
        "moved": time_moved(ANSWERS, 0, SLOT, "berlin", ICS, by_mail=True),
        "started": OutgoingMessage((Text("session-started"),)),
        "specialist": says("specialist", "Привет, Арман!"),
        "ended": OutgoingMessage((Text("session-ended-child"),)),
    }.items()}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_mail_reads_whole_in_the_childs_language(lang: str) -> None:
    berlin = L10N.render(Text("city-berlin"), lang)
    for name, mail in mails(lang).items():
        text, subject = plain(mail), str(mail["Subject"])
        for words in (text, subject):
            assert "{" not in words and "}" not in words, name
        assert CODE in subject and mail["Content-Language"] == lang, name
        assert L10N.render(Text("email-footer"), lang) in text, name
    both = [mail for name, mail in mails(lang).items() if name in ("invitation", "moved")]
    for mail in both:  # his own time first, then the body's
        text = plain(mail)
        assert text.index("07:00") < text.index("11:00") and berlin in text
        assert [part.get_filename() for part in mail.iter_attachments()] == [ICS.filename]
    for name in ("reminder 24 h", "reminder 1 h"):
        assert "07:00" in plain(mails(lang)[name]) and berlin in plain(mails(lang)[name])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_in_a_mail_the_child_is_told_to_reply_not_to_write_here(lang: str) -> None:
    got = mails(lang)
    for name, key in (("started", "session-started"), ("ended", "session-ended-child")):
        text = plain(got[name])
        assert L10N.render(Text(f"email-{key}"), lang) in text
        assert L10N.render(Text(key), lang) not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_answer_to_a_late_mail_is_one_marked_automatic_reply(lang: str) -> None:
    answer = L10N.render(Text("email-reply-not-open"), lang)
    mail = compose_reply(answer, sender=SMTP_FROM, to="arman.s@gmail.com", reply_to=REPLY_TO,
                         code=CODE, subject_line="Re: x", in_reply_to="<reply-1@example.de>",
                         message_id="<interview-K7Q2M9AB.2@body.kz>", now=NOW)
    assert "{" not in plain(mail) and mail["Auto-Submitted"] == "auto-replied"
    assert mail["References"] == f"<interview-{CODE}@body.kz> <reply-1@example.de>"
