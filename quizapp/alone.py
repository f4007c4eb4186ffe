"""One idempotent statement run as its own transaction, outside the request's session: the answer save.

On PostgreSQL the Core statement is compiled once and then run straight on a pooled psycopg connection in
autocommit: one round trip, without SQLAlchemy's per-execution work (cache key, execution context, result
object), which measured about a tenth of a save's cost under load (bench/README.md, "Load"). Other databases
(SQLite, in-process) run it through an ordinary connection.
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler


def autocommit_engine(engine: Engine) -> Engine:
    """An engine for single statements in autocommit; on PostgreSQL its own small pool with no pre-ping."""
    if engine.dialect.name != "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")  # one file (or memory) shared with `engine`
    # Autocommit connections never hold a transaction, so there is nothing to roll back when one is returned;
    # a connection the server dropped is found by the one retry below instead of a ping before every use.
    return create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_reset_on_return=None)


@dataclass(frozen=True)
class _Compiled:
    compiled: SQLCompiler
    processors: Mapping[str, Callable[[Any], Any]]

    def parameters(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The driver's parameters: every bound value, converted by its column type as SQLAlchemy would."""
        parameters = self.compiled.construct_params(dict(values))
        for name, process in self.processors.items():
            parameters[name] = process(parameters[name])
        return parameters


@functools.cache  # one entry per statement built (each cached by its builder) and dialect
def _compile(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    if not isinstance(compiled, SQLCompiler) or "POSTCOMPILE" in compiled.string or compiled.positional:
        raise ValueError("only statements with plain named parameters run alone")
    processors = {}
    for name, bind in compiled.binds.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors[name] = process
    return _Compiled(compiled, processors)


def execute_alone(engine: Engine, statement: ClauseElement, values: Mapping[str, Any]) -> int:
    """Run one idempotent statement in autocommit on `engine` (from autocommit_engine); the rows it matched.

    A connection the server dropped (a restart, say) is retried once on a fresh pool: safe, because running
    the statement twice leaves the same result.
    """
    if engine.dialect.name != "postgresql":
        with engine.connect() as connection:
            return connection.execute(statement, dict(values)).rowcount
    ready = _compile(statement, engine.dialect)
    parameters = ready.parameters(values)
    for attempt in (1, 2):
        connection = engine.raw_connection()
        try:
            with connection.cursor() as cursor:
                cursor.execute(ready.compiled.string, parameters)
                return cursor.rowcount
        except engine.dialect.loaded_dbapi.Error as exc:
            if attempt == 2 or not engine.dialect.is_disconnect(exc, connection.dbapi_connection, None):
                # As SQLAlchemy would raise it, without the values (the sign-in nonce is one of them).
                raise DBAPIError.instance(ready.compiled.string, parameters, exc, engine.dialect.loaded_dbapi.Error,
                                          hide_parameters=True, dialect=engine.dialect) from exc
            connection.invalidate(exc)
            engine.dispose()  # the others in the pool went with it
        finally:
            connection.close()
    raise AssertionError("unreachable: the second attempt returns or raises")
