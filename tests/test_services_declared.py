"""House rule: a service is one declared object; nothing outside its own file asks which
service an application belongs to (no `service == "visit"`, no table keyed by service code)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from flows.services import SERVICES

ROOT = Path(__file__).resolve().parent.parent
OWN_FILES = {ROOT / "flows" / "visit.py", ROOT / "flows" / "interview.py"}
CODES = set(SERVICES)


def service_code_uses(source: str) -> list[int]:
    """Lines that compare with a service code, or key a table by one."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            operands += [elt for op in operands if isinstance(op, ast.Tuple | ast.Set | ast.List)
                         for elt in op.elts]
        elif isinstance(node, ast.Dict):
            operands = [key for key in node.keys if key is not None]
        else:
            continue
        if any(isinstance(op, ast.Constant) and op.value in CODES for op in operands):
            lines.append(node.lineno)
    return lines


CODE = sorted(p for folder in ("bot", "handlers", "flows", "storage")
              for p in (ROOT / folder).rglob("*.py") if p not in OWN_FILES)


@pytest.mark.parametrize("path", CODE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_service_is_named_outside_its_own_file(path: Path) -> None:
    assert service_code_uses(path.read_text(encoding="utf-8")) == []


def test_the_rule_sees_a_comparison_and_a_table() -> None:
    source = ('if app.service == "interview":\n    pass\n'
              'PREFIXES = {"visit": "ВП"}\n'
              'ok = kind in ("visit", "other")\n')
    assert service_code_uses(source) == [1, 3, 4]


def test_every_declared_step_has_a_card_button_that_can_travel() -> None:
    """A step a service declares is a button on the card: its verb must be one the codec
    reads back, or staff would press a button that cannot exist."""
    from flows.payloads import CARD_VERBS
    from flows.services import SERVICES

    for service in SERVICES.values():
        for step in service.procedure:
            assert step.action in CARD_VERBS, (service.code, step.action)
