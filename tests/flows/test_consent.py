"""Consent is recorded when the person taps "I consent", in the words and language they
were shown; the record travels with the draft and reaches storage only on submission."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flows.common import CONSENT_RECORD, consent_version
from flows.engine import Engine, Ports
from flows.messages import Text
from flows.visit import VISIT
from tests.flows.chat import Chat
from tests.flows.conftest import NOW
from tests.flows.test_visit_flow import fill_to_summary


def words(text: Text, language: str) -> str:
    """A transport's rendering, as plain as can be: the language and the message id."""
    return f"{language}:{text.key}"


def consent_line(chat: Chat) -> Text:
    """The value of the summary's consent line."""
    (line,) = [part for message in chat.replies[-1].messages for part in message.parts
               if part.key == "summary-line"
               and part.args["label"] == Text("section-consent")]
    shown = line.args["value"]
    assert isinstance(shown, tuple) and len(shown) == 1
    return shown[0]


def submitted(ports: Ports) -> dict[str, Any]:
    (entry,) = ports.applications.submitted.values()  # type: ignore[attr-defined]
    answers: dict[str, Any] = entry["answers"]
    return answers


async def test_the_record_keeps_the_language_and_moment_of_the_tap(ports: Ports) -> None:
    now = [NOW]
    chat = Chat(Engine(ports, [VISIT], clock=lambda: now[0], render=words))
    await fill_to_summary(chat)  # in Kazakh, "I consent" at NOW
    assert consent_line(chat) == Text("consent-given", {
        "at": NOW, "version": consent_version("kk:ask-consent\n\nkk:consent-yes", "kk")})
    now[0] = NOW + timedelta(minutes=20)
    await chat.command("language")
    await chat.tap("language-ru")
    await chat.tap("summary-submit")

    record = submitted(ports)[CONSENT_RECORD]
    assert record["text"] == "kk:ask-consent\n\nkk:consent-yes"
    assert record["language"] == "kk"
    assert record["version"] == consent_version(record["text"], "kk")
    assert datetime.fromisoformat(record["at"]) == NOW


async def test_a_draft_consented_to_before_records_were_kept_gets_one_on_submission(
    ports: Ports,
) -> None:
    await fill_to_summary(Chat(Engine(ports, [VISIT], clock=lambda: NOW)))
    later = NOW + timedelta(hours=1)
    upgraded = Chat(Engine(ports, [VISIT], clock=lambda: later, render=words))
    await upgraded.command("start")  # the summary again, as it was
    assert consent_line(upgraded) == Text("summary-consent")
    await upgraded.tap("summary-submit")

    record = submitted(ports)[CONSENT_RECORD]
    assert (record["text"], record["language"]) == ("kk:ask-consent\n\nkk:consent-yes", "kk")
    assert datetime.fromisoformat(record["at"]) == later
