"""The declarative base, the shared `db` handle and the SQLite connection policy.

Models import only this module (never `app`). SQLite runs in WAL mode with a busy timeout, and
transactions that will write start with BEGIN IMMEDIATE so that two agents saving at once queue
for the write lock instead of failing with "database is locked".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from models.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime()}


# Models subclass `Base` directly; Flask-SQLAlchemy only manages engine and session for it.
# Objects stay readable after commit (a request ends right after its commit anyway), so that
# ending a read snapshot before a write transaction does not force reloading them.
db = SQLAlchemy(metadata=Base.metadata, session_options={"expire_on_commit": False})

_begin_immediate: ContextVar[bool] = ContextVar("sqlite_begin_immediate", default=False)


@contextmanager
def write_transactions() -> Iterator[None]:
    """Within this block, SQLite transactions take the write lock when they begin."""
    token = _begin_immediate.set(True)
    try:
        yield
    finally:
        _begin_immediate.reset(token)


def begin_writing(session) -> None:
    """End the current read snapshot; the session's next transaction takes the write lock.

    Validation and look-ups run first in an ordinary read transaction, so that the write lock
    is held only for the few INSERTs of the write itself. (Upgrading a WAL read transaction to
    a write fails at once when another connection committed meanwhile, hence the fresh BEGIN.)
    """
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("begin_writing() with pending changes: they belong in the write phase")
    if session.in_transaction():
        session.commit()
    _begin_immediate.set(True)


def set_write_transactions(on: bool):
    """Lower-level form of `write_transactions` for request hooks; returns a reset token."""
    return _begin_immediate.set(on)


def reset_write_transactions(token) -> None:
    _begin_immediate.reset(token)


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """WAL, a busy timeout, foreign keys, and explicit BEGIN so that IMMEDIATE is possible."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        dbapi_connection.isolation_level = None  # let us emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE" if _begin_immediate.get() else "BEGIN")
