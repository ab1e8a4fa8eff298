"""SQLAlchemy models. Import from here; nothing in this package renders HTML or imports `app`."""

from models.audit import AuditEntry
from models.base import Base, db
from models.calendar import CalendarSettings
from models.cases import Case, Contact, ReferenceCounter
from models.customers import Customer, CustomerNameTerm
from models.events import CaseEvent
from models.guides import GuideField
from models.knowledge import (
    Article,
    ArticleFlag,
    ArticleUse,
    ArticleVersion,
    Bulletin,
    ThesaurusEntry,
    article_labels,
    bulletin_labels,
)
from models.notifications import Notification, OutgoingMail
from models.organisation import Department, Group, group_members
from models.portal import AnswerHelpedCount, Feedback, FeedbackKind
from models.statistics import DailyStat, MonthlyStat, StatsState
from models.submissions import FormSubmission
from models.taxonomy import CaseType, Function, Label
from models.users import ApiToken, User

__all__ = [
    "AnswerHelpedCount",
    "Feedback",
    "FeedbackKind",
    "Article",
    "ArticleFlag",
    "ArticleUse",
    "ArticleVersion",
    "Bulletin",
    "ThesaurusEntry",
    "article_labels",
    "bulletin_labels",
    "ApiToken",
    "AuditEntry",
    "FormSubmission",
    "Base",
    "CalendarSettings",
    "Case",
    "CaseEvent",
    "CaseType",
    "Contact",
    "Customer",
    "CustomerNameTerm",
    "DailyStat",
    "Department",
    "Function",
    "Group",
    "GuideField",
    "Label",
    "MonthlyStat",
    "Notification",
    "OutgoingMail",
    "ReferenceCounter",
    "StatsState",
    "User",
    "db",
    "group_members",
]
