"""Reclassifying from the agent's case page re-decides the routing (over HTTP, real SMTP)."""

from __future__ import annotations

from sqlalchemy import select

from models import Case
from rosa.vocabulary import CaseStatus, Resolution
from tests.conftest import csrf_token
from tests.web.test_console import _post_contact


def test_an_answered_case_reclassified_to_an_urgent_level_five_goes_to_its_group(
        world, login_as, session, smtp_server):
    """The case is forwarded, the page says where, and the group's mailbox gets the alert."""
    world.streets_group.email = "gata@exempelkommun.se"
    session.commit()
    client = login_as(world.agent)
    _post_contact(client, world.labels["guidance"], answer_given="Kontakta gatukontoret.")
    session.rollback()
    case = session.scalar(select(Case))
    page = client.get(f"/agent/cases/{case.reference}").get_data(as_text=True)
    response = client.post(f"/agent/cases/{case.reference}/reclassify", data={
        "csrf_token": csrf_token(page), "label_id": world.labels["investigation"].id,
        "reason": "Det är ett oljeläckage, inte en fråga"})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Gata och park" in page and "Omklassat" in page
    session.rollback()
    case = session.get(Case, case.id)
    assert case.status is CaseStatus.FORWARDED and case.resolution is Resolution.FORWARDED
    mail = smtp_server.wait_for(1)[0]
    assert mail["To"] == "gata@exempelkommun.se" and case.reference in mail["Subject"]
