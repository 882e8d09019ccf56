"""House rule: flows/ is pure Python — no transport, no database, no Fluent."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = {"aiogram", "aiohttp", "sqlalchemy", "fluent", "handlers", "storage", "bot"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted((ROOT / "flows").rglob("*.py")), ids=str)
def test_flows_import_nothing_of_the_outside(path: Path) -> None:
    assert not imported_roots(path) & FORBIDDEN


def test_the_rule_catches_a_forbidden_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from aiogram import Bot\nimport storage.models\n")
    assert imported_roots(bad) & FORBIDDEN == {"aiogram", "storage"}


@pytest.mark.parametrize("path", sorted((ROOT / "handlers").rglob("*.py")), ids=str)
def test_handlers_never_import_the_composition_root(path: Path) -> None:
    """bot -> handlers, never back: the transports know nothing of how they are wired."""
    assert "bot" not in imported_roots(path)


@pytest.mark.parametrize("path", sorted((ROOT / "handlers").rglob("*.py")), ids=str)
def test_handlers_never_import_storage(path: Path) -> None:
    """A handler declares the Protocol it needs and bot/ passes the SQL object in."""
    assert "storage" not in imported_roots(path)


def test_the_rule_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    lazy = tmp_path / "lazy.py"
    lazy.write_text("def deliver():\n    from storage.outbox import STAFF\n    return STAFF\n")
    assert imported_roots(lazy) == {"storage"}


@pytest.mark.parametrize("path", sorted((ROOT / "storage").rglob("*.py")), ids=str)
def test_storage_knows_no_transport(path: Path) -> None:
    assert not imported_roots(path) & {"aiogram", "handlers", "bot"}
