"""How a request uses SQLite's write lock.

By default a request that may write (POST, PUT, …) takes the lock when its first transaction
begins, which is always safe. Hot paths marked `@read_then_write` instead read and validate in
a plain transaction and call `start_writing()` just before their INSERTs, so the lock is held
for a millisecond or two instead of the whole request.
"""

from __future__ import annotations

from app.extensions import db
from models.base import begin_writing


def read_then_write(view):
    view._reads_first = True
    return view


def reads_first(view) -> bool:
    return bool(getattr(view, "_reads_first", False))


def start_writing() -> None:
    begin_writing(db.session())
