"""Action labels in the console, the case page and the handler's queue (over HTTP)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Case
from rosa.vocabulary import CaseStatus, Resolution
from tests.web.test_console import _post_contact

OUTCOME = "Besvaras direkt och skickas till Avfall (Tekniska förvaltningen) för åtgärd"


@pytest.fixture
def missed(session, world):
    label = world.labels["admin_mandate"]
    label.action = True
    session.commit()
    return label


def test_the_console_tells_the_agent_to_answer_and_send_for_action(world, login_as, missed):
    """The outcome line (JSON for the script, and the page without it) names the group."""
    client = login_as(world.agent)
    info = client.get(f"/agent/labels/{missed.id}").get_json()
    assert info["outcome"] == OUTCOME and info["action"] and not info["forwards"]
    suggested = client.get("/agent/labels/suggest?q=tunnan inte tömd").get_json()
    assert suggested[0]["outcome"] == OUTCOME
    page = _post_contact(client, missed, answer_given="").get_data(as_text=True)
    assert OUTCOME in page  # re-rendered with the label chosen and the answer missing


def test_logging_an_action_contact_says_where_it_went(world, login_as, session, missed):
    """Saved as answered and sent for action; the handler finds it in the group queue."""
    agent = login_as(world.agent)
    response = _post_contact(agent, missed, answer_given="Bilen kommer tillbaka i morgon.")
    assert response.status_code == 303
    page = agent.get(response.headers["Location"]).get_data(as_text=True)
    assert "besvarades och skickades till Avfall för åtgärd" in page
    assert "skickat till förvaltningen för åtgärd" in page
    session.rollback()
    case = session.scalar(select(Case))
    assert case.resolution is Resolution.FIRST_CONTACT and case.status is CaseStatus.FORWARDED
    queue = login_as(world.handler).get("/queues/").get_data(as_text=True)
    assert case.reference in queue
