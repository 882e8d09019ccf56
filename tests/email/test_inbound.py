"""A child's mail read like a person would: the new words, whatever the client, charset or
quoting style; the session it belongs to; and no exception for any mail at all."""

from __future__ import annotations

import random

import pytest

from handlers.email.inbound import InboundMail, parse_mail
from tests.email.conftest import REPLY_TO, child_mail

ANSWER = "Сәлеметсіз бе! Мен қатысамын. Анаммен бірге боламын."
RUSSIAN = "Здравствуйте! Я хочу остаться жить с бабушкой."


def raw(headers: str, body: bytes) -> bytes:
    return headers.strip().replace("\n", "\r\n").encode() + b"\r\n\r\n" + body


def read(data: bytes, *, recipients: tuple[str, ...] = ("interview+K7Q2M9@body.kz",),
         envelope_from: str | None = "aigerim.k@example.de") -> InboundMail:
    return parse_mail(data, reply_to=REPLY_TO, recipients=recipients,
                      envelope_from=envelope_from)


def test_a_windows_1251_reply_loses_its_quote_and_signature() -> None:
    body = (f"{RUSSIAN}\n\n"
            "23.11.2026 10:00, Специалист пишет:\n"
            "> Беседа со специалистом органа опеки\n> Когда тебе удобно?\n\n"
            "-- \nАйгерим, 7Б класс\n").encode("cp1251")
    mail = read(raw("""
From: =?windows-1251?b?wOnj5fDo7A==?= <Aigerim.K@Example.DE>
To: interview+k7q2m9@body.kz
Subject: Re: test
Message-ID: <abc@example.de>
Content-Type: text/plain; charset=windows-1251
Content-Transfer-Encoding: 8bit
""", body))

    assert mail.text == RUSSIAN
    assert (mail.sender, mail.code) == ("aigerim.k@example.de", "K7Q2M9")
    assert mail.message_id == "<abc@example.de>" and not mail.automatic


@pytest.mark.parametrize("charset", ["koi8-r", "cp1251"])
def test_a_mail_without_a_charset_label_is_still_read(charset: str) -> None:
    mail = read(raw("""
From: a@example.de
To: interview+K7Q2M9@body.kz
Content-Type: text/plain
Content-Transfer-Encoding: 8bit
""", RUSSIAN.encode(charset)))
    assert mail.text == RUSSIAN


def test_a_koi8_r_labelled_mail_is_read() -> None:
    data = child_mail(RUSSIAN, charset="koi8-r").as_bytes()
    assert read(data).text == RUSSIAN


def test_an_unknown_charset_label_falls_back_to_guessing() -> None:
    mail = read(raw("""
From: a@example.de
Content-Type: text/plain; charset=x-unknown-2000
""", ANSWER.encode("utf-8")))
    assert mail.text == ANSWER


def test_an_html_only_mail_yields_its_text_without_the_quoted_part() -> None:
    html = ("<html><head><style>p{color:red}</style></head><body>"
            "<p>Hello!</p><p>I want to live with my <b>grandmother</b> &amp; my cat.</p>"
            "<div class='gmail_quote'><div>On Mon, 23 Nov 2026 at 10:00, Specialist "
            "&lt;interview+K7Q2M9@body.kz&gt; wrote:</div>"
            "<blockquote>Which city do you want to live in?</blockquote></div>"
            "</body></html>")
    mail = read(child_mail("", html=html).as_bytes())
    assert mail.text == "Hello!\n\nI want to live with my grandmother & my cat."


def test_an_empty_plain_part_gives_way_to_the_html_one() -> None:
    mail = read(child_mail(" \n", html="<p>Иә, қатысамын</p>").as_bytes())
    assert mail.text == "Иә, қатысамын"


def test_an_empty_body_is_an_empty_text() -> None:
    mail = read(raw("From: a@example.de\nTo: interview+K7Q2M9@body.kz\nSubject: hi", b""))
    assert mail.text == "" and mail.problem == "" and mail.code == "K7Q2M9"


def test_attachments_are_named_never_read() -> None:
    mail = child_mail("Суретімді жіберемін.")
    mail.add_attachment(b"\x89PNG" + b"\0" * 100, maintype="image", subtype="png",
                        filename="менің сурет.png")
    mail.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf",
                        filename="diary.pdf")
    parsed = read(mail.as_bytes())
    assert parsed.text == "Суретімді жіберемін."
    assert parsed.attachments == ("менің сурет.png", "diary.pdf")


@pytest.mark.parametrize("history", [
    # Gmail in English, its attribution wrapped over two lines.
    "On Mon, 23 Nov 2026 at 10:00, Specialist <\ninterview+K7Q2M9@body.kz> wrote:\n> Hi",
    # Gmail in Russian / Yandex: a date and the address, then a colon.
    "пн, 23 нояб. 2026 г. в 10:00, Специалист <interview+K7Q2M9@body.kz>:\n> Привет",
    "23.11.2026, 10:00, \"Специалист\" <interview+K7Q2M9@body.kz>:\nПривет",
    # Thunderbird and Mail.ru in Russian and Kazakh.
    "Специалист написал(а):\n> Привет",
    "23.11.2026 10:00 Маман жазды:\n> Сәлем",
    # Outlook.
    "-----Original Message-----\nFrom: Specialist\nSent: Monday\nПривет",
    "________________________________\nОт: Специалист <interview@body.kz>\n"
    "Отправлено: 23 ноября 2026 г. 10:00\nТема: Беседа",
    # A signature and a phone's footer.
    "-- \nAigerim",
    "Отправлено с iPhone",
])
def test_quoted_history_in_every_common_style_is_stripped(history: str) -> None:
    assert read(child_mail(f"{ANSWER}\n\n{history}\n").as_bytes()).text == ANSWER


def test_the_childs_own_lines_that_look_alike_are_kept() -> None:
    text = ("Мне 12 лет, мой адрес для писем aigerim@example.de.\n"
            "Вопрос: когда будет решение?\nВ 10:00 мне удобно.")
    assert read(child_mail(text).as_bytes()).text == text


@pytest.mark.parametrize("text", [
    # The child's own lines ending in "wrote:": no ">" lines after them, no date, no address;
    # what follows is the child's, not quoted history.
    "Әкем маған хат жазды:\nкелесі жазда Берлинге келемін дейді.\nМен өте қуаныштымын.",
    "Папа мне написал:\nприезжай летом.\nЯ очень хочу к нему.",
    "Мама пишет:\n\nскучаю. Я тоже скучаю.",
    "On Monday dad wrote:\ncome in summer. I want to.",
    "Я хочу к папе.\nОн написал:",  # even as the last line: nothing quoted follows
], ids=["kk", "ru", "ru-blank-line", "en", "ru-last-line"])
def test_a_childs_own_line_ending_in_wrote_keeps_what_follows(text: str) -> None:
    assert read(child_mail(text).as_bytes()).text == text


@pytest.mark.parametrize("history", [
    "Специалист пишет:\n\n> Привет",  # no date: the ">" lines make it an attribution
    "Маман жазды:\n> Сәлем",
    "23.11.2026 10:00, Специалист пишет:\nПривет",  # a client's date and time, no ">"
    "Специалист <interview+K7Q2M9@body.kz> написал:\nПривет",  # the sender's address
])
def test_a_wrote_line_as_a_mail_client_writes_it_still_cuts(history: str) -> None:
    assert read(child_mail(f"{ANSWER}\n\n{history}\n").as_bytes()).text == ANSWER


def test_the_code_is_found_in_the_recipient_tag_the_headers_or_the_thread() -> None:
    plain = child_mail("x", to="interview@body.kz")
    assert read(plain.as_bytes(), recipients=("interview@body.kz",)).code is None

    cc = child_mail("x", to="Aigerim <a@example.de>",
                    headers={"Cc": "interview+k7q2m9@body.kz"}).as_bytes()
    assert read(cc, recipients=()).code == "K7Q2M9"

    answered = child_mail("x", to="interview@body.kz", headers={
        "In-Reply-To": "<interview-K7Q2M9.17.abc@body.kz>"}).as_bytes()
    assert read(answered, recipients=("interview@body.kz",)).code == "K7Q2M9"

    forged = child_mail("x", to="interview@body.kz", headers={
        "In-Reply-To": "<interview-K7Q2M9@evil.example>"}).as_bytes()
    assert read(forged, recipients=("interview@body.kz",)).code is None


def test_bounces_and_auto_replies_are_automatic() -> None:
    away = child_mail("I am on holiday", headers={"Auto-Submitted": "auto-replied"})
    assert read(away.as_bytes()).automatic
    assert read(child_mail("x").as_bytes(), envelope_from="<>").automatic
    assert not read(child_mail("x", headers={"Auto-Submitted": "no"}).as_bytes()).automatic


def test_a_delivery_failure_report_names_the_failed_address() -> None:
    report = raw("""
From: Mail Delivery System <MAILER-DAEMON@smtp.body.kz>
To: interview+K7Q2M9@body.kz
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"
""", b"""--B\r
Content-Type: text/plain\r
\r
This is the mail system. Your message could not be delivered.\r
--B\r
Content-Type: message/delivery-status\r
\r
Reporting-MTA: dns; smtp.body.kz\r
\r
Final-Recipient: rfc822; Nobody@Example.DE\r
Action: failed\r
Status: 5.1.1\r
\r
--B--\r
""")
    mail = read(report, envelope_from="<>")
    assert mail.automatic and mail.code == "K7Q2M9"
    assert mail.failed == ("nobody@example.de",)


def test_an_oversized_mail_is_not_even_parsed() -> None:
    mail = parse_mail(b"x" * 2048, reply_to=REPLY_TO, recipients=("interview+K7Q2M9@body.kz",),
                      max_bytes=1024)
    assert mail.problem == "too big" and mail.text == "" and mail.code == "K7Q2M9"


def test_a_very_long_text_is_cut() -> None:
    text = read(child_mail("слово " * 5000).as_bytes()).text
    assert len(text) <= 10_000 and text.endswith("…")


def test_no_mail_at_all_raises() -> None:
    rng = random.Random(16)
    samples = [b"", b"\r\n\r\n", b"\xff\xfe\x00garbage", b"Content-Type: multipart/mixed\r\n\r\n",
               raw("Content-Type: multipart/mixed; boundary=x\nFrom: <<<@@@>>>",
                   b"--x\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!notbase64"),
               raw("Content-Type: text/html; charset=utf-8", b"<p><b>unclosed <script>x")]
    samples += [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 400)))
                for _ in range(200)]
    for data in samples:
        mail = read(data)
        assert isinstance(mail.text, str)
