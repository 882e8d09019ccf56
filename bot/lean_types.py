"""Import aiogram without compiling a validator for each of its Telegram types (issue 15).

At import, aiogram rebuilds each of its ~440 types with one shared namespace of their names
(`aiogram/types/__init__.py`). Each rebuilt type compiles a validator of its own for all it
can hold, so a Message's is compiled again inside every type that can carry one: 165 MB
resident before the bot does anything, where the imports alone take 58.

The types are declared `defer_build`, so pydantic can build each on its first use instead.
Here the rebuilds only leave the shared namespace on each type, where a deferred build looks
for the names its annotations spell as strings (`__pydantic_parent_namespace__`); then the
types Telegram sends are built (an Update, and what each method returns) so that aiogram's
replies, `Response[Message]` and the like, find them built. The rest (a keyboard, a command's
scope) is built when the bot first makes one. aiogram imported so holds 75 MB.

If a pydantic release stops honouring the namespace, a build here fails, and every type is
built as aiogram would have: the bot then costs only the memory it did before.
"""

from __future__ import annotations

import logging
import sys
import typing
from typing import Any

from pydantic import BaseModel, PydanticUndefinedAnnotation, PydanticUserError

log = logging.getLogger(__name__)


def import_aiogram() -> None:
    """Import aiogram, its types' validators left to be built on use. A no-op once imported."""
    if "aiogram" in sys.modules:
        return
    rebuild = BaseModel.__dict__["model_rebuild"]

    def keep_namespace(cls: type[BaseModel], **asked: Any) -> bool | None:
        if asked.get("_types_namespace") is None:  # pydantic's own rebuild of a deferred type
            return rebuild.__func__(cls, **asked)  # type: ignore[no-any-return]
        cls.__pydantic_parent_namespace__ = asked["_types_namespace"]
        return None

    BaseModel.model_rebuild = classmethod(keep_namespace)  # type: ignore[assignment,method-assign]
    try:
        import aiogram.methods
        import aiogram.types
    finally:
        BaseModel.model_rebuild = rebuild  # type: ignore[method-assign]
    names = aiogram.types.Update.__pydantic_parent_namespace__
    unbuilt = [kind for kind in _models_under(BaseModel)
               if kind.__module__.startswith("aiogram.") and not kind.__pydantic_complete__]
    for kind in unbuilt:  # a method's fields name types too
        kind.__pydantic_parent_namespace__ = names
    try:
        for kind in _received(aiogram.methods):
            kind.model_rebuild()
    except (PydanticUserError, PydanticUndefinedAnnotation):
        log.warning("aiogram's types cannot be built on use here: building them all")
        for kind in unbuilt:
            kind.model_rebuild(force=True, _types_namespace=dict(names or {}))


def _models_under(root: type[BaseModel]) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    todo = [root]
    while todo:
        for kind in todo.pop().__subclasses__():
            if kind not in found:
                found.append(kind)
                todo.append(kind)
    return found


def _received(methods: Any) -> list[type[BaseModel]]:
    """The types Telegram sends the bot: whatever a method returns (getUpdates: Updates)."""
    kinds: dict[str, type[BaseModel]] = {}
    todo: list[Any] = [getattr(methods, name).__returning__ for name in methods.__all__
                       if hasattr(getattr(methods, name), "__returning__")]
    while todo:
        kind = todo.pop()
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            kinds[kind.__name__] = kind
        todo += typing.get_args(kind)
    return [kinds[name] for name in sorted(kinds)]
