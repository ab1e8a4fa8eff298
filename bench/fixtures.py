"""Make sure a migrated database has what the benchmarks need, and print it as JSON.

    DATABASE_URL=... APP_ENV=development .venv/bin/python bench/fixtures.py

* a contact-centre department (the demo taxonomy's, or a new one);
* active labels of ROSA level 2 (answered at first contact) and level 5 (always forwarded) --
  taken from the loaded taxonomy (`flask demo load --cases 0`) when it has them, otherwise a
  small benchmark taxonomy is created (two departments, three groups, labels of every level);
* an agent account `bench-agent` in the contact centre, created through
  `app.services.users.create_user` (production password hashing, so logging in costs what it
  costs in production -- once per simulated client, before the clock starts);
* a fresh API token for that agent through `app.services.users.issue_token`;
* for the queue scenario: the *queue group* -- the forwarding group (outside the contact
  centre) with the most active labels whose cases it receives without the agent asking
  (ties: lowest id; `tekn-gata` in the demo taxonomy) -- a handler account `bench-handler`
  (role handler, production password hashing) in that group's department, member of the
  queue group and of up to two other groups of the same department, and a colleague
  `bench-handler-2` in the queue group only (so claimed cases are not all "mine").
  bench/generate_cases.py `--queue-group` then fills the queue group with open cases.

Prints {"username", "password", "token", "level2": [ids], "level5": [ids],
"handler": {"username", "password", "user_id", "department_id", "groups": [ids]},
"queue_group": {"id", "code", "name"}}; the database is committed once. Running it twice
reuses the accounts (with new passwords) and issues another token.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import or_, select  # noqa: E402

USERNAME = "bench-agent"
HANDLER = "bench-handler"
COLLEAGUE = "bench-handler-2"
OTHER_GROUPS = 2  # further groups of the department bench-handler belongs to


def _bench_taxonomy(session) -> None:
    """A small taxonomy of our own, for databases without a demo taxonomy."""
    from models import CaseType, Department, Function, Group, Label

    tech = Department(code="bench-tekn", name="Tekniska förvaltningen (bench)")
    social = Department(code="bench-soc", name="Socialförvaltningen (bench)")
    waste = Group(code="bench-avfall", name="Avfall", department=tech)
    streets = Group(code="bench-gata", name="Gata och park", department=tech)
    reception = Group(code="bench-mottag", name="Mottagningen", department=social)
    session.add_all([tech, social, waste, streets, reception])
    specs = [
        ("Avfall", "Sophämtning", [("Hämtdagar", 1, waste, False), ("Abonnemang", 2, waste, False),
                                   ("Utebliven tömning", 3, waste, True),
                                   ("Byte av kärl", 4, waste, False)]),
        ("Gata/Park", "Felanmälan", [("Gatubelysning", 2, streets, False),
                                     ("Oljeläckage", 5, streets, False),
                                     ("Trasig lekplats", 5, streets, False)]),
        ("Socialtjänst", "Ekonomiskt bistånd", [("Information om bistånd", 2, reception, False),
                                                ("Ansökan", 6, reception, False)]),
    ]
    for function_name, type_name, labels in specs:
        function = Function(name=function_name)
        case_type = CaseType(function=function, name=type_name)
        session.add_all([function, case_type])
        for name, level, group, mandate in labels:
            session.add(Label(case_type=case_type, name=name, rosa_level=level,
                              department=group.department, group=group, mandate=mandate,
                              urgent=name == "Oljeläckage"))
    session.flush()


def _label_ids(session, level: int) -> list[int]:
    """Active labels of the level whose guide asks nothing required: the write scenarios
    send no guide answers, and a forwarded contact missing required ones is refused."""
    from models import GuideField, Label

    required = select(GuideField.id).where(GuideField.required.is_(True), or_(
        GuideField.label_id == Label.id, GuideField.case_type_id == Label.case_type_id))
    return list(session.scalars(
        select(Label.id).where(Label.rosa_level == level, Label.active, ~required.exists())
        .order_by(Label.id).limit(20)))


def _queue_group(session):
    """The forwarding group that receives the most labels by policy (rosa.routing)."""
    from models import Department, Group, Label
    from rosa.levels import RosaLevel
    from rosa.routing import default_outcome

    forwarding: dict[int, int] = {}
    rows = session.execute(
        select(Label.group_id, Label.rosa_level, Label.mandate)
        .join(Group, Group.id == Label.group_id)
        .join(Department, Department.id == Group.department_id)
        .where(Label.active, Label.group_id.is_not(None), Department.is_contact_centre.is_(False)))
    for group_id, level, mandate in rows:
        if default_outcome(RosaLevel(level), bool(mandate)).forwards:
            forwarding[group_id] = forwarding.get(group_id, 0) + 1
    if not forwarding:
        raise SystemExit("no label forwards to a department group: no queue to benchmark")
    best = min(forwarding, key=lambda gid: (-forwarding[gid], gid))
    return session.get(Group, best)


def _handler(session, username: str, full_name: str, password: str, department, groups,
             *, now: datetime):
    """A handler account in `department`, member of exactly `groups` (not a lead)."""
    from werkzeug.security import generate_password_hash

    from app.services import users
    from app.services.users import create_user
    from models import User
    from rosa.vocabulary import Role

    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = create_user(session, username=username, full_name=full_name, password=password,
                           role=Role.HANDLER, department_code=department.code,
                           group_codes=tuple(g.code for g in groups), now=now)
    else:
        user.password_hash = generate_password_hash(password, method=users.PASSWORD_METHOD)
        user.role, user.department, user.groups = Role.HANDLER, department, list(groups)
        user.is_active_account, user.failed_logins, user.locked_until = True, 0, None
    session.flush()
    return user


def ensure_handler(session, *, now: datetime) -> dict:
    """bench-handler and a colleague, members of the queue group (see the module docstring)."""
    from models import Group

    group = _queue_group(session)
    department = group.department
    others = list(session.scalars(
        select(Group).where(Group.department_id == department.id, Group.id != group.id)
        .order_by(Group.name, Group.id).limit(OTHER_GROUPS)))
    password = secrets.token_urlsafe(18)
    user = _handler(session, HANDLER, "Bench Handläggare", password, department,
                    [group, *others], now=now)
    _handler(session, COLLEAGUE, "Bench Kollega", secrets.token_urlsafe(18), department,
             [group], now=now)
    return {"handler": {"username": HANDLER, "password": password, "user_id": user.id,
                        "department_id": department.id,
                        "groups": [g.id for g in (group, *others)]},
            "queue_group": {"id": group.id, "code": group.code, "name": group.name}}


def ensure(session, *, now: datetime) -> dict:
    from app.services.users import create_user, issue_token
    from models import Department, User
    from rosa.vocabulary import Role

    centre = session.scalar(select(Department).where(Department.is_contact_centre)
                            .order_by(Department.id))
    if centre is None:
        centre = Department(code="kc", name="Kontaktcenter", is_contact_centre=True)
        session.add(centre)
        session.flush()
    if not _label_ids(session, 2) or not _label_ids(session, 5):
        _bench_taxonomy(session)
    password = secrets.token_urlsafe(18)
    user = session.scalar(select(User).where(User.username == USERNAME))
    if user is None:
        user = create_user(session, username=USERNAME, full_name="Bench Agent",
                           password=password, role=Role.AGENT, department_code=centre.code,
                           now=now)
    else:
        from werkzeug.security import generate_password_hash

        from app.services import users

        user.password_hash = generate_password_hash(password, method=users.PASSWORD_METHOD)
    session.flush()
    token = issue_token(session, user, "benchmark", now=now)
    return {"username": USERNAME, "password": password, "token": token,
            "level2": _label_ids(session, 2), "level5": _label_ids(session, 5),
            **ensure_handler(session, now=now)}


def main() -> None:
    from app import create_app
    from app.extensions import db

    app = create_app()
    with app.app_context():
        result = ensure(db.session, now=datetime.now(UTC))
        db.session.commit()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
