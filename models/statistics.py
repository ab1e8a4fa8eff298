"""Pre-aggregated case counts for the managers' dashboards (app.services.statistics).

`stats_daily` holds, per Stockholm day on which cases were *created*, one row per combination
of label, channel, department, group, resolution and ROSA level, with counts. `stats_monthly`
is the same rolled up per month, so that a three-year range reads ~36 rows per combination
instead of ~1,100. Both are derived data: a day (and its month) is always recomputed as a
whole from `cases` in one transaction, never incremented, so refreshing twice cannot count
twice (and the key is each table's primary key). `stats_state` is the one row that says how
fresh they are and serialises refreshes.

The dimension columns carry no foreign keys: the tables are rebuilt from `cases`, and labels,
departments and groups are never deleted. `group_id` is 0 for "no group" (cases answered at
first contact) so that the key can be unique on every database.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Index, PrimaryKeyConstraint, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from models.base import Base
from models.cases import Case

NO_GROUP = 0


class _Counts:
    """The dimensions and counts shared by the daily and the monthly table."""

    label_id: Mapped[int] = mapped_column(autoincrement=False)
    channel: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int] = mapped_column(autoincrement=False)
    group_id: Mapped[int] = mapped_column(autoincrement=False)  # NO_GROUP when none
    resolution: Mapped[str] = mapped_column(String(16))
    rosa_level: Mapped[int] = mapped_column(autoincrement=False)
    cases: Mapped[int]
    # Cases a handler sent on to another group at least once (Case.reroute_count > 0).
    rerouted: Mapped[int]
    # Cases with a feedback deadline; of those, feedback given by the deadline and after it.
    # (Cases without feedback yet are counted live: whether they are late depends on "now".)
    with_deadline: Mapped[int]
    feedback_in_time: Mapped[int]
    feedback_late: Mapped[int]
    # Cases answered at first contact and also sent to a department for an action
    # (Case.action_ordered), and cases moved to another label at least once.
    orders: Mapped[int]
    reclassified: Mapped[int]


KEY = ("label_id", "channel", "department_id", "group_id", "resolution", "rosa_level")
COUNTS = ("cases", "rerouted", "with_deadline", "feedback_in_time", "feedback_late", "orders",
          "reclassified")


class DailyStat(_Counts, Base):
    """Clustered by day (SQLite: WITHOUT ROWID on the key), for ranges of days."""

    __tablename__ = "stats_daily"

    @declared_attr.directive
    def __table_args__(cls):
        return (PrimaryKeyConstraint("day", *KEY, name="pk_stats_daily"),
                {"sqlite_with_rowid": False})

    day: Mapped[date] = mapped_column(Date)  # Europe/Stockholm


class MonthlyStat(_Counts, Base):
    """Clustered by combination, then month: summing a long range over every combination
    reads the table in GROUP BY order instead of sorting it (five times faster on SQLite)."""

    __tablename__ = "stats_monthly"

    @declared_attr.directive
    def __table_args__(cls):
        # No index on month alone: the planner would take it for a range and sort again.
        return (PrimaryKeyConstraint(*KEY, "month", name="pk_stats_monthly"),
                {"sqlite_with_rowid": False})

    month: Mapped[date] = mapped_column(Date)  # the first day of the month


class StatsState(Base):
    """One row (id 1): how far the aggregate has got. Locked while a refresh runs."""

    __tablename__ = "stats_state"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # The figures include every change committed before this instant (the refresh's start).
    refreshed_at: Mapped[datetime | None]
    # Case events up to this id have been looked at; the next refresh looks at later ones.
    event_watermark: Mapped[int] = mapped_column(default=0)
    days_recomputed: Mapped[int] = mapped_column(default=0)
    seconds: Mapped[float] = mapped_column(default=0.0)


# Statistics read cases by label newest first (example wordings, drill-down by label).
Index("ix_cases_label_created", Case.label_id, Case.created_at)
