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


def staff(session, username, role, *, department_code=None, groups=(), email=None,
          lead_of=(), active=True) -> User:
    """A user with an e-mail address, lead of the groups in `lead_of`, possibly deactivated."""
    from sqlalchemy import select, update

    from models import group_members

    person = create_user(session, username=username, full_name=username.title(),
                         password=PASSWORD, role=role, department_code=department_code,
                         group_codes=tuple(groups), email=email, now=NOW)
    person.is_active_account = active
    session.flush()
    if lead_of:
        lead_groups = select(Group.id).where(Group.code.in_(tuple(lead_of)))
        session.execute(update(group_members).where(
            group_members.c.user_id == person.id, group_members.c.group_id.in_(lead_groups)
        ).values(is_lead=True))
    return person


def guide_field(session, owner, actor, *, title, kind, key="", required=False, help_text="",
                choices=(), now=NOW):
    """A guide field on a case type or label, added through the admin editor's service."""
    from app.services.guides import GuideFieldInput, add_guide_field

    return add_guide_field(session, actor, owner, GuideFieldInput(
        title=title, kind=kind, key=key, required=required, help_text=help_text,
        choices=list(choices)), now=now)


def add_guides(session, world: World) -> None:
    """Guides on the world's labels (not part of build_world, so other tests are unaffected):

    - the oil leak's case type asks for the exact place (required) and whether it still leaks
      (yes/no, required); the oil-leak label (level 5, forwarded) adds the polluter (required),
      the substance (choice, required), the vehicle (optional) and a number;
    - the level-2 waste subscription label (answered at first contact) asks for the property
      designation (required, but only when forwarded) and a personnummer;
    - the social department (level 6 label) wants only the birth date of a personnummer.
    """
    oil = world.labels["investigation"]
    guide_field(session, oil.case_type, world.admin, key="plats", title="Exakt plats",
                kind="place", required=True, help_text="T.ex. Åsenvägen 1–9.")
    guide_field(session, oil.case_type, world.admin, key="pagaende",
                title="Läcker det fortfarande?", kind="yes_no", required=True)
    guide_field(session, oil, world.admin, key="fororenare", title="Förorenare", kind="text",
                required=True)
    guide_field(session, oil, world.admin, key="amne", title="Vad läcker", kind="choice",
                required=True, choices=("Diesel", "Bensin", "Vet inte"))
    guide_field(session, oil, world.admin, key="fordon", title="Fordon", kind="vehicle")
    guide_field(session, oil, world.admin, key="yta", title="Yta i kvadratmeter", kind="number")
    guidance = world.labels["guidance"]
    guide_field(session, guidance, world.admin, key="fastighet", title="Fastighetsbeteckning",
                kind="fastighetsbeteckning", required=True)
    guide_field(session, guidance, world.admin, key="barn", title="Barnets personnummer",
                kind="personnummer")
    world.social.personnummer_birth_date_only = True
    guide_field(session, world.labels["evaluative"], world.admin, key="sokande",
                title="Sökandens personnummer", kind="personnummer", required=True)
    session.flush()


def article(session, world: World, *, slug="avfall-oppettider",
            title="Öppettider på återvinningscentralen", labels=("info",), actor=None, now=NOW,
            **fields):
    """A knowledge-base article owned by the technical department, saved through the
    article service (so it has version 1, rendered HTML and search terms)."""
    from app.services.knowledge.articles import ArticleInput, save_article

    values = dict(answer_script="Återvinningscentralen har öppet vardagar 7–19.",
                  body_md="## Öppettider\n\nVardagar 7–19, lördagar 9–15.",
                  status="published", audience="internal")
    values.update(fields)
    data = ArticleInput(slug=slug, title=title, department_id=world.tech.id,
                        label_ids=[world.labels[name].id for name in labels], **values)
    return save_article(session, actor or world.admin, None, data, now=now).article
