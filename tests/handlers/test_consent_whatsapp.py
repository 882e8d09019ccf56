"""Issue 10, item 4 on WhatsApp: the consent is kept exactly as WhatsApp showed it."""

from __future__ import annotations

from sqlalchemy import select

from flows.common import consent_version
from storage.db import sessions
from storage.models import Consent
from tests.fakes.whatsapp_api import FakeWhatsApp
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_whatsapp import fill_to_summary, options, person, pick, texts


async def test_a_parent_on_whatsapp_submits_with_the_consent_as_shown(
    graph: FakeWhatsApp, on_whatsapp: RunningBot
) -> None:
    who = person(graph, on_whatsapp)
    summary = await fill_to_summary(who, "ru")
    await pick(who, summary, says("summary-submit", "ru"))

    assert on_whatsapp.app is not None
    async with sessions(on_whatsapp.app.db)() as session:
        (consent,) = (await session.scalars(select(Consent))).all()
    statement, tapped = consent.text.split("\n\n")
    (question,) = [m for m in graph.sent() if statement in texts([m])]
    assert statement == says("ask-consent", "ru")
    assert tapped == says("consent-yes", "ru") and tapped in options([question])
    assert (consent.language, consent.version) == ("ru", consent_version(consent.text, "ru"))
