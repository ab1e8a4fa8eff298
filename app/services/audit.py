"""Recording administrative actions (who, when, what) in the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models import AuditEntry, User


def audit(session: Session, actor: User | None, action: str, target_type: str,
          target_id: object, *, now: datetime, **data: Any) -> AuditEntry:
    entry = AuditEntry(actor_id=actor.id if actor else None, action=action,
                       target_type=target_type, target_id=str(target_id), at=now, data=data)
    session.add(entry)
    return entry
