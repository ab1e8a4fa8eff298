"""The bulletin board ("anslagstavla"): time-limited notices every agent sees.

A department suggested announcing ongoing works each morning so every agent has the newest
information (DOMAIN.md, "What information a forwarded case must carry"). A notice runs from
`starts_at` to `ends_at`; it may concern everyone, one function (all waste questions), some
labels or an area (free text such as "Norrby"). The agent console asks `active_bulletins` for
the notices that matter to the label in hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, exists, insert, or_, select
from sqlalchemy.orm import Session

from app.services.audit import audit
from models import Bulletin, CaseType, Function, Label, User, bulletin_labels
from rosa.errors import RuleViolation, RuleViolations, violation
from rosa.i18n import N_

STOCKHOLM = ZoneInfo("Europe/Stockholm")
KINDS = ("road_works", "disruption", "system_outage", "seasonal", "other")
KIND_TITLES = {"road_works": N_("Road works"), "disruption": N_("Disruption"),
               "system_outage": N_("System outage"), "seasonal": N_("Seasonal information"),
               "other": N_("Other")}
MAX_TITLE = 200
MAX_BODY = 4000
MAX_AREA = 200


@dataclass
class BulletinInput:
    """A notice as typed or read from a file. Times are aware datetimes or local text
    ("2026-12-01 07:00" or "2026-12-01T07:00", Europe/Stockholm)."""

    title: str
    starts_at: datetime | date | str | None
    ends_at: datetime | date | str | None
    kind: str = "other"
    body: str = ""
    function_id: int | None = None
    label_ids: Sequence[int] = field(default_factory=tuple)
    area: str = ""


def local_datetime(value: object, *, end: bool = False) -> datetime | None:
    """An aware datetime from a form or file value; None if it is not one.

    A bare date means the start of that day, or for an end the start of the next day, so
    "ends 2026-12-24" includes Christmas Eve.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=STOCKHOLM)
    if isinstance(value, date):
        day = value + timedelta(days=1) if end else value
        return datetime.combine(day, time(0, 0), tzinfo=STOCKHOLM)
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if len(text) == 10:
        try:
            return local_datetime(date.fromisoformat(text), end=end)
        except ValueError:
            return None
    try:
        parsed = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=STOCKHOLM)


@dataclass(frozen=True)
class _Checked:
    title: str
    body: str
    starts_at: datetime
    ends_at: datetime
    area: str | None
    label_ids: tuple[int, ...]


def check_bulletin(session: Session, data: BulletinInput) -> list[RuleViolation]:
    """Every reason to refuse the notice (empty when it may be saved)."""
    return _check(session, data)[1]


def _check(session: Session, data: BulletinInput) -> tuple[_Checked | None, list[RuleViolation]]:
    problems: list[RuleViolation] = []
    title = " ".join((data.title or "").split())
    if not title:
        problems.append(violation("title", N_("This field is required")))
    elif len(title) > MAX_TITLE:
        problems.append(violation("title", N_("At most %(max)s characters"), max=MAX_TITLE))
    body = (data.body or "").replace("\r\n", "\n").strip()
    if len(body) > MAX_BODY:
        problems.append(violation("body", N_("At most %(max)s characters"), max=MAX_BODY))
    if data.kind not in KINDS:
        problems.append(violation("kind", N_("Choose the kind of notice")))
    starts_at = local_datetime(data.starts_at)
    ends_at = local_datetime(data.ends_at, end=True)
    for name, raw, value in (("starts_at", data.starts_at, starts_at),
                             ("ends_at", data.ends_at, ends_at)):
        if value is None:
            problems.append(violation(name, N_("Write a date and time as YYYY-MM-DD HH:MM")
                                      if raw not in (None, "") else N_("This field is required")))
    if starts_at and ends_at and ends_at <= starts_at:
        problems.append(violation("ends_at", N_("The end must be after the start")))
    area = " ".join((data.area or "").split())
    if len(area) > MAX_AREA:
        problems.append(violation("area", N_("At most %(max)s characters"), max=MAX_AREA))
    if data.function_id is not None and session.get(Function, data.function_id) is None:
        problems.append(violation("function_id", N_("Unknown function")))
    label_ids = tuple(sorted({int(i) for i in data.label_ids}))
    if label_ids and len(set(session.scalars(select(Label.id).where(
            Label.id.in_(label_ids))))) != len(label_ids):
        problems.append(violation("label_ids", N_("Unknown label")))
    if problems or starts_at is None or ends_at is None:
        return None, problems
    return _Checked(title, body, starts_at, ends_at, area or None, label_ids), problems


def save_bulletin(session: Session, actor: User | None, bulletin: Bulletin | None,
                  data: BulletinInput, *, now: datetime) -> Bulletin:
    """Create (bulletin=None) or update a notice after checking every rule at once."""
    checked, problems = _check(session, data)
    if problems or checked is None:
        raise RuleViolations(problems)
    created = bulletin is None
    bulletin = bulletin or Bulletin(created_by_id=actor.id if actor else None, created_at=now)
    bulletin.title, bulletin.body, bulletin.kind = checked.title, checked.body, data.kind
    bulletin.starts_at, bulletin.ends_at = checked.starts_at, checked.ends_at
    bulletin.function_id, bulletin.area = data.function_id, checked.area
    session.add(bulletin)
    session.flush()
    set_bulletin_labels(session, bulletin.id, checked.label_ids)
    audit(session, actor, "bulletin.created" if created else "bulletin.updated", "bulletin",
          bulletin.id, now=now, title=checked.title, kind=data.kind,
          starts_at=checked.starts_at.isoformat(), ends_at=checked.ends_at.isoformat())
    return bulletin


def delete_bulletin(session: Session, actor: User | None, bulletin: Bulletin, *,
                    now: datetime) -> None:
    audit(session, actor, "bulletin.deleted", "bulletin", bulletin.id, now=now,
          title=bulletin.title)
    session.delete(bulletin)
    session.flush()


def set_bulletin_labels(session: Session, bulletin_id: int, label_ids: Iterable[int]) -> None:
    wanted = set(label_ids)
    current = set(session.scalars(select(bulletin_labels.c.label_id).where(
        bulletin_labels.c.bulletin_id == bulletin_id)))
    if current - wanted:
        session.execute(delete(bulletin_labels).where(
            bulletin_labels.c.bulletin_id == bulletin_id,
            bulletin_labels.c.label_id.in_(current - wanted)))
    if wanted - current:
        session.execute(insert(bulletin_labels), [
            {"bulletin_id": bulletin_id, "label_id": i} for i in sorted(wanted - current)])


def labels_by_bulletin(session: Session, bulletin_ids: Iterable[int]) -> dict[int, list[int]]:
    ids = list(bulletin_ids)
    found: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        for bulletin_id, label_id in session.execute(
                select(bulletin_labels.c.bulletin_id, bulletin_labels.c.label_id)
                .where(bulletin_labels.c.bulletin_id.in_(ids))
                .order_by(bulletin_labels.c.label_id)):
            found[bulletin_id].append(label_id)
    return found


def active_bulletins(session: Session, *, now: datetime, label_id: int | None = None,
                     function_id: int | None = None) -> list[Bulletin]:
    """The notices in force at `now` that concern the agent's current question, newest
    start first.

    With a label: notices tied to nothing, to that label, or to its function. With only a
    function: notices tied to nothing, to the function or to any of its labels. With
    neither (nothing classified yet): every notice in force — the whole board.
    """
    query = select(Bulletin).where(Bulletin.starts_at <= now, Bulletin.ends_at > now)
    if label_id is not None and function_id is None:
        function_id = session.scalar(select(CaseType.function_id).join(Label.case_type).where(
            Label.id == label_id))
    if label_id is not None or function_id is not None:
        tied = exists().where(bulletin_labels.c.bulletin_id == Bulletin.id)
        untied = (Bulletin.function_id.is_(None)) & ~tied
        relevant = [untied]
        if function_id is not None:
            relevant.append(Bulletin.function_id == function_id)
        if label_id is not None:
            relevant.append(exists().where(bulletin_labels.c.bulletin_id == Bulletin.id,
                                           bulletin_labels.c.label_id == label_id))
        else:
            in_function = select(Label.id).join(Label.case_type).where(
                CaseType.function_id == function_id)
            relevant.append(exists().where(bulletin_labels.c.bulletin_id == Bulletin.id,
                                           bulletin_labels.c.label_id.in_(in_function)))
        query = query.where(or_(*relevant))
    return list(session.scalars(query.order_by(Bulletin.starts_at.desc(), Bulletin.id.desc())))


def concerning_bulletins(session: Session, *, now: datetime, label_id: int) -> list[Bulletin]:
    """The notices in force tied to the label or to its function: the ones the console
    singles out on its board when the label is chosen (notices for everyone are already
    read as such)."""
    found = active_bulletins(session, now=now, label_id=label_id)
    tied = labels_by_bulletin(session, [b.id for b in found if b.function_id is None])
    return [b for b in found if b.function_id is not None or tied.get(b.id)]


@dataclass
class Board:
    active: list[Bulletin]
    upcoming: list[Bulletin]
    past: list[Bulletin]


def bulletin_board(session: Session, *, now: datetime, past_limit: int = 50) -> Board:
    """Every notice for the administrator: in force, coming and the latest ended ones."""
    active = active_bulletins(session, now=now)
    upcoming = session.scalars(select(Bulletin).where(Bulletin.starts_at > now)
                               .order_by(Bulletin.starts_at, Bulletin.id)).all()
    past = session.scalars(select(Bulletin).where(Bulletin.ends_at <= now)
                           .order_by(Bulletin.ends_at.desc(), Bulletin.id.desc())
                           .limit(past_limit)).all()
    return Board(active, list(upcoming), list(past))
