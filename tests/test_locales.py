"""Every word a person reads is in locales/: parsed cleanly, the same ids in every language,
and every id the code uses exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from fluent.syntax import FluentParser
from fluent.syntax.ast import Junk, Message

from bot.app import COMMANDS
from flows.grounds import load_grounds
from flows.menu import status_id
from flows.messages import Text
from flows.ports import STATUSES
from flows.service import Checklist
from flows.services import SERVICES
from flows.visit import CATALOGUE, RESIDENCES
from handlers.l10n import LANGUAGES, LOCALES_DIR, Localizer

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("flows", "handlers", "bot")
ID_RE = re.compile(r"^[a-z]+(-[a-z0-9]+)+$")


def message_ids(path: Path) -> set[str]:
    resource = FluentParser().parse(path.read_text(encoding="utf-8"))
    junk = [entry.content for entry in resource.body if isinstance(entry, Junk)]
    assert not junk, f"{path}: unparsable entries {junk}"
    return {entry.id.name for entry in resource.body if isinstance(entry, Message)}


def all_ids(lang: str) -> set[str]:
    return set().union(*(message_ids(p) for p in (LOCALES_DIR / lang).glob("*.ftl")))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_id_is_defined_in_two_files(lang: str) -> None:
    """The loader reads every file: a second definition would silently win or lose."""
    seen: dict[str, str] = {}
    for path in sorted((LOCALES_DIR / lang).glob("*.ftl")):
        for name in message_ids(path):
            assert name not in seen, f"{lang}: {name} in {seen.get(name)} and {path.name}"
            seen[name] = path.name


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_file_parses_and_matches_kazakh(lang: str) -> None:
    for kk_file in (LOCALES_DIR / "kk").glob("*.ftl"):
        other = LOCALES_DIR / lang / kk_file.name
        assert other.exists(), f"{other} is missing"
        missing = message_ids(kk_file) ^ message_ids(other)
        assert not missing, f"{lang}/{kk_file.name} differs from kk in: {sorted(missing)}"


def literal_ids() -> set[str]:
    """String literals in the code that look like our message ids (area prefix + kebab)."""
    prefixes = {name.split("-")[0] for name in all_ids("en")}
    found: set[str] = set()
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    value = node.value
                    if ID_RE.match(value) and value.split("-")[0] in prefixes:
                        found.add(value)
    return found


def composed_ids() -> set[str]:
    """Ids the code builds from data: catalogue, residences, statuses, services, commands."""
    ids = {f"region-{region.code}" for region in CATALOGUE.regions}
    for body in CATALOGUE.bodies():
        ids |= {f"body-{body.code}", f"body-{body.code}-short", f"body-{body.code}-address"}
    ids |= {f"residence-{code}{end}" for code in RESIDENCES for end in ("", "-short")}
    ids |= {status_id(status, code) for status in STATUSES for code in ("", *SERVICES)}
    ids |= {f"service-{code}" for code in SERVICES}
    ids |= {f"command-{name}" for name in COMMANDS}
    ids |= {f"language-{lang}" for lang in LANGUAGES}
    return ids | procedure_ids()


def procedure_ids() -> set[str]:
    """Ids each service's declaration builds: documents, grounds, its steps and inputs."""
    ids = {f"ground-{ground.code}" for ground in load_grounds("visit")}
    for service in SERVICES.values():
        ids |= {f"{prefix}-{d.code}" for d in service.documents
                for prefix in ("document", "ask-document")}
        ids.add(service.submitted_message)
        for step in service.procedure:
            ids.add(f"staff-action-{step.action}")
            for given in step.inputs:
                ids.add(given.prompt)
                if isinstance(given, Checklist):
                    ids |= {f"staff-tick-{mark}" for mark in (*given.marks, "none")}
                    if step.second is None or step.second.optional:
                        ids.add(f"staff-confirm-{step.action}")
                elif given.offer is not None:
                    ids.add(given.other)
    return ids


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_id_the_code_uses_exists(lang: str) -> None:
    used = literal_ids() | composed_ids()
    assert len(used) > 100  # the scan really found the code's ids
    missing = used - all_ids(lang)
    assert not missing, f"{lang} lacks {sorted(missing)}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_bidi_isolation_marks_reach_a_chat(lang: str) -> None:
    text = Localizer().render(Text("flow-progress", {"current": 3, "total": 10}), lang)
    assert "3" in text and "10" in text
    assert "\u2068" not in text and "\u2069" not in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_short_labels_fit_small_buttons(lang: str) -> None:
    """Short forms exist for buttons that would not fit: at most 24 characters each."""
    l10n = Localizer()
    shorts = [name for name in all_ids(lang) if name.endswith("-short")]
    assert shorts
    for name in shorts:
        assert len(l10n.render(Text(name), lang)) <= 24, name
