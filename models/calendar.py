"""The municipality's own calendar settings: opening hours, closed and shortened days.

One row holds the settings as the plain mapping `sla.BusinessCalendar.from_config` reads, so the
admin page, the config file and the tests share one format and one validation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base
from models.types import utcnow


class CalendarSettings(Base):
    __tablename__ = "calendar_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
