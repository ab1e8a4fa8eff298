"""Label administration: add, edit, retire and reactivate labels; every change audited."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditEntry, Label
from tests.conftest import csrf_token


def _label_form(world, **overrides):
    data = {"function": "Avfall", "case_type": "Grovsopor", "name": "Hämtning",
            "rosa_level": "3", "department_id": str(world.tech.id),
            "group_id": str(world.waste_group.id), "mandate": "y", "signal_words": "soffa\nmöbler",
            "description": ""}
    data.update(overrides)
    return data


def test_admin_adds_a_label_that_the_console_can_use(world, login_as, session):
    """A new label appears in the tree, routes as configured and is audited."""
    client = login_as(world.admin)
    token = csrf_token(client.get("/admin/labels/new").get_data(as_text=True))
    response = client.post("/admin/labels/new", data={**_label_form(world), "csrf_token": token})
    assert response.status_code == 303
    session.rollback()
    label = session.scalar(select(Label).where(Label.name == "Hämtning"))
    assert label.mandate and label.rosa_level == 3 and label.signal_word_list == ["soffa", "möbler"]
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.target_id == str(label.id))
                          ) == "label.created"
    agent = login_as(world.agent)
    hits = agent.get("/agent/labels/suggest?q=soffa").get_json()
    assert hits[0]["id"] == label.id


def test_bad_label_input_is_explained_and_kept(world, login_as):
    """A group of another department and a duplicate path are refused field by field."""
    client = login_as(world.admin)
    token = csrf_token(client.get("/admin/labels/new").get_data(as_text=True))
    response = client.post("/admin/labels/new", data={
        **_label_form(world, group_id=str(world.social_group.id), case_type="Sophämtning",
                      name="Utebliven"), "csrf_token": token})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Gruppen Mottagningen hör till förvaltningen Socialförvaltningen" in page
    assert 'value="Sophämtning"' in page


def test_retired_label_keeps_old_cases_but_leaves_the_console(world, login_as, session):
    """Retiring hides a label from new contacts; reactivating brings it back."""
    client = login_as(world.admin)
    label = world.labels["info"]
    token = csrf_token(client.get("/admin/").get_data(as_text=True))
    assert client.post(f"/admin/labels/{label.id}/retire",
                       data={"csrf_token": token}).status_code == 303
    session.rollback()
    assert session.get(Label, label.id).active is False
    agent = login_as(world.agent)
    assert all(h["id"] != label.id for h in agent.get("/agent/labels/suggest?q=soptipp").get_json())
    client = login_as(world.admin)
    token = csrf_token(client.get("/admin/").get_data(as_text=True))
    client.post(f"/admin/labels/{label.id}/reactivate", data={"csrf_token": token})
    session.rollback()
    assert session.get(Label, label.id).active is True


def test_users_cli_creates_accounts_and_tokens(runner, world, session):
    """`flask users create` and `flask users token` work from a fresh shell."""
    result = runner.invoke(args=["users", "create", "nyagent", "--role", "agent",
                                 "--department", "kc", "--password", "ett långt lösenord"])
    assert result.exit_code == 0, result.output
    token = runner.invoke(args=["users", "token", "nyagent", "--name", "crm"])
    assert token.exit_code == 0 and token.output.strip().startswith("evi_")
    short = runner.invoke(args=["users", "create", "kort", "--role", "agent",
                                "--password", "kort"])
    assert short.exit_code == 1


def test_admin_sets_a_deadline_override_and_bad_ones_are_explained(world, login_as, session):
    """Working hours for an urgent label are saved; days and hours together are refused."""
    client = login_as(world.admin)
    token = csrf_token(client.get("/admin/labels/new").get_data(as_text=True))
    refused = client.post("/admin/labels/new", data={
        **_label_form(world, feedback_working_days="2", feedback_working_hours="4"),
        "csrf_token": token})
    assert refused.status_code == 422 and "inte båda" in refused.get_data(as_text=True)
    saved = client.post("/admin/labels/new", data={
        **_label_form(world, feedback_working_hours="4"), "csrf_token": token})
    assert saved.status_code == 303
    session.rollback()
    label = session.scalar(select(Label).where(Label.name == "Hämtning"))
    assert (label.feedback_working_days, label.feedback_working_hours) == (None, 4)
