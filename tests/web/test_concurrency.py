"""Concurrent agents: many contacts logged at once all land, with unique references."""

from __future__ import annotations

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from app.services.users import issue_token
from models import Case, CaseEvent
from tests.factories import NOW

CLIENTS, PER_CLIENT = 8, 6


def test_parallel_intake_loses_nothing_and_never_reports_locked(world, live_server, session):
    """48 contacts from 8 parallel clients: 48 cases, 48 distinct references, no errors."""
    token = issue_token(session, world.agent, "load", now=NOW)
    session.commit()
    labels = [world.labels["guidance"].id, world.labels["investigation"].id]

    def post(i: int) -> int:
        body = {"channel": "phone", "label_id": labels[i % 2], "citizen_words": f"Fråga {i}",
                "answer_given": "Svar", "customer": {"kind": "private", "name": f"Person {i}",
                                                     "phone": f"0701{i:06d}"}}
        request = urllib.request.Request(
            f"{live_server}/api/v1/contacts", data=json.dumps(body).encode(), method="POST",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    with ThreadPoolExecutor(CLIENTS) as pool:
        statuses = list(pool.map(post, range(CLIENTS * PER_CLIENT)))
    assert statuses == [201] * (CLIENTS * PER_CLIENT)
    session.rollback()
    assert session.scalar(select(func.count(Case.id))) == CLIENTS * PER_CLIENT
    assert session.scalar(select(func.count(func.distinct(Case.reference)))) == CLIENTS * PER_CLIENT
    assert session.scalar(select(func.count(CaseEvent.id))) == 4 * CLIENTS * PER_CLIENT
