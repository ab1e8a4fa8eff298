"""The demo municipality: a realistic, reproducible load that never duplicates and never runs
where demo users are forbidden."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from stdnum.se import orgnr, personnummer

from app.services.demo import DEMO_LOGINS, load_demo
from models import Case, CaseEvent, Contact, Customer, Department, Label, User, group_members
from rosa.errors import RuleViolations
from rosa.vocabulary import CaseStatus, Channel, EventKind, Resolution, Role
from tests import factories

STOCKHOLM = ZoneInfo("Europe/Stockholm")


@pytest.fixture
def apps(app, data_app):
    """Both app instances: the CLI runner reuses the context the `session` fixture pushed."""
    return (app, data_app)


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_demo_builds_a_municipality_with_realistic_history(session, now):
    """Labels of all six levels, a login per role, and cases mixed as in the sources."""
    summary = load_demo(session, now=now, users_allowed=True, cases=200)
    session.commit()
    levels = Counter(session.scalars(select(Label.rosa_level).where(Label.active)))
    assert sum(levels.values()) >= 60 and set(levels) == {1, 2, 3, 4, 5, 6}
    assert session.scalar(select(Department).where(Department.is_contact_centre)).code == "kc"
    assert {user.role for user in session.scalars(select(User))} == set(Role)
    lead = session.scalar(select(User).where(User.username == "gruppledare"))
    assert session.scalar(select(group_members.c.is_lead).where(
        group_members.c.user_id == lead.id, group_members.c.is_lead))
    handler = session.scalar(select(User).where(User.username == "handlare"))
    # Handlers see their own department's cases only, so their queues are in that department.
    assert {group.department_id for group in handler.groups} == {handler.department_id}
    assert len(handler.groups) == 3

    cases = session.scalars(select(Case).order_by(Case.id)).all()
    assert len(cases) == summary.cases == 200
    first_contact = sum(c.resolution is Resolution.FIRST_CONTACT for c in cases) / len(cases)
    assert 0.6 <= first_contact <= 0.8 and first_contact == summary.first_contact_share
    channels = Counter(c.channel for c in cases)
    assert 0.7 <= channels[Channel.PHONE] / len(cases) <= 0.9
    assert all(now - timedelta(days=91) < c.created_at < now for c in cases)
    assert [c.created_at for c in cases] == sorted(c.created_at for c in cases)
    for case in cases:
        if case.channel in (Channel.PHONE, Channel.VISIT, Channel.CHAT):
            local = case.created_at.astimezone(STOCKHOLM)
            assert local.weekday() < 5 and 8 <= local.hour < 17


def test_demo_people_and_follow_up_look_real(session, now):
    """Identity numbers are valid, and older forwarded cases were taken up and resolved."""
    load_demo(session, now=now, users_allowed=True, cases=150)
    session.flush()
    customers = session.scalars(select(Customer)).all()
    assert all(personnummer.is_valid(c.personnummer) for c in customers if c.personnummer)
    assert any(c.personnummer for c in customers)
    businesses = [c for c in customers if c.is_business]
    assert businesses and all(orgnr.is_valid(c.organisationsnummer) for c in businesses)
    assert all(c.phone.startswith("070-174 06 ") for c in customers if c.phone)
    forwarded = session.scalars(select(Case).where(Case.resolution == Resolution.FORWARDED)).all()
    statuses = Counter(case.status for case in forwarded)
    still_open = statuses[CaseStatus.FORWARDED] + statuses[CaseStatus.IN_PROGRESS]
    assert statuses[CaseStatus.RESOLVED] > still_open > 0
    changes = Counter(session.scalars(select(CaseEvent.kind).where(
        CaseEvent.kind.in_((EventKind.CLAIMED, EventKind.STATUS_CHANGED)))))
    resolved = statuses[CaseStatus.RESOLVED]
    assert changes[EventKind.CLAIMED] >= resolved and changes[EventKind.STATUS_CHANGED] >= resolved
    assert all(case.feedback_given_at == case.resolved_at for case in forwarded
               if case.status is CaseStatus.RESOLVED)  # resolving answered the citizen
    words = session.scalars(select(Contact.citizen_words)).all()
    assert len(set(words)) > 75  # citizens' own words, many different ones


def test_demo_is_reproducible(session, now):
    """The same seed gives the same contacts, label by label and minute by minute."""

    def load() -> list[tuple]:
        load_demo(session, now=now, users_allowed=True, cases=30)
        session.flush()
        rows = [(c.label.path, c.channel, c.created_at, c.customer.name if c.customer else "")
                for c in session.scalars(select(Case).order_by(Case.created_at, Case.id))]
        session.rollback()
        return rows

    assert load() == load()


def test_loading_twice_does_not_duplicate(runner, session, apps):
    """A second load is a no-op (so `make run` can always call it), even with --force."""
    first = runner.invoke(args=["demo", "load", "--cases", "30"])
    assert first.exit_code == 0, first.output
    counts = (_count(session, Department), _count(session, Label), _count(session, User),
              _count(session, Case))
    assert counts[3] == 30
    for args in (["demo", "load", "--cases", "30"], ["demo", "load", "--force"]):
        again = runner.invoke(args=args)
        assert again.exit_code == 0, again.output
    assert (_count(session, Department), _count(session, Label), _count(session, User),
            _count(session, Case)) == counts
    with pytest.raises(RuleViolations) as refused:
        load_demo(session, now=factories.NOW, users_allowed=True, cases=30, force=True)
    assert set(refused.value.by_field()) == {"database", "users"}


def test_existing_departments_need_force(session, now):
    """An organisation already in the database is refused unless forced (no cases yet)."""
    factories.department(session, "tekn", "Tekniska nämnden")
    session.commit()
    with pytest.raises(RuleViolations) as refused:
        load_demo(session, now=now, users_allowed=True, cases=10)
    assert list(refused.value.by_field()) == ["database"]
    load_demo(session, now=now, users_allowed=True, cases=10, force=True)
    tekn = session.scalar(select(Department).where(Department.code == "tekn"))
    assert tekn.name == "Tekniska förvaltningen"  # upserted by code, not duplicated
    assert _count(session, Case) == 10


def test_refused_where_demo_users_are_not_allowed(runner, session, apps, monkeypatch, now):
    """With DEMO_USERS_ALLOWED off (production) nothing is loaded and no logins are shown."""
    for application in apps:
        monkeypatch.setitem(application.config, "DEMO_USERS_ALLOWED", False)
    for args in (["demo", "load"], ["demo", "users"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 1
        assert "DEMO_USERS_ALLOWED" in result.output
        assert "demo-agent-2026" not in result.output
    assert _count(session, Department) == 0
    with pytest.raises(RuleViolations):
        load_demo(session, now=now, users_allowed=False, cases=10)


def test_demo_users_prints_every_login(runner, session):
    """`flask demo users` lists each username with its password; --cases defaults to 2000."""
    result = runner.invoke(args=["demo", "users"])
    assert result.exit_code == 0
    for login in DEMO_LOGINS:
        assert login.username in result.output and login.password in result.output
        assert len(login.password) >= 10
    assert "2000" in runner.invoke(args=["demo", "load", "--help"]).output
