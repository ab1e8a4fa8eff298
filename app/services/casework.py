"""Working a forwarded case: claim, hand over, wait, resolve, re-route, notes and messages.

Each public function is one handler action, and each checks in this order: the page's version
once, at the start (optimistic locking on `Case.version`: a change made on an out-of-date
page, or the same form sent twice, is refused), then the lifecycle rule (`rosa.lifecycle`),
then the input; only then does it change the case and record one event. An action with
several parts (resolving with an answer to the citizen, waiting with a question) applies them
all after that one check, so its own parts never conflict with each other. None of them
commits: the view commits once, so a refused step leaves nothing behind.

The citizen is *told* by a message, or by words that come with waiting or resolving; only
being told gives feedback (`Case.feedback_given_at`, which meets the deadline). A resolution
without words tells the citizen nothing and leaves the deadline open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from app.services.history import record_event
from models import Case, CaseEvent, Group, Label, User, group_members
from rosa.errors import RuleViolations, violation
from rosa.i18n import N_
from rosa.lifecycle import Action, Actor, check_action
from rosa.vocabulary import CaseStatus, EventKind

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MAX_TEXT = 10_000


def actor_for(session: Session, user: User, case: Case) -> Actor:
    leads = bool(case.group_id) and bool(session.scalar(select(exists().where(
        group_members.c.group_id == case.group_id, group_members.c.user_id == user.id,
        group_members.c.is_lead))))
    return Actor(id=user.id, role=user.role, leads_group=leads)


def is_member(session: Session, user_id: int, group_id: int | None) -> bool:
    return group_id is not None and bool(session.scalar(select(exists().where(
        group_members.c.group_id == group_id, group_members.c.user_id == user_id))))


@dataclass(frozen=True)
class Told:
    """What an action told the citizen: the words, and the e-mail queued with them (if any)."""

    text: str
    mail_id: int | None


def expect_version(session: Session, case: Case, expected: int | None, *,
                   user: User | None = None) -> None:
    """Refuse a change made on a page that shows an older version of the case.

    When the newer version is the user's own (the form was sent twice, or the case is open in
    two windows), say so: nothing was done twice.
    """
    if expected is None or expected == case.version:
        return
    last = session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id)
                          .order_by(CaseEvent.id.desc()).limit(1))
    when = last.at.astimezone(STOCKHOLM).strftime("%H:%M") if last is not None else "?"
    if last is not None and user is not None and last.actor_id == user.id:
        raise RuleViolations([violation(
            "version", N_("You already changed this case at %(time)s (the form was sent twice, "
                          "or the case is open in another window). Nothing was saved this "
                          "time, so nothing was done twice; the page shows the case as it is "
                          "now."), time=when)])
    who = last.actor.full_name if last is not None and last.actor is not None else "?"
    raise RuleViolations([violation(
        "version", N_("%(who)s changed this case at %(time)s while you had it open. Nothing "
                      "was saved; reload the case to see the change, then try again."),
        who=who, time=when)])


def _text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise RuleViolations([violation(field, message)])
    if len(value) > MAX_TEXT:
        raise RuleViolations([violation(field, N_("At most %(max)s characters"), max=MAX_TEXT)])
    return value


def _move(session: Session, case: Case, user: User, action: Action) -> tuple[CaseStatus,
                                                                          CaseStatus]:
    """The status now and after `action`, or RuleViolations (the version is checked before)."""
    actor = actor_for(session, user, case)
    target = check_action(action, case.status, actor=actor, holder_id=case.claimed_by_id)
    return case.status, target


def _require_member(session: Session, user: User, case: Case) -> None:
    if not is_member(session, user.id, case.group_id):
        raise RuleViolations([violation(
            "action", N_("Only members of the group %(group)s can do this"),
            group=case.group.name if case.group else "—")])


def claim(session: Session, case: Case, user: User, *, now: datetime) -> Case:
    """Take an unclaimed case. Of two handlers claiming at once, exactly one wins.

    The conditional UPDATE is the arbiter: it changes the row only while nobody holds it, so
    the loser sees zero rows changed and is told who has the case.
    """
    if case.claimed_by_id is not None and (case.claimed_by_id != user.id or case.status in (
            CaseStatus.IN_PROGRESS, CaseStatus.WAITING)):
        _refuse_claimed(session, case, user)
    _require_member(session, user, case)
    source, target = _move(session, case, user, Action.CLAIM)
    changed = session.execute(
        update(Case).where(Case.id == case.id, Case.status == CaseStatus.FORWARDED,
                           Case.claimed_by_id.is_(None))
        .values(status=target, claimed_by_id=user.id, claimed_at=now, updated_at=now,
                version=Case.version + 1)
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(case)
    if changed != 1:
        _refuse_claimed(session, case, user)
    record_event(session, case, EventKind.CLAIMED, actor=user, now=now, citizen_visible=True,
                 **{"from": source.value, "to": target.value})
    return case


def _refuse_claimed(session: Session, case: Case, user: User) -> None:
    """Say who has the case; a second "take" by the holder (a double click) is no conflict."""
    since = case.claimed_at.astimezone(STOCKHOLM).strftime("%H:%M") if case.claimed_at else "?"
    if case.claimed_by_id == user.id:
        raise RuleViolations([violation(
            "action", N_("You already have this case (since %(time)s); nothing was done "
                         "twice."), time=since)])
    holder = session.get(User, case.claimed_by_id) if case.claimed_by_id else None
    raise RuleViolations([violation(
        "action", N_("%(who)s already has this case (since %(time)s)."),
        who=holder.full_name if holder else "?", time=since)])


def release(session: Session, case: Case, user: User, *, expected_version: int | None,
            now: datetime) -> Case:
    """Give the case back to the group queue, e.g. before going on leave."""
    expect_version(session, case, expected_version, user=user)
    source, target = _move(session, case, user, Action.RELEASE)
    previous = case.claimed_by_id
    case.status, case.claimed_by_id, case.claimed_at, case.updated_at = target, None, None, now
    record_event(session, case, EventKind.RELEASED, actor=user, now=now,
                 previous_holder_id=previous, **{"from": source.value, "to": target.value})
    return case


def assign(session: Session, case: Case, user: User, assignee_id: int | None, *,
           expected_version: int | None, now: datetime) -> Case:
    """A group lead gives the case to a member of the group."""
    expect_version(session, case, expected_version, user=user)
    source, target = _move(session, case, user, Action.ASSIGN)
    if not actor_for(session, user, case).leads_group:
        raise RuleViolations([violation("action", N_("Only the group lead can assign cases"))])
    assignee = session.get(User, assignee_id) if assignee_id else None
    if assignee is None or not assignee.is_active_account or not is_member(
            session, assignee.id, case.group_id):
        raise RuleViolations([violation("assignee_id", N_("Choose a member of the group"))])
    case.status, case.claimed_by_id, case.claimed_at, case.updated_at = (
        target, assignee.id, now, now)
    record_event(session, case, EventKind.ASSIGNED, actor=user, now=now,
                 citizen_visible=source is CaseStatus.FORWARDED, assignee_id=assignee.id,
                 assignee=assignee.full_name, **{"from": source.value, "to": target.value})
    return case


_STATUS_ACTIONS = {
    Action.WAIT: EventKind.STATUS_CHANGED,
    Action.RESUME: EventKind.STATUS_CHANGED,
    Action.RESOLVE: EventKind.STATUS_CHANGED,
    Action.CLOSE: EventKind.STATUS_CHANGED,
    Action.REOPEN: EventKind.REOPENED,
}


# Actions whose form may carry words to the citizen, and how the e-mail introduces them.
TELLING = (Action.MESSAGE, Action.WAIT, Action.RESOLVE)


def change_status(session: Session, case: Case, user: User, action: Action, *,
                  expected_version: int | None, now: datetime, comment: str = "",
                  message: str = "") -> Told | None:
    """Wait for the citizen, resume, resolve, close or reopen, as one action.

    Waiting and resolving may carry words to the citizen (`message`: what the handler needs,
    or the answer). They go into the status event itself, are shown on the tracking page and
    e-mailed when there is an address, and meet the feedback deadline; returns them, or None
    when the citizen was told nothing.
    """
    if action not in _STATUS_ACTIONS:
        raise ValueError(action)
    message = (message or "").strip()
    if message and action not in TELLING:
        raise ValueError(f"{action} carries no message")
    expect_version(session, case, expected_version, user=user)
    if action in (Action.CLOSE, Action.REOPEN):
        _require_member(session, user, case)
    source, target = _move(session, case, user, action)
    if message:
        _check_length(message, "message")
    comment = (comment or "").strip()[:MAX_TEXT]
    case.status, case.updated_at = target, now
    if action is Action.RESOLVE:
        case.resolved_at = now
    elif action is Action.REOPEN:
        case.resolved_at = None
        case.claimed_by_id, case.claimed_at = user.id, now
    told = _tell(session, case, message, action, now=now) if message else None
    extra = {"text": told.text, "mail_id": told.mail_id} if told else {}
    record_event(session, case, _STATUS_ACTIONS[action], actor=user, now=now,
                 citizen_visible=True, action=action.value, comment=comment, **extra,
                 **{"from": source.value, "to": target.value})
    return told


def return_for_completion(session: Session, case: Case, user: User, missing: str, *,
                          expected_version: int | None, now: datetime) -> Case:
    """Send the case back to the contact centre, naming what is missing ("komplettering")."""
    expect_version(session, case, expected_version, user=user)
    missing = _text(missing, "missing", N_("Say what information is missing"))
    _require_member(session, user, case)
    source, target = _move(session, case, user, Action.RETURN)
    case.status, case.claimed_by_id, case.claimed_at, case.updated_at = target, None, None, now
    record_event(session, case, EventKind.RETURNED, actor=user, now=now, missing=missing,
                 **{"from": source.value, "to": target.value})
    return case


def complete(session: Session, case: Case, user: User, added: str, *,
             expected_version: int | None, now: datetime) -> Case:
    """The contact centre adds what was missing and sends the case back to the same group."""
    expect_version(session, case, expected_version, user=user)
    added = _text(added, "added", N_("Say what you added"))
    source, target = _move(session, case, user, Action.COMPLETE)
    case.status, case.updated_at = target, now
    record_event(session, case, EventKind.COMPLETED, actor=user, now=now, added=added,
                 group=case.group.name if case.group else None,
                 **{"from": source.value, "to": target.value})
    return case


def reroute(session: Session, case: Case, user: User, group_id: int | None, reason: str, *,
            expected_version: int | None, now: datetime) -> Case:
    """Send the case to another group; the history stays and it counts as mis-routed."""
    expect_version(session, case, expected_version, user=user)
    problems = []
    group = session.get(Group, group_id) if group_id else None
    if group is None:
        problems.append(violation("group_id", N_("Choose the group that should have the case")))
    elif group.id == case.group_id:
        problems.append(violation("group_id", N_("The case is already in this group")))
    if not (reason or "").strip():
        problems.append(violation("reason", N_("Say why the case goes to another group")))
    if problems:
        raise RuleViolations(problems)
    _require_member(session, user, case)
    source, target = _move(session, case, user, Action.REROUTE)
    old_group = case.group
    record_event(session, case, EventKind.REROUTED, actor=user, now=now, citizen_visible=True,
                 from_group_id=old_group.id if old_group else None,
                 from_group=old_group.name if old_group else None, group_id=group.id,
                 group=group.name, department_id=group.department_id,
                 department=group.department.name, reason=reason.strip()[:MAX_TEXT],
                 misrouted=True, **{"from": source.value, "to": target.value})
    case.group_id, case.department_id = group.id, group.department_id
    case.status, case.claimed_by_id, case.claimed_at, case.updated_at = target, None, None, now
    case.reroute_count += 1
    return case


def add_note(session: Session, case: Case, user: User, text: str, *,
             expected_version: int | None = None, now: datetime) -> None:
    """An internal note: staff only, never shown to the citizen."""
    expect_version(session, case, expected_version, user=user)
    text = _text(text, "note", N_("Write the note"))
    check_action(Action.NOTE, case.status, actor=actor_for(session, user, case),
                 holder_id=case.claimed_by_id)
    record_event(session, case, EventKind.NOTE, actor=user, now=now, text=text)
    case.updated_at = now


def send_message(session: Session, case: Case, user: User, text: str, *,
                 expected_version: int | None = None, now: datetime) -> Told:
    """A message to the citizen: shown on the tracking page, mailed when we have an address.

    The first one meets the feedback deadline.
    """
    expect_version(session, case, expected_version, user=user)
    text = _text(text, "message", N_("Write the message"))
    check_action(Action.MESSAGE, case.status, actor=actor_for(session, user, case),
                 holder_id=case.claimed_by_id)
    case.updated_at = now
    told = _tell(session, case, text, Action.MESSAGE, now=now)
    record_event(session, case, EventKind.MESSAGE, actor=user, now=now, citizen_visible=True,
                 text=text, department=case.department.name, mail_id=told.mail_id)
    return told


def _check_length(value: str, field: str) -> None:
    if len(value) > MAX_TEXT:
        raise RuleViolations([violation(field, N_("At most %(max)s characters"), max=MAX_TEXT)])


def _tell(session: Session, case: Case, text: str, action: Action, *, now: datetime) -> Told:
    """The citizen is told `text`: feedback is given, and it is e-mailed when we can."""
    from app.services.mail import queue_mail

    case.feedback_given_at = case.feedback_given_at or now
    address = case.customer.email if case.customer is not None else None
    if not address:
        return Told(text, None)
    subject, body = _citizen_mail(case, text, action)
    mail = queue_mail(session, to=address, subject=subject, body=body, case_id=case.id,
                      now=now)
    return Told(text, mail.id if mail is not None else None)


def _citizen_mail(case: Case, text: str, action: Action) -> tuple[str, str]:
    """Subject and body of the e-mail that tells the citizen, in the default language."""
    from flask import current_app
    from flask_babel import force_locale
    from flask_babel import gettext as _

    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "sv")):
        values = dict(department=case.department.name, ref=case.reference, text=text)
        if action is Action.RESOLVE:
            subject = _("Your case %(ref)s is resolved", ref=case.reference)
            intro = _("%(department)s has resolved your case %(ref)s and answers:\n\n%(text)s",
                      **values)
        elif action is Action.WAIT:
            subject = _("About your case %(ref)s: we need more information", ref=case.reference)
            intro = _("%(department)s needs more information from you to go on with your case "
                      "%(ref)s:\n\n%(text)s", **values)
        else:
            subject = _("About your case %(ref)s", ref=case.reference)
            intro = _("%(department)s has written about your case %(ref)s:\n\n%(text)s",
                      **values)
        body = _("Hello,\n\n%(intro)s\n\nYou can follow the case with its reference and "
                 "tracking code. Please do not reply to this e-mail; contact us through the "
                 "contact centre instead.\n\n%(municipality)s", intro=intro,
                 municipality=current_app.config.get("MUNICIPALITY_NAME", ""))
    return subject, body


def edit_details(session: Session, case: Case, user: User, summary: str, *,
                 expected_version: int | None, now: datetime) -> Case:
    """Correct the case summary. A stale page is refused instead of overwriting."""
    expect_version(session, case, expected_version, user=user)
    check_action(Action.EDIT, case.status, actor=actor_for(session, user, case),
                 holder_id=case.claimed_by_id)
    summary = (summary or "").strip()
    if len(summary) > MAX_TEXT:
        raise RuleViolations([violation("summary", N_("At most %(max)s characters"),
                                        max=MAX_TEXT)])
    if summary == case.summary:
        return case
    record_event(session, case, EventKind.DETAILS_EDITED, actor=user, now=now,
                 before=case.summary, after=summary)
    case.summary, case.updated_at = summary, now
    return case


def alert_urgent_case(session: Session, case: Case, *, now: datetime) -> int:
    """Tell the group at once that an urgent case arrived (in the app and by e-mail).

    Keyed by case and group, so the same arrival never alerts twice; a re-routed urgent case
    alerts its new group.
    """
    from app.services.notifications import URGENT_CASE, notify_group

    if not case.urgent or case.group_id is None:
        return 0
    group = session.get(Group, case.group_id)
    label = session.get(Label, case.label_id)
    subject, body = _urgent_mail(case, group, label)
    return notify_group(session, group, kind=URGENT_CASE, case_id=case.id,
                        data={"reference": case.reference, "label": " › ".join(label.path)},
                        now=now, dedupe_key=f"urgent:{case.id}:{group.id}",
                        mail_subject=subject, mail_body=body)


def _urgent_mail(case: Case, group: Group, label: Label) -> tuple[str, str]:
    """The e-mail that tells a group an urgent case has arrived, in the default language."""
    from flask import current_app
    from flask_babel import force_locale
    from flask_babel import gettext as _

    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "sv")):
        subject = _("URGENT case %(ref)s: %(label)s", ref=case.reference, label=label.name)
        body = _("An urgent case has arrived in %(group)s: %(ref)s (%(path)s).\n\n"
                 "Open the queue in En väg in and take the case.",
                 group=group.name, ref=case.reference, path=" › ".join(label.path))
    return subject, body
