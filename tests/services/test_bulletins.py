"""The bulletin board: notices in force for the label in hand, newest first; rules checked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.services.knowledge.bulletins import (
    BulletinInput,
    active_bulletins,
    bulletin_board,
    delete_bulletin,
    labels_by_bulletin,
    local_datetime,
    save_bulletin,
)
from models import AuditEntry, Bulletin
from rosa.errors import RuleViolations


def _notice(session, world, now, title, *, start=-1, end=1, **fields) -> Bulletin:
    data = BulletinInput(title=title, kind=fields.pop("kind", "road_works"),
                         starts_at=now + timedelta(hours=start),
                         ends_at=now + timedelta(hours=end), **fields)
    return save_bulletin(session, world.admin, None, data, now=now)


def test_active_bulletins_for_a_label_are_untied_or_tied_to_it_or_its_function(session, world,
                                                                               now):
    """Untied, same label, same function: shown; another function or label, or out of
    period: not. Newest start first."""
    waste, streets = world.labels["info"], world.labels["routine_no_mandate"]
    everyone = _notice(session, world, now, "Telefonistörning", start=-5, kind="system_outage")
    function = _notice(session, world, now, "Avfall: sen tömning", start=-2,
                       function_id=waste.case_type.function_id)
    label = _notice(session, world, now, "ÅVC stängd", start=-1, label_ids=[waste.id])
    _notice(session, world, now, "Gata: vägarbete", start=-1, label_ids=[streets.id])
    _notice(session, world, now, "Kommande", start=2, end=5)
    _notice(session, world, now, "Slut", start=-5, end=0)
    session.commit()
    assert active_bulletins(session, now=now, label_id=waste.id) == [label, function, everyone]
    other_waste = world.labels["admin_mandate"]  # same function, other label
    assert active_bulletins(session, now=now, label_id=other_waste.id) == [function, everyone]
    assert active_bulletins(session, now=now, function_id=waste.case_type.function_id) == [
        label, function, everyone]
    assert len(active_bulletins(session, now=now)) == 4


def test_board_splits_active_upcoming_and_past(session, world, now):
    """The administrator sees what is in force, what is coming and what has ended."""
    _notice(session, world, now, "Nu")
    _notice(session, world, now, "Sedan", start=24, end=48, kind="seasonal")
    _notice(session, world, now, "Förr", start=-48, end=-24, kind="disruption")
    board = bulletin_board(session, now=now)
    assert [[b.title for b in part] for part in (board.active, board.upcoming, board.past)] == [
        ["Nu"], ["Sedan"], ["Förr"]]


def test_bad_notices_are_refused_with_every_problem(session, world, now):
    """Empty title, unknown kind, end before start, unknown label; times as local text."""
    with pytest.raises(RuleViolations) as refused:
        save_bulletin(session, world.admin, None, BulletinInput(
            title="", kind="party", starts_at="2026-12-01 10:00", ends_at="2026-12-01T09:00",
            label_ids=[999_999]), now=now)
    assert set(refused.value.by_field()) == {"title", "kind", "ends_at", "label_ids"}
    with pytest.raises(RuleViolations) as unreadable:
        save_bulletin(session, world.admin, None, BulletinInput(
            title="X", starts_at="imorgon", ends_at=None), now=now)
    assert set(unreadable.value.by_field()) == {"starts_at", "ends_at"}


def test_local_times_are_swedish_and_a_bare_end_date_includes_the_day():
    """"2026-12-24" as an end means midnight after Christmas Eve, Swedish time."""
    start, end = local_datetime("2026-12-24 08:00"), local_datetime("2026-12-24", end=True)
    assert start.utcoffset() == timedelta(hours=1) and start.hour == 8
    assert (end - start) == timedelta(hours=16)


def test_editing_and_deleting_a_notice_is_audited(session, world, now):
    """Labels follow the edit; the deletion leaves an audit entry."""
    notice = _notice(session, world, now, "Vägarbete", label_ids=[world.labels["info"].id])
    save_bulletin(session, world.admin, notice, BulletinInput(
        title="Vägarbete Storgatan", kind="road_works", starts_at=notice.starts_at,
        ends_at=notice.ends_at, area="Storgatan",
        label_ids=[world.labels["guidance"].id]), now=now)
    assert labels_by_bulletin(session, [notice.id]) == {notice.id: [world.labels["guidance"].id]}
    delete_bulletin(session, world.admin, notice, now=now)
    session.commit()
    assert session.scalar(select(Bulletin)) is None
    assert list(session.scalars(select(AuditEntry.action).where(
        AuditEntry.target_type == "bulletin").order_by(AuditEntry.id))) == [
        "bulletin.created", "bulletin.updated", "bulletin.deleted"]
