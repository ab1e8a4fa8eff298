"""Make sure a migrated database has what the benchmarks need, and print it as JSON.

    DATABASE_URL=... APP_ENV=development .venv/bin/python bench/fixtures.py

* a contact-centre department (the demo taxonomy's, or a new one);
* active labels of ROSA level 2 (answered at first contact) and level 5 (always forwarded) --
  taken from the loaded taxonomy (`flask demo load --cases 0`) when it has them, otherwise a
  small benchmark taxonomy is created (two departments, three groups, labels of every level);
* an agent account `bench-agent` in the contact centre, created through
  `app.services.users.create_user` (production password hashing, so logging in costs what it
  costs in production -- once per simulated client, before the clock starts);
* a fresh API token for that agent through `app.services.users.issue_token`.

Prints {"username", "password", "token", "level2": [ids], "level5": [ids]}; the database is
committed once. Running it twice reuses the account and issues another token.
"""

from __future__ import annotations

import json
import secrets
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

USERNAME = "bench-agent"


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
    from models import Label

    return list(session.scalars(
        select(Label.id).where(Label.rosa_level == level, Label.active).order_by(Label.id)
        .limit(20)))


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
            "level2": _label_ids(session, 2), "level5": _label_ids(session, 5)}


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
