"""Test data builders. Everything is created through the same services the app uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from app.services.users import create_user
from models import CaseType, Department, Function, Group, Label, User
from rosa.vocabulary import Role

PASSWORD = "correct horse battery"
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@dataclass
class World:
    contact_centre: Department
    tech: Department
    social: Department
    waste_group: Group
    streets_group: Group
    social_group: Group
    labels: dict[str, Label]
    agent: User
    handler: User
    social_handler: User
    manager: User
    admin: User


def department(session, code, name, *, contact_centre=False) -> Department:
    dep = Department(code=code, name=name, is_contact_centre=contact_centre)
    session.add(dep)
    session.flush()
    return dep


def group(session, dep, code, name) -> Group:
    grp = Group(code=code, name=name, department=dep)
    session.add(grp)
    session.flush()
    return grp


def label(session, function_name, case_type_name, name, *, level, group, mandate=False,
          urgent=False, avoidable=False, signal_words="", active=True) -> Label:
    from sqlalchemy import select

    fn = session.scalar(select(Function).where(Function.name == function_name))
    if fn is None:
        fn = Function(name=function_name)
        session.add(fn)
        session.flush()
    ct = session.scalar(
        select(CaseType).where(CaseType.function_id == fn.id, CaseType.name == case_type_name)
    )
    if ct is None:
        ct = CaseType(function=fn, name=case_type_name)
        session.add(ct)
        session.flush()
    lab = Label(case_type=ct, name=name, rosa_level=level, department=group.department,
                group=group, mandate=mandate, urgent=urgent, avoidable=avoidable,
                signal_words=signal_words, active=active)
    session.add(lab)
    session.flush()
    return lab


def user(session, username, role, *, department_code=None, groups=()) -> User:
    return create_user(session, username=username, full_name=username.title(), password=PASSWORD,
                       role=role, department_code=department_code, group_codes=tuple(groups),
                       now=NOW)


def build_world(session) -> World:
    kc = department(session, "kc", "Kontaktcenter", contact_centre=True)
    tech = department(session, "tekn", "Tekniska förvaltningen")
    social = department(session, "soc", "Socialförvaltningen")
    waste = group(session, tech, "tekn-avfall", "Avfall")
    streets = group(session, tech, "tekn-gata", "Gata och park")
    soc = group(session, social, "soc-mottag", "Mottagningen")
    labels = {
        "info": label(session, "Avfall", "Sortergård", "Öppettider", level=1, group=waste,
                      signal_words="soptipp\nåtervinningscentral"),
        "guidance": label(session, "Avfall", "Abonnemang", "Information", level=2, group=waste),
        "admin_mandate": label(session, "Avfall", "Sophämtning", "Utebliven", level=3,
                               group=waste, mandate=True, avoidable=True,
                               signal_words="tunnan inte tömd"),
        "routine_no_mandate": label(session, "Gata/Park", "Parkering", "Parkeringstillstånd",
                                    level=4, group=streets),
        "investigation": label(session, "Gata/Park", "Oljeläckage", "Felanmälan", level=5,
                               group=streets, urgent=True, signal_words="olja\nläckage"),
        "evaluative": label(session, "Socialtjänst", "Ekonomiskt bistånd", "Ansökan", level=6,
                            group=soc),
        "retired": label(session, "Avfall", "Sophämtning", "Gammal etikett", level=1,
                         group=waste, active=False),
    }
    return World(
        contact_centre=kc, tech=tech, social=social, waste_group=waste, streets_group=streets,
        social_group=soc, labels=labels,
        agent=user(session, "agent", Role.AGENT, department_code="kc"),
        handler=user(session, "handler", Role.HANDLER, department_code="tekn",
                     groups=("tekn-avfall", "tekn-gata")),
        social_handler=user(session, "sochandler", Role.HANDLER, department_code="soc",
                            groups=("soc-mottag",)),
        manager=user(session, "manager", Role.MANAGER, department_code="kc"),
        admin=user(session, "admin", Role.ADMIN, department_code="kc"),
    )
