"""Case references (KC-2026-000123) for staff and unguessable tracking codes for citizens."""

from __future__ import annotations

import secrets

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import ReferenceCounter

# No 0/O, 1/I/L: the code is read out on the phone. 32 symbols x 12 = 60 bits.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 12


def next_reference(session: Session, prefix: str, year: int) -> str:
    """Issue the next number of the year under the counter row's write lock."""
    number = session.connection().execute(_INCREMENT, {"counter_year": year}).scalar()
    if number is None:
        number = _start_year(session, year)
    return format_reference(prefix, year, number)


def _start_year(session: Session, year: int) -> int:
    try:
        with session.begin_nested():
            session.execute(insert(ReferenceCounter.__table__).values(year=year, last_value=1))
        return 1
    except IntegrityError:  # another transaction started the year first
        return session.connection().execute(_INCREMENT, {"counter_year": year}).scalar_one()


_counters = ReferenceCounter.__table__  # plain Core: no ORM bookkeeping under the write lock
_INCREMENT = (update(_counters).where(_counters.c.year == bindparam("counter_year"))
              .values(last_value=_counters.c.last_value + 1).returning(_counters.c.last_value))


def format_reference(prefix: str, year: int, number: int) -> str:
    return f"{prefix}-{year}-{number:06d}"


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def format_tracking_code(code: str) -> str:
    """Groups of four, easier to read out and type: ABCD-EFGH-JKMN."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normalize_tracking_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def normalize_reference(text: str) -> str:
    return "".join(text.split()).upper()


def current_counter(session: Session, year: int) -> int:
    return session.scalar(
        select(ReferenceCounter.last_value).where(ReferenceCounter.year == year)
    ) or 0
