"""Probe: the complaint and objection/addition flows on WhatsApp."""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.whatsapp_api import FakeWhatsApp
from tests.handlers.conftest import RunningBot
from tests.handlers.lingo import says
from tests.handlers.test_whatsapp import NUMBER, fill_to_summary, person, pick, texts


def dump(label: str, shown: list[dict[str, Any]]) -> None:
    with open("/tmp/probe/dump.txt", "a") as f:
        f.write(f"===== {label}\n{json.dumps(shown, ensure_ascii=False, indent=1)}\n")


async def applied(who: Any, lang: str) -> list[dict[str, Any]]:
    summary = await fill_to_summary(who, lang)
    await pick(who, summary, says("summary-submit", lang))
    shown = await who.say("/start")
    shown = await pick(who, shown, says("menu-my-applications", lang))
    return await pick(who, shown, says("apps-open", lang, number=NUMBER))


async def test_explore(graph: FakeWhatsApp, on_whatsapp: RunningBot) -> None:
    who = person(graph, on_whatsapp)
    detail = await applied(who, "kk")
    dump("detail", detail)
    shown = await pick(who, detail, says("apps-complain", "kk"))
    dump("complain", shown)
    shown = await pick(who, shown, says("complaint-subject-missed-term", "kk"))
    dump("subject", shown)
    shown = await who.say("Құжаттарды мерзімінде тексермеді. " * 3)
    dump("text", shown)
    shown = await pick(who, shown, says("files-none", "kk"))
    dump("files", shown)
    shown = await pick(who, shown, says("complaint-addressee-head", "kk"))
    dump("addressee", shown)
    shown = await pick(who, shown, says("complaint-summary-submit", "kk"))
    dump("submit", shown)
    assert False
