"""The few statements every update runs, rendered once per database and run as its driver's SQL.

Through `Connection.execute`, SQLAlchemy builds each execution of a Core statement anew: the
statement's cache key and its lookup, the parameters from the statement's binds, the column
defaults, each value's processing. Here all of it but the values' own processing (sealing
included) is worked out once per dialect; `exec_driver_sql` still runs in the connection's
transaction, with its events. The mark after a reply, one UPDATE in a transaction of its own,
took 221 µs of CPU and takes 173 (medians); a form's answer, all its statements, ~15 % less
(issue 15).

On the embedded SQLite (storage/inline_sqlite.py), a statement goes on past SQLAlchemy's
execution altogether, onto a plain `sqlite3` cursor of the transaction's own connection: that
execution cost ~100 µs a statement, the cursor ~10 (issue 15). Its errors are SQLAlchemy's
as before (`IntegrityError`...). While anyone listens to the engine's statements (a test
counting them), they go through SQLAlchemy, which tells the listeners.

Only fixed statements qualify: no IN list (rendered anew for each length), and no column
default but the row's time stamp (`storage.clock.stamp`), filled from the engine's clock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Select, UpdateBase
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

from storage.clock import stamp, stored_now
from storage.inline_sqlite import InlineSQLiteDialect

Process = Callable[[Any], Any] | None
_RENDERED = "prepared_statements"  # on the dialect: its renderings, which die with it


@dataclass(frozen=True)
class _Rendered:
    sql: str
    given: tuple[tuple[str, Process], ...]  # the values in the driver's order, and how each
    # is processed (the name then gives a value of the call, or of the statement itself)
    written: dict[str, Any]  # values the statement itself writes (`status="done"`)
    stamped: tuple[str, ...]  # the columns stamped with "now"
    readers: tuple[Process, ...]  # how each column of a row read is processed
    direct: bool  # run on the driver's own cursor (the embedded SQLite)


@dataclass(frozen=True)
class Ran:
    """What a statement did: the rows it changed, and the first row it gave (a query's, or
    an UPDATE's RETURNING), as the driver gave it."""

    rowcount: int
    row: tuple[Any, ...] | None


class Prepared:
    """A fixed Core statement, run with values by name as `Connection.execute` takes them."""

    def __init__(self, statement: Select[Any] | UpdateBase) -> None:
        self.statement = statement

    def run(self, connection: Connection, values: dict[str, Any]) -> Ran:
        rendered = self._rendered(connection.dialect)
        named = rendered.written | values
        if rendered.stamped:
            now = stored_now(connection.get_execution_options())
            named.update(dict.fromkeys(rendered.stamped, now))
        parameters = tuple(named[name] if process is None else process(named[name])
                           for name, process in rendered.given)
        if rendered.direct and not connection.dispatch.before_cursor_execute:
            return _on_the_cursor(connection, rendered.sql, parameters)
        result = connection.exec_driver_sql(rendered.sql, parameters)
        rowcount = result.rowcount
        row = result.first() if result.returns_rows else None
        return Ran(rowcount, None if row is None else tuple(row))

    def first(self, connection: Connection, values: dict[str, Any]) -> tuple[Any, ...] | None:
        """The first row a query finds, its values as the columns' types read them."""
        row = self.run(connection, values).row
        if row is None:
            return None
        readers = self._rendered(connection.dialect).readers
        return tuple(value if read is None or value is None else read(value)
                     for read, value in zip(readers, row, strict=True))

    def _rendered(self, dialect: Dialect) -> _Rendered:
        renderings: dict[Prepared, _Rendered] = dialect.__dict__.setdefault(_RENDERED, {})
        rendered = renderings.get(self)
        if rendered is None:
            rendered = renderings[self] = self._render(dialect)
        return rendered

    def _render(self, dialect: Dialect) -> _Rendered:
        compiled: Any = self.statement.compile(dialect=dialect)
        if not compiled.positional or compiled.post_compile_params:
            raise TypeError(f"not a fixed statement for {dialect.name}: {self.statement}")
        defaulted = [*compiled.insert_prefetch, *compiled.update_prefetch]
        for column in defaulted:
            default = column.onupdate if compiled.update_prefetch else column.default
            if getattr(default, "arg", None) is not stamp:
                raise TypeError(f"{column} has a default other than the time stamp")
        binds = compiled.binds
        readers: tuple[Process, ...] = ()
        if isinstance(self.statement, Select):
            readers = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None)
                            for column in self.statement.selected_columns)
        return _Rendered(
            sql=compiled.string,
            given=tuple((name, binds[name].type.dialect_impl(dialect).bind_processor(dialect))
                        for name in compiled.positiontup),
            written={name: bind.value for name, bind in binds.items()
                     if not bind.required and bind.callable is None},
            stamped=tuple(column.key for column in defaulted),
            readers=readers,
            direct=isinstance(dialect, InlineSQLiteDialect))


def _on_the_cursor(connection: Connection, sql: str, parameters: tuple[Any, ...]) -> Ran:
    """The statement on a plain `sqlite3` cursor of the connection, in its transaction (the
    driver begins it before a write, as for SQLAlchemy's own cursors)."""
    driver: Any = connection.connection.driver_connection
    # Not `sqlite3.Cursor(driver)`: only `cursor()` prunes the connection's list of dead
    # references to its cursors, which otherwise grows by one a statement.
    cursor = driver.cursor()
    try:
        cursor.execute(sql, parameters)
        return Ran(cursor.rowcount, cursor.fetchone())
    except sqlite3.Error as error:
        raise DBAPIError.instance(sql, parameters, error, sqlite3.Error) from error
    finally:
        cursor.close()
