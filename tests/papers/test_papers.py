"""The papers as a person reads them: the text a PDF reader extracts holds every element of
the form, in Kazakh and in Russian (and, for English readers, the Russian original followed
by a marked courtesy translation); the pages are not blank, the QR code carries the link,
nothing runs off the page, and the same facts give the same bytes."""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pypdfium2  # type: ignore[import-untyped]
import pytest
import segno

import papers
from flows.paper import APPLICATION, KINDS, PaperFacts
from tests.papers.samples import INTERVIEW_ANSWERS, URL, VISIT_ANSWERS, facts

MAX_BYTES = 300 * 1024
ROOT = Path(__file__).resolve().parents[2]


def pages_text(data: bytes) -> list[str]:
    """Each page's text, its whitespace (line breaks, justification, no-break spaces) as
    single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


def text_of(data: bytes) -> str:
    return " ".join(pages_text(data))


def has_all(text: str, *parts: str) -> None:
    missing = [part for part in parts if re.sub(r"\s+", " ", part) not in text]
    assert not missing, f"missing {missing} in:\n{text}"


# Every paper carries its number, date, issuing body and verification link.
BODY = {"kk": "Қостанай облысы әкімдігі білім басқармасының Рудный қаласы білім бөлімі",
        "ru": "Отдел образования города Рудного Управления образования акимата Костанайской "
              "области"}
ASTANA = {"kk": "Астана қаласының білім басқармасы", "ru": "Управление образования города Астаны"}
VISIT_NAME = {
    "kk": "Балаға кері әсер етпейтін ата-ана құқықтарынан айырылған ата-аналарға баламен "
          "кездесуіне рұқсат беру",
    "ru": "Выдача разрешения на свидание с ребенком родителям, лишенным родительских прав, "
          "не оказывающим на ребенка негативного влияния",
}
INTERVIEW_NAME = {
    "kk": "Он жасқа толған баланың пікірін ескеру туралы қорғаншылық және қамқоршылық "
          "органының шешімін беру",
    "ru": "Выдача решения органа опеки и попечительства об учете мнения ребенка, достигшего "
          "десятилетнего возраста",
}


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_paper_carries_its_number_date_body_and_link(kind: str, lang: str) -> None:
    paper = facts(kind)
    text = text_of(papers.render(paper, lang))
    body = ASTANA[lang] if paper.application.service == "interview" else BODY[lang]
    has_all(text, paper.registry_number, paper.issued_on.strftime("%d.%m.%Y"), body, URL)
    assert "paper-" not in text and "None" not in text and "null" not in text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_application_follows_appendix_1(lang: str) -> None:
    text = text_of(papers.render(facts(APPLICATION), lang))
    words = {
        "kk": ("«Балаға кері әсер етпейтін ата-ана құқықтарынан айырылған ата-аналарға баламен "
               "кездесуіне рұқсат беру» мемлекеттік қызметті көрсету қағидаларына 1-қосымша",
               "Нысан", f"{BODY['kk']} басшысына", "Өтініш беруші: Иванова Айгүл",
               "ЖСН: 871008401427", "Мекенжайы: Рудный, Ленина 1", "Телефоны: +77011234567",
               "ӨТІНІШ",
               "Сізден патронаттық тәрбиедегі төменде аталған баламен (балалармен) 01.12.2026 "
               "бастап 31.12.2026 дейінгі аралықта кездесуге рұқсат беруіңізді сұраймын",
               "1) Иванов Нұрлан, туған күні 05.09.2015",
               "2) Иванова Алёна Сергеевна, туған күні 14.02.2017",
               "Ақпараттық жүйелердегі «Дербес деректер және оларды қорғау туралы» Қазақстан "
               "Республикасының Заңымен қорғалатын құпия мәліметтерді пайдалануға келісім "
               "беремін.",
               "Күні: 20.11.2026", "Өтініш берушінің қолы", "мессенджерде растады",
               "арна: Telegram", "есептік жазба: @aigul_iv",
               "растау уақыты: 20.11.2026 19:10 (Астана уақытымен)",
               "телефон нөмірі расталды"),
        "ru": ("Приложение 1 к Правилам оказания государственной услуги «Выдача разрешения на "
               "свидание с ребенком родителям, лишенным родительских прав, не оказывающим на "
               "ребенка негативного влияния»", "Форма",
               f"Руководителю органа опеки и попечительства — {BODY['ru']}",
               "от Иванова Айгүл", "ИИН: 871008401427", "Адрес: Рудный, Ленина 1",
               "Телефон: +77011234567", "ЗАЯВЛЕНИЕ",
               "Прошу Вас разрешить мне свидание с ребенком (детьми), находящимся "
               "(находящимися) на патронатном воспитании, в период с 01.12.2026 по 31.12.2026",
               "1) Иванов Нұрлан, дата рождения 05.09.2015",
               "2) Иванова Алёна Сергеевна, дата рождения 14.02.2017",
               "Согласен(а) на использование сведений, составляющих охраняемую Законом "
               "Республики Казахстан «О персональных данных и их защите» тайну, содержащихся в "
               "информационных системах.",
               "Дата: 20.11.2026", "Подпись заявителя", "подтверждено заявителем в мессенджере",
               "канал: Telegram", "учетная запись: @aigul_iv",
               "время подтверждения: 20.11.2026 19:10 (время Астаны)",
               "номер телефона подтвержден"),
    }
    has_all(text, *words[lang])


def test_an_unverified_phone_and_a_whatsapp_account_are_said_so() -> None:
    paper = facts(APPLICATION)
    assert paper.confirmation is not None
    paper = replace(paper, confirmation=replace(paper.confirmation, channel="whatsapp",
                                                account="+7 701 *** ** 67",
                                                phone_verified=False))
    has_all(text_of(papers.render(paper, "ru")), "канал: WhatsApp",
            "учетная запись: +7 701 *** ** 67",
            "номер телефона не подтвержден: введен заявителем вручную")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_service_2_application_asks_for_the_service_by_its_name(lang: str) -> None:
    text = text_of(papers.render(facts(APPLICATION, service="interview"), lang))
    words = {
        "kk": (f"{ASTANA['kk']} басшысына", f"«{INTERVIEW_NAME['kk']}» мемлекеттік қызметін "
               "көрсетуіңізді сұраймын", "Өтініш берушінің балаға қатысы: Ата-ана",
               "1) Смагулов Арман, туған күні 10.03.2013",
               "Шешім қабылданатын мәселе: Баланың тұратын жері.",
               "Баланың тұратын немесе оқитын жері: Қазақстанда"),
        "ru": (f"Руководителю органа опеки и попечительства — {ASTANA['ru']}",
               f"Прошу оказать государственную услугу «{INTERVIEW_NAME['ru']}».",
               "Кем заявитель приходится ребенку: Родитель",
               "1) Смагулов Арман, дата рождения 10.03.2013",
               "Вопрос, по которому принимается решение: Место жительства ребенка. С кем из "
               "родителей будет жить ребенок", "Где живет или учится ребенок: В Казахстане"),
    }
    has_all(text, *words[lang])
    assert "Приложение 1" not in text and "1-қосымша" not in text  # no form of its own


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_receipt_follows_appendix_3_with_the_provider_as_issuer(lang: str) -> None:
    text = text_of(papers.render(facts("receipt-appendix-3"), lang))
    words = {
        "kk": ("3-қосымшасының үлгісі бойынша", "Құжаттарды қабылдаудан бас тарту туралы ҚОЛХАТ",
               "«Мемлекеттік көрсетілетін қызметтер туралы» Қазақстан Республикасы Заңының "
               "20-бабының 2-тармағын басшылыққа алып",
               f"{BODY['kk']} (Қостанай облысы, Рудный қаласы)",
               f"«{VISIT_NAME['kk']}» мемлекеттік қызмет көрсетуге құжаттарды қабылдаудан бас "
               "тартады", "1) сот шешімінің көшірмесі — жоқ",
               "2) жеке басын куәландыратын құжат — қолданылу мерзімі өтіп кеткен",
               "Көрсетілетін қызметті берушінің ескертпесі: Копия решения суда не заверена",
               "лауазымы): Жанар Әбенова, главный специалист отдела опеки",
               "Қабылдаушы (көрсетілетін қызметті алушы): Иванова Айгүл", "Күні: 25.11.2026"),
        "ru": ("По образцу приложения 3", "РАСПИСКА об отказе в приеме документов",
               "Руководствуясь пунктом 2 статьи 20 Закона Республики Казахстан «О "
               "государственных услугах»", f"{BODY['ru']} (Костанайская область, г. Рудный)",
               f"отказывает в приеме документов на оказание государственной услуги "
               f"«{VISIT_NAME['ru']}»", "1) копия решения суда — отсутствует",
               "2) документ, удостоверяющий личность — истек срок действия",
               "Замечание услугодателя: Копия решения суда не заверена",
               "должность): Жанар Әбенова, главный специалист отдела опеки",
               "Получатель (услугополучатель): Иванова Айгүл", "Дата: 25.11.2026"),
    }
    has_all(text, *words[lang])


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_permission_follows_appendix_4(lang: str) -> None:
    text = text_of(papers.render(facts("permission-appendix-4"), lang))
    words = {
        "kk": ("4-қосымша", "Нысан", "Кімге: Иванова Айгүл", "Мекенжайы: Рудный, Ленина 1",
               "Балаға кері әсер етпейтін ата-ана құқықтарынан айырылған ата-аналарға баламен "
               "(балалармен) кездесуге РҰҚСАТ",
               f"{BODY['kk']} 05.12.2026 бастап 31.01.2027 дейінгі кезеңде баламен (балалармен) "
               "кездесуге рұқсат береді", "1) Иванов Нұрлан, туған күні 05.09.2015",
               "2) Иванова Алёна Сергеевна, туған күні 14.02.2017",
               "Баланың (балалардың) тұратын жері: Патронаттық тәрбиеде", "Күні: 25.11.2026",
               "Главный специалист отдела опеки Жанар Әбенова"),
        "ru": ("Приложение 4", "Форма", "Кому: Иванова Айгүл", "Адрес: Рудный, Ленина 1",
               "РАЗРЕШЕНИЕ на свидание с ребенком (детьми) родителям, лишенным родительских "
               "прав, не оказывающим на ребенка негативного влияния",
               f"{BODY['ru']} разрешает свидание с ребенком (детьми) в период с 05.12.2026 по "
               "31.01.2027", "1) Иванов Нұрлан, дата рождения 05.09.2015",
               "2) Иванова Алёна Сергеевна, дата рождения 14.02.2017",
               "Где находится ребенок (дети): На патронатном воспитании", "Дата: 25.11.2026",
               "Главный специалист отдела опеки Жанар Әбенова"),
    }
    has_all(text, *words[lang])


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_preliminary_refusal_gives_grounds_hearing_and_how_to_answer(lang: str) -> None:
    text = text_of(papers.render(facts("preliminary-refusal-and-hearing-notice"), lang))
    words = {
        "kk": ("Мемлекеттік қызметті көрсетуден бас тарту туралы АЛДЫН АЛА ШЕШІМ",
               "тыңдау туралы ХАБАРЛАМА", "Әкімшілік рәсімдік-процестік кодексінің",
               "73-бабына", "1) ата-ананың балаға кері әсер етуі",
               "2) өтініш беруші ұсынған құжаттардың",
               "Негіздердің түсіндірмесі: Сведения о месте жительства не подтверждены",
               "Тыңдаудың күні мен уақыты: 27.11.2026, сағат 15:00 (Астана уақытымен)",
               "Тыңдау өтетін орын: г. Рудный, ул. Ленина, 64, кабинет 12",
               "чатта: «Менің өтініштерім» → № ВП-2026-00042 → «Қарсылық жіберу»",
               "жеке өзіңіз", "ҚР ӘПК-нің 74-бабына", "30.11.2026 күнінен кешіктірмей",
               "Күні: 25.11.2026", "Жанар Әбенова"),
        "ru": ("ПРЕДВАРИТЕЛЬНОЕ РЕШЕНИЕ об отказе в оказании государственной услуги",
               "УВЕДОМЛЕНИЕ о заслушивании",
               "статьей 73 Административного процедурно-процессуального кодекса Республики "
               "Казахстан", "1) негативное влияние родителя на ребенка",
               "2) установление недостоверности документов",
               "Пояснение оснований: Сведения о месте жительства не подтверждены",
               "Дата и время заслушивания: 27.11.2026, 15:00 (время Астаны)",
               "Место заслушивания: г. Рудный, ул. Ленина, 64, кабинет 12",
               "в чате: «Мои заявления» → № ВП-2026-00042 → «Направить возражения»",
               "лично — на заслушивании", "статьей 74 АППК", "не позднее 30.11.2026",
               "Дата: 25.11.2026", "Жанар Әбенова"),
    }
    has_all(text, *words[lang])


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_reasoned_refusal_says_how_and_where_to_complain(lang: str) -> None:
    text = text_of(papers.render(facts("reasoned-refusal"), lang))
    words = {
        "kk": ("Мемлекеттік қызметті көрсетуден ДӘЛЕЛДІ БАС ТАРТУ",
               "1) ата-ананың балаға кері әсер етуі",
               "Бас тартудың себептері: Заключение психолога",
               "Шағымдану тәртібі", f"басшысының ({BODY['kk']}) атына",
               "5 жұмыс күні ішінде қаралады",
               "мемлекеттік қызмет көрсету сапасын бағалау және бақылау жөніндегі уәкілетті "
               "органға", "15 жұмыс күні ішінде қаралады",
               "3 жұмыс күнінен кешіктірмей оны шағымды қарайтын органға жібереді",
               "сотқа жүгінуге", "Күні: 25.11.2026", "Жанар Әбенова"),
        "ru": ("МОТИВИРОВАННЫЙ ОТКАЗ в оказании государственной услуги",
               "1) негативное влияние родителя на ребенка",
               "Мотивы отказа: Заключение психолога от 26.11.2026",
               "Порядок обжалования", f"на имя руководителя услугодателя ({BODY['ru']})",
               "в течение 5 рабочих дней",
               "в уполномоченный орган по оценке и контролю за качеством оказания "
               "государственных услуг", "в течение 15 рабочих дней",
               "не позднее 3 рабочих дней со дня поступления жалобы направляет ее в орган, "
               "рассматривающий жалобу", "обращение в суд", "Дата: 25.11.2026",
               "Жанар Әбенова"),
    }
    has_all(text, *words[lang])
    # Only the grounds cited in the refusal, not every ground of the hearing.
    assert ("недостоверности" if lang == "ru" else "анық еместігін") not in text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_interview_record_has_participants_roles_and_every_message_timed(
    lang: str,
) -> None:
    text = text_of(papers.render(facts("conversation-record"), lang))
    words = {
        "kk": ("Баламен әңгімелесу ХАТТАМАСЫ", f"«{INTERVIEW_NAME['kk']}»",
               "25.11.2026, 10:00 – 10:09 (Астана уақытымен)",
               "Жанар Әбенова — қорғаншылық және қамқоршылық органының маманы",
               "Смагулова Динара — өтініш беруші (ата-ана)",
               "Смагулов Арман, туған күні 10.03.2013 — бала",
               "қатысуын маман растады: иә",
               "10:00 Маман Здравствуй, Арман!", "10:02 Бала Здравствуйте",
               "10:04 Маман С кем тебе хотелось бы жить?",
               "10:07 Бала С мамой. Мне там ближе до школы, и там мой кот.",
               "10:09 Өтініш беруші Спасибо, мы подтверждаем."),
        "ru": ("ПРОТОКОЛ беседы с ребенком", f"«{INTERVIEW_NAME['ru']}»",
               "25.11.2026, с 10:00 до 10:09 (время Астаны)",
               "Жанар Әбенова — специалист органа опеки и попечительства",
               "Смагулова Динара — заявитель (родитель)",
               "Смагулов Арман, дата рождения 10.03.2013 — ребенок",
               "подтверждено специалистом: да",
               "10:00 Специалист Здравствуй, Арман!", "10:02 Ребенок Здравствуйте",
               "10:04 Специалист С кем тебе хотелось бы жить?",
               "10:07 Ребенок С мамой. Мне там ближе до школы, и там мой кот.",
               "10:09 Заявитель Спасибо, мы подтверждаем."),
    }
    has_all(text, *words[lang])


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_decision_on_the_childs_opinion(lang: str) -> None:
    text = text_of(papers.render(facts("decision-on-the-childs-opinion"), lang))
    words = {
        "kk": ("Он жасқа толған баланың пікірін ескеру туралы қорғаншылық және қамқоршылық "
               "органының ШЕШІМІ", "№ МР-2026-00042 өтініш", f"«{INTERVIEW_NAME['kk']}»",
               "1) Смагулов Арман, туған күні 10.03.2013",
               "Шешім қабылданатын мәселе: Баланың тұратын жері. С кем из родителей",
               "Шешім: Учесть мнение ребенка: ребенок желает проживать с матерью.",
               "Өтініш беруші: Смагулова Динара (ата-ана)", "Күні: 25.11.2026"),
        "ru": ("РЕШЕНИЕ органа опеки и попечительства об учете мнения ребенка, достигшего "
               "десятилетнего возраста", "По заявлению № МР-2026-00042 от 23.11.2026",
               f"«{INTERVIEW_NAME['ru']}»", "1) Смагулов Арман, дата рождения 10.03.2013",
               "Вопрос, по которому принимается решение: Место жительства ребенка. С кем из "
               "родителей будет жить ребенок",
               "Решение: Учесть мнение ребенка: ребенок желает проживать с матерью.",
               "Заявитель: Смагулова Динара (родитель)", "Дата: 25.11.2026"),
    }
    has_all(text, *words[lang])


@pytest.mark.parametrize("kind", KINDS)
def test_an_english_reader_gets_the_russian_original_then_a_marked_translation(
    kind: str,
) -> None:
    pages = pages_text(papers.render(facts(kind), "en"))
    russian = pages_text(papers.render(facts(kind), "ru"))

    def unnumbered(page: str) -> str:
        return re.sub(r"Стр\. \d+ из \d+", "", page)

    assert [unnumbered(page) for page in pages[:len(russian)]] == \
        [unnumbered(page) for page in russian]
    first = pages[0]
    assert "COURTESY" not in first and "Рег. №" in first
    courtesy = [page for page in pages if "Courtesy translation — not the original." in page]
    assert courtesy and courtesy[0].startswith("COURTESY TRANSLATION This is an English "
                                               "translation made for the reader's convenience")
    assert pages.index(courtesy[0]) >= 1  # after the original, on its own pages
    assert all("Courtesy translation — not the original." in page
               for page in pages[pages.index(courtesy[0]):])
    has_all(" ".join(courtesy), f"Check that it is genuine: {URL}", "Reg. No.")


def test_the_english_courtesy_translation_reads_in_english() -> None:
    text = text_of(papers.render(facts("reasoned-refusal"), "en"))
    has_all(text, "МОТИВИРОВАННЫЙ ОТКАЗ",  # the original first
            "REASONED REFUSAL of the public service", "How to complain",
            "within 5 working days", "within 15 working days", "no later than 3 working days",
            "the parent influences the child negatively")


def test_the_same_facts_give_the_same_bytes_dated_by_the_paper() -> None:
    paper = facts("permission-appendix-4")
    first, again = papers.render(paper, "kk"), papers.render(paper, "kk")
    assert first == again
    later = papers.render(replace(paper, issued_on=date(2026, 11, 26)), "kk")
    assert later != first
    metadata = pypdf.PdfReader(io.BytesIO(first)).metadata
    assert metadata is not None and str(metadata["/CreationDate"]).startswith("D:20261125")


HASH_ONE = """
import hashlib, papers
from tests.papers.samples import facts
print(hashlib.sha256(papers.render(facts("conversation-record"), "en")).hexdigest())
"""


def test_another_process_makes_the_same_bytes() -> None:
    """The issuer stores the hash: a restart (another hash seed) must not change the file."""
    here = hashlib.sha256(papers.render(facts("conversation-record"), "en")).hexdigest()
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", HASH_ONE], capture_output=True,
                              text=True, check=True, cwd=ROOT,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.stdout.strip() == here


def test_a_new_version_says_it_replaces_the_old_one() -> None:
    text = text_of(papers.render(facts("permission-appendix-4", version=2), "ru"))
    has_all(text, "Редакция 2: заменяет ранее выданную редакцию", "редакция 2")


def qr_modules(data: bytes) -> list[list[bool]]:
    """The QR image on page 1, read back module by module (dark = True)."""
    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    (image,) = page.images
    picture = image.image
    assert picture is not None
    gray = picture.convert("L")
    size = len(segno.make(URL, error="m").matrix)
    step = gray.width / size
    def dark(x: int, y: int) -> bool:
        value = gray.getpixel((int((x + 0.5) * step), int((y + 0.5) * step)))
        return isinstance(value, int | float) and value < 128

    return [[dark(x, y) for x in range(size)] for y in range(size)]


@pytest.mark.parametrize("kind", KINDS)
def test_the_qr_code_carries_the_verification_link(kind: str) -> None:
    expected = [[bool(cell) for cell in row] for row in segno.make(URL, error="m").matrix]
    assert qr_modules(papers.render(facts(kind), "kk")) == expected


def ink(page: pypdfium2.PdfPage, top: float, bottom: float) -> int:
    """Dark pixels between two heights (fractions of the page, from the top)."""
    picture = page.render(scale=0.5).to_pil().convert("L")
    box = (0, int(picture.height * top), picture.width, int(picture.height * bottom))
    histogram = picture.crop(box).histogram()
    return sum(histogram[:128])


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_page_renders_with_text_and_stays_small(kind: str, lang: str) -> None:
    data = papers.render(facts(kind), lang)
    assert len(data) < MAX_BYTES
    document = pypdfium2.PdfDocument(data)
    try:
        assert len(document) >= 1
        for index in range(len(document)):
            page = document[index]
            assert ink(page, 0.0, 0.85) > 150, f"page {index + 1} has no body"
            assert ink(page, 0.88, 1.0) > 150, f"page {index + 1} has no footer"
    finally:
        document.close()


# ---------------------------------------------------------------------- bad input
LONG_NAME = "Абдрахмановақызы-Сейткалиева" * 3
LONG_ADDRESS = ("Қостанай облысы, Рудный қаласы, Ленин көшесі, 1-үй, 25-пәтер, " * 6
                + "Ыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыыы")


def children(count: int) -> list[dict[str, Any]]:
    return [{"surname": f"Иванов-{n}", "first_name": "Ёлдос", "patronymic": None,
             "birth_date": f"201{n}-0{n + 1}-1{n}"} for n in range(count)]


def characters_within_the_page(data: bytes) -> None:
    """No character of any page lies outside the paper's margins (25 mm left, 15 mm right)."""
    points = 72 / 25.4
    document = pypdfium2.PdfDocument(data)
    try:
        for index in range(len(document)):
            page = document[index]
            width = page.get_width()
            text = page.get_textpage()
            for char in range(text.count_chars()):
                left, _bottom, right, _top = text.get_charbox(char)
                if right > left:  # a glyph with ink
                    assert left >= 25 * points - 1 and right <= width - 15 * points + 1, \
                        f"page {index + 1}: {text.get_text_range(char, 1)!r} at {right:.0f}"
            text.close()
    finally:
        document.close()


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("kind", KINDS)
def test_very_long_names_and_addresses_wrap_inside_the_page(kind: str, lang: str) -> None:
    answers = {**facts(kind).application.answers, "surname": LONG_NAME,
               "address": LONG_ADDRESS, "child_surname": LONG_NAME,
               "children": [{"surname": LONG_NAME, "first_name": "Нұрлан", "patronymic": None,
                             "birth_date": "2015-09-05"}]}
    if facts(kind).application.service == "interview":
        answers.pop("children")
    data = papers.render(facts(kind, answers=answers), lang)
    characters_within_the_page(data)
    assert LONG_NAME[:20] in text_of(data)


@pytest.mark.parametrize("kind", ["permission-appendix-4", APPLICATION])
def test_five_children_fit_each_named_with_birth_date(kind: str) -> None:
    data = papers.render(facts(kind, answers={**VISIT_ANSWERS, "children": children(5)}), "ru")
    text = text_of(data)
    for n in range(5):
        has_all(text, f"{n + 1}) Иванов-{n} Ёлдос, дата рождения 1{n}.0{n + 1}.201{n}")
    characters_within_the_page(data)


def test_latin_names_yo_and_kazakh_letters_print_as_given() -> None:
    kazakh = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
    answers = {**VISIT_ANSWERS, "surname": "Smith", "first_name": "John", "patronymic": None,
               "children": [{"surname": "Ёлкин", "first_name": "Алёна",
                             "patronymic": kazakh, "birth_date": "2015-09-05"}]}
    text = text_of(papers.render(facts("permission-appendix-4", answers=answers), "kk"))
    has_all(text, "Кімге: Smith John", f"Ёлкин Алёна {kazakh}")


@pytest.mark.parametrize("kind", KINDS)
def test_a_missing_patronymic_leaves_no_none_or_null(kind: str) -> None:
    base = facts(kind).application.answers
    answers = {**base, "patronymic": None, "child_patronymic": None}
    if "children" in base:
        answers["children"] = [{**child, "patronymic": None} for child in base["children"]]
    for lang in ("kk", "ru", "en"):
        text = text_of(papers.render(facts(kind, answers=answers), lang))
        assert not re.search(r"\bNone\b|\bnull\b|\{\$|\{[a-z]+\}|paper-", text)


def test_an_emoji_in_a_message_prints_as_a_word_not_a_gap() -> None:
    text = text_of(papers.render(facts("conversation-record"), "ru"))
    assert "Здравствуйте [эмодзи]" in text


def test_the_service_2_children_list_reads_like_the_flat_answers() -> None:
    flat = papers.render(facts("decision-on-the-childs-opinion"), "ru")
    listed_answers = {key: value for key, value in INTERVIEW_ANSWERS.items()
                      if not key.startswith("child_")}
    listed_answers["children"] = [{"surname": "Смагулов", "first_name": "Арман",
                                   "patronymic": None, "birth_date": "2013-03-10"},
                                  {"surname": "Смагулова", "first_name": "Аружан",
                                   "patronymic": None, "birth_date": "2011-07-01"}]
    listed = text_of(papers.render(facts("decision-on-the-childs-opinion",
                                         answers=listed_answers), "ru"))
    has_all(text_of(flat), "1) Смагулов Арман, дата рождения 10.03.2013")
    has_all(listed, "1) Смагулов Арман, дата рождения 10.03.2013",
            "2) Смагулова Аружан, дата рождения 01.07.2011")


def test_every_kind_has_a_layout() -> None:
    from papers.forms import BUILDERS

    assert set(BUILDERS) == set(KINDS)
    with pytest.raises(ValueError):
        PaperFacts("certificate", "X", 1, date(2026, 1, 1), URL, facts(APPLICATION).application)


def test_a_siblings_record_names_only_the_child_who_spoke() -> None:
    """Each sibling has their own conversation, so each has their own record."""
    from dataclasses import replace

    answers = {key: value for key, value in INTERVIEW_ANSWERS.items()
               if not key.startswith("child_")}
    answers["children"] = [
        {"surname": "Смагулов", "first_name": "Арман", "patronymic": None,
         "birth_date": "2013-03-10"},
        {"surname": "Смагулова", "first_name": "Айым", "patronymic": None,
         "birth_date": "2014-06-01"}]
    both = facts("conversation-record", answers=answers)
    second = text_of(papers.render(replace(both, child=1), "ru"))
    assert "Смагулова Айым" in second and "Смагулов Арман" not in second
    assert "Смагулов Арман" in text_of(papers.render(both, "ru"))  # no child named: all
