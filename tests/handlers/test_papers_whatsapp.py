"""Issue 11 on WhatsApp: the application's PDF arrives as a document message, and the
citizen finds it again under My applications."""

from __future__ import annotations

from typing import Any

from pypdf import PdfReader

from tests.fakes.whatsapp_api import FakeWhatsApp
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_whatsapp import (
    NUMBER,
    fill_to_summary,
    graph_waits,
    person,
    pick,
    texts,
)

APPLICATION = f"{NUMBER}-application-appendix-1.pdf"


def documents(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m["document"] for m in messages if m.get("type") == "document"]


async def test_a_whatsapp_parent_gets_the_application_as_a_pdf_and_again_on_request(
    graph: FakeWhatsApp, on_whatsapp: RunningBot, tmp_path: Any
) -> None:
    who = person(graph, on_whatsapp)
    summary = await fill_to_summary(who, "ru")
    await pick(who, summary, says("summary-submit", "ru"))
    await on_whatsapp.settle()
    await graph_waits(graph, lambda: bool(documents(graph.sent(who.user.wa_id))))
    (sent,) = documents(graph.sent(who.user.wa_id))
    assert sent["filename"] == APPLICATION
    pdf = tmp_path / "sent.pdf"
    pdf.write_bytes(graph.media_bytes(sent["id"]))
    assert NUMBER in "".join(page.extract_text() for page in PdfReader(pdf).pages)

    shown = await who.say("/start")
    shown = await pick(who, shown, says("menu-my-applications", "ru"))
    shown = await pick(who, shown, says("apps-open", "ru", number=NUMBER))
    shown = await pick(who, shown, says("apps-papers", "ru"))
    assert [d["filename"] for d in documents(shown)] == [APPLICATION]
    assert says("apps-papers-sent", "ru", number=NUMBER, count=1) in texts(shown)
    graph.assert_no_rejections()
