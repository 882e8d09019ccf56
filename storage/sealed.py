"""Personal data sealed in their columns (issue 13): what the database file holds is
ciphertext, and the ORM reads and writes plain values.

The data key rides on the engine's dialect (`attach`), so every engine seals with its own
keyring and nothing global is shared between two apps in one process. A lookup by a sealed
value goes through a blind index: a keyed hash of the value in a column of its own, declared
with `blind_of` and filled before each insert or update.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, LargeBinary, event
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, Mapper
from sqlalchemy.types import TypeDecorator

from storage.keys import MAGIC, KeyProblem, Keyring

T = TypeVar("T")
_KEYRING = "data_keyring"
BLIND_OF = "blind_of"  # a column's `info` key: the columns whose values it marks


def attach(engine: AsyncEngine | Engine, keyring: Keyring) -> None:
    sync = engine.sync_engine if isinstance(engine, AsyncEngine) else engine
    setattr(sync.dialect, _KEYRING, keyring)


def keyring_of(dialect: Dialect) -> Keyring:
    keyring = getattr(dialect, _KEYRING, None)
    if not isinstance(keyring, Keyring):
        raise KeyProblem("the database engine was made without the data key")
    return keyring


class _Sealed(TypeDecorator[T], Generic[T]):
    """A value sealed with AES-GCM under the data key, stored as bytes."""

    impl = LargeBinary
    cache_ok = True

    def encode(self, value: T) -> bytes:
        raise NotImplementedError

    def decode(self, plain: bytes) -> T:
        raise NotImplementedError

    def process_bind_param(self, value: T | None, dialect: Dialect) -> bytes | None:
        return None if value is None else keyring_of(dialect).seal(self.encode(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> T | None:
        return None if value is None else self.unseal(value, keyring_of(dialect))

    def unseal(self, raw: bytes | str, keyring: Keyring) -> T:
        """A stored value read back; a row written before sealing began reads as it was."""
        blob = raw.encode() if isinstance(raw, str) else bytes(raw)
        return self.decode(keyring.open(blob) if blob.startswith(MAGIC) else blob)


class SealedText(_Sealed[str]):
    cache_ok = True

    def encode(self, value: str) -> bytes:
        return value.encode()

    def decode(self, plain: bytes) -> str:
        return plain.decode()


class SealedDate(_Sealed[date]):
    cache_ok = True

    def encode(self, value: date) -> bytes:
        return value.isoformat().encode()

    def decode(self, plain: bytes) -> date:
        return date.fromisoformat(plain.decode())


class SealedJSON(_Sealed[Any]):
    cache_ok = True

    def encode(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()

    def decode(self, plain: bytes) -> Any:
        return json.loads(plain)


def blind_value(parts: list[str | None]) -> str | None:
    """What a blind index marks: its columns' values joined, none when the value is gone."""
    if any(part in (None, "") for part in parts):
        return None
    return ":".join(str(part) for part in parts)


def matches(session: AsyncSession, column: InstrumentedAttribute[Any],
            *parts: str) -> ColumnElement[bool]:
    """`column` holds the mark of `parts` under any key (keys may be rotating)."""
    return column.in_(marks(session.get_bind().dialect, *parts))


def marks(dialect: Dialect, *parts: str) -> list[str]:
    """The blind index's marks of `parts` under each key, for `column IN (...)`."""
    value = blind_value(list(parts))
    return keyring_of(dialect).blinds(value) if value is not None else []


def _fill_blind_indexes(mapper: Mapper[Any], connection: Connection, target: Any) -> None:
    for column in mapper.columns:
        sources = column.info.get(BLIND_OF)
        if sources:
            value = blind_value([getattr(target, name) for name in sources])
            mark = None if value is None else keyring_of(connection.dialect).blind(value)
            if getattr(target, column.key) != mark:
                setattr(target, column.key, mark)


def index_blindly(base: type) -> None:
    """Keep every declared blind index of `base`'s models in step with its values."""
    for name in ("before_insert", "before_update"):
        event.listen(base, name, _fill_blind_indexes, propagate=True)


def sealed_columns(table: Any) -> list[Any]:
    return [column for column in table.columns if isinstance(column.type, _Sealed)]


def blind_columns(table: Any) -> list[Any]:
    return [column for column in table.columns if column.info.get(BLIND_OF)]

