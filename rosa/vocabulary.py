"""The words cases are described in: channels, customer kinds, statuses, event kinds."""

from __future__ import annotations

from enum import StrEnum

from rosa.i18n import N_


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    CHAT = "chat"
    SMS = "sms"
    LETTER = "letter"
    VISIT = "visit"
    WEB = "web"

    @property
    def title(self) -> str:
        return _CHANNEL_TITLES[self]


class CustomerKind(StrEnum):
    PRIVATE = "private"
    BUSINESS = "business"

    @property
    def title(self) -> str:
        return N_("Private person") if self is CustomerKind.PRIVATE else N_("Business")


class CaseStatus(StrEnum):
    FORWARDED = "forwarded"
    IN_PROGRESS = "in_progress"
    WAITING = "waiting"
    RETURNED = "returned"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def title(self) -> str:
        return _STATUS_TITLES[self]

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset({CaseStatus.FORWARDED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING,
                           CaseStatus.RETURNED})


class Resolution(StrEnum):
    FIRST_CONTACT = "first_contact"
    FORWARDED = "forwarded"

    @property
    def title(self) -> str:
        return N_("Resolved at first contact") if self is Resolution.FIRST_CONTACT else N_(
            "Forwarded"
        )


class EventKind(StrEnum):
    CREATED = "created"
    CONTACT_LOGGED = "contact_logged"
    CLASSIFIED = "classified"
    RESOLVED_AT_FIRST_CONTACT = "resolved_at_first_contact"
    FORWARDED = "forwarded"
    ACTION_ORDERED = "action_ordered"  # answered, and sent to the department for an action
    RECLASSIFIED = "reclassified"
    REROUTED = "rerouted"
    NOTE = "note"
    STATUS_CHANGED = "status_changed"
    CLAIMED = "claimed"
    RELEASED = "released"
    ASSIGNED = "assigned"
    MESSAGE = "message"
    RETURNED = "returned_for_completion"
    COMPLETED = "completed"
    REOPENED = "reopened"
    DETAILS_EDITED = "details_edited"

    @property
    def title(self) -> str:
        return _EVENT_TITLES[self]


class Role(StrEnum):
    AGENT = "agent"
    HANDLER = "handler"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def title(self) -> str:
        return _ROLE_TITLES[self]


_CHANNEL_TITLES = {
    Channel.PHONE: N_("Phone"),
    Channel.EMAIL: N_("E-mail"),
    Channel.CHAT: N_("Chat"),
    Channel.SMS: N_("SMS"),
    Channel.LETTER: N_("Letter"),
    Channel.VISIT: N_("Visit"),
    Channel.WEB: N_("Web form"),
}
_STATUS_TITLES = {
    CaseStatus.FORWARDED: N_("Forwarded"),
    CaseStatus.IN_PROGRESS: N_("In progress"),
    CaseStatus.WAITING: N_("Waiting for the citizen"),
    CaseStatus.RETURNED: N_("Returned for completion"),
    CaseStatus.RESOLVED: N_("Resolved"),
    CaseStatus.CLOSED: N_("Closed"),
}
_EVENT_TITLES = {
    EventKind.CREATED: N_("Case created"),
    EventKind.CONTACT_LOGGED: N_("Contact logged"),
    EventKind.CLASSIFIED: N_("Classified"),
    EventKind.RESOLVED_AT_FIRST_CONTACT: N_("Resolved at first contact"),
    EventKind.FORWARDED: N_("Forwarded"),
    EventKind.ACTION_ORDERED: N_("Sent to the department for action"),
    EventKind.RECLASSIFIED: N_("Reclassified"),
    EventKind.REROUTED: N_("Re-routed"),
    EventKind.NOTE: N_("Note"),
    EventKind.STATUS_CHANGED: N_("Status changed"),
    EventKind.CLAIMED: N_("Claimed"),
    EventKind.RELEASED: N_("Released to the group"),
    EventKind.ASSIGNED: N_("Assigned"),
    EventKind.MESSAGE: N_("Message to the citizen"),
    EventKind.RETURNED: N_("Returned to the contact centre for completion"),
    EventKind.COMPLETED: N_("Completed by the contact centre"),
    EventKind.REOPENED: N_("Reopened"),
    EventKind.DETAILS_EDITED: N_("Case details edited"),
}
_ROLE_TITLES = {
    Role.AGENT: N_("Agent"),
    Role.HANDLER: N_("Handler"),
    Role.MANAGER: N_("Manager"),
    Role.ADMIN: N_("Administrator"),
}
