"""The demo municipality Exempelkommun: taxonomy, a login for every role and ~2,000 historical
contacts from the last 90 days.

The contacts go through `log_contact`, the same one way in as real ones (DESIGN invariant 1),
so the demo exercises the real routing rules and its history looks like the real thing. The
mix follows the source documents: about 80 % of contacts by phone, about 70 % resolved at first
contact, weekday office hours in Europe/Stockholm. A seeded random generator makes every load
identical. Generated people are fictional: phone numbers come from the series PTS reserves
for fiction (070-174 06 05–99), e-mail addresses use the reserved example.* domains.
"""

from __future__ import annotations

import bisect
import itertools
import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload
from stdnum import luhn

from app.services.guides import label_guide
from app.services.history import record_event
from app.services.intake import log_contact
from app.services.knowledge.files import import_demo_knowledge
from app.services.taxonomy_io import import_taxonomy
from app.services.users import create_user
from models import (
    Case,
    CaseType,
    Department,
    Group,
    Label,
    Notification,
    OutgoingMail,
    User,
    group_members,
)
from rosa.errors import RuleViolations, violation
from rosa.guides import FieldKind, FieldSpec
from rosa.i18n import N_
from rosa.intake import ContactDraft, CustomerDraft
from rosa.levels import RosaLevel
from rosa.routing import OverrideReason
from rosa.vocabulary import CaseStatus, Channel, EventKind, Role

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"
TAXONOMY_FILE = DEMO_DIR / "exempelkommun.yaml"
CONTACTS_FILE = DEMO_DIR / "contacts.yaml"
DEFAULT_CASES = 2000
HISTORY_DAYS = 90
SEED = 2026

# About 80 % of contacts are by phone (DOMAIN.md, "Scale figures").
CHANNEL_MIX = {Channel.PHONE: 80, Channel.EMAIL: 8, Channel.VISIT: 4, Channel.WEB: 4,
               Channel.CHAT: 2, Channel.LETTER: 1, Channel.SMS: 1}
# Calls, visits and chats happen while the centre is open (weekdays 08–17, busiest mornings);
# e-mail, web forms and SMS arrive at any time, mostly in the daytime.
OFFICE_HOURS = {8: 9, 9: 14, 10: 14, 11: 11, 12: 7, 13: 11, 14: 10, 15: 9, 16: 6}
ANY_HOUR = {6: 2, 7: 4, 8: 8, 9: 10, 10: 10, 11: 9, 12: 8, 13: 9, 14: 9, 15: 8, 16: 7,
            17: 6, 18: 6, 19: 7, 20: 8, 21: 7, 22: 4, 23: 2}
WEEKDAY_WEIGHTS = (1.25, 1.1, 1.0, 1.0, 0.85, 0.25, 0.2)  # Monday first; weekends: digital only
OFFICE_CHANNELS = {Channel.PHONE, Channel.VISIT, Channel.CHAT, Channel.LETTER}
SEASONS = {"winter": {11, 12, 1, 2, 3}, "summer": {5, 6, 7, 8}}
OVERRIDE_SHARE = 0.02  # agents forward a few contacts they could have answered
DEMO_OVERRIDES = (  # (reason, the agent's words) for those
    (OverrideReason.CITIZEN_ASKS.value, "Vill prata med handläggaren själv"),
    (OverrideReason.NEEDS_ASSESSMENT.value, ""),
    (OverrideReason.ANSWER_INSUFFICIENT.value, "Svaret i kunskapsbanken täcker inte fallet"),
    (OverrideReason.OTHER.value, "Medborgaren var missnöjd med tidigare svar"),
)
ANONYMOUS_SHARE = 0.55  # answered questions often need no name at all


class DemoLogin(NamedTuple):
    username: str
    password: str
    role: Role
    description: str


@dataclass(frozen=True)
class _DemoUser:
    login: DemoLogin
    full_name: str
    department: str
    groups: tuple[str, ...] = ()
    leads: tuple[str, ...] = ()


_DEMO_USERS = (
    _DemoUser(DemoLogin("agent", "demo-agent-2026", Role.AGENT,
                        N_("Contact-centre agent")), "Anna Lindqvist", "kc", ("kc-allmant",)),
    _DemoUser(DemoLogin("agent2", "demo-agent2-2026", Role.AGENT,
                        N_("Second contact-centre agent")), "Mohammed Karimi", "kc",
              ("kc-allmant",)),
    _DemoUser(DemoLogin("handlare", "demo-handler-2026", Role.HANDLER,
                        N_("Handler in technical services (waste, streets, water)")),
              "Erik Johansson", "tekn",
              ("tekn-avfall", "tekn-gata", "tekn-va")),
    _DemoUser(DemoLogin("gruppledare", "demo-lead-2026", Role.HANDLER,
                        N_("Group lead of preschool; also handles school cases")),
              "Sara Nilsson", "bou", ("bou-forskola", "bou-grundskola"), ("bou-forskola",)),
    _DemoUser(DemoLogin("chef", "demo-manager-2026", Role.MANAGER,
                        N_("Contact-centre manager (statistics)")), "Karin Berg", "kc"),
    _DemoUser(DemoLogin("admin", "demo-admin-2026", Role.ADMIN,
                        N_("Administrator (taxonomy, users)")), "Per Holm", "kc"),
)
DEMO_LOGINS: list[DemoLogin] = [user.login for user in _DEMO_USERS]


@dataclass(frozen=True)
class DemoSummary:
    departments: int
    labels: int
    users: int
    cases: int
    first_contact: int

    @property
    def first_contact_share(self) -> float:
        return self.first_contact / self.cases if self.cases else 0.0


def load_demo(
    session: Session, *, now: datetime, users_allowed: bool, cases: int = DEFAULT_CASES,
    force: bool = False, seed: int = SEED, reference_prefix: str = "KC",
) -> DemoSummary:
    """Load Exempelkommun into an empty database; raise RuleViolations instead of duplicating.

    `users_allowed` must come from configuration: the demo logins have published passwords
    and must never exist in production. `force` allows a database that already has
    departments (say, from a taxonomy import) as long as it has no cases and no demo users.
    """
    _refuse_unless_empty(session, users_allowed=users_allowed, force=force)
    import_taxonomy(session, TAXONOMY_FILE.read_text(encoding="utf-8"), now=now)
    users = _create_users(session, now)
    import_demo_knowledge(session, now=now)  # articles name demo users as reviewers
    rng = random.Random(seed)
    first_contact = _ContactGenerator(session, rng, users, now).log(cases, reference_prefix)
    _settle_history(session, now)
    return DemoSummary(
        departments=session.scalar(select(func.count(Department.id))) or 0,
        labels=session.scalar(select(func.count(Label.id)).where(Label.active)) or 0,
        users=len(users), cases=cases, first_contact=first_contact,
    )


def demo_is_loaded(session: Session) -> bool:
    """True when every demo login exists, i.e. the demo was loaded before. Lets `make run`
    call `flask demo load` every time without failing or loading twice."""
    usernames = [login.username for login in DEMO_LOGINS]
    found = session.scalar(select(func.count(User.id)).where(User.username.in_(usernames)))
    return found == len(usernames)


def _settle_history(session: Session, now: datetime) -> None:
    """The urgent alerts of 90 days of history went out back then: their e-mail counts as
    sent and their notifications as read, except the last day's (a handler's fresh ones)."""
    session.flush()
    session.execute(update(OutgoingMail).where(OutgoingMail.sent_at.is_(None))
                    .values(sent_at=OutgoingMail.created_at))
    session.execute(update(Notification).where(Notification.read_at.is_(None),
                                               Notification.created_at < now - timedelta(days=1))
                    .values(read_at=Notification.created_at))


def _refuse_unless_empty(session: Session, *, users_allowed: bool, force: bool) -> None:
    if not users_allowed:
        raise RuleViolations([violation("users", N_(
            "Demo users have published passwords and are not allowed in this environment "
            "(DEMO_USERS_ALLOWED is off)"))])
    problems = []
    if session.scalar(select(Case.id).limit(1)) is not None:
        problems.append(violation("database", N_(
            "The database already has cases; the demo is loaded only once, into an empty "
            "database")))
    taken = session.scalars(select(User.username).where(
        User.username.in_([login.username for login in DEMO_LOGINS]))).all()
    for username in taken:
        problems.append(violation("users", N_("The demo user %(username)s already exists"),
                                  username=username))
    if not force and session.scalar(select(Department.id).limit(1)) is not None:
        problems.append(violation("database", N_(
            "The database already has departments; the demo is loaded only into an empty "
            "database")))
    if problems:
        raise RuleViolations(problems)


def _create_users(session: Session, now: datetime) -> dict[str, User]:
    users = {}
    for spec in _DEMO_USERS:
        users[spec.login.username] = create_user(
            session, username=spec.login.username, full_name=spec.full_name,
            password=spec.login.password, role=spec.login.role, department_code=spec.department,
            group_codes=spec.groups,
            email=f"{spec.login.username}.demo@exempelkommun.se", now=now)
    session.flush()
    for spec in _DEMO_USERS:
        for code in spec.leads:
            group_id = select(Group.id).where(Group.code == code).scalar_subquery()
            session.execute(update(group_members).where(
                group_members.c.user_id == users[spec.login.username].id,
                group_members.c.group_id == group_id).values(is_lead=True))
    return users


# --- contacts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Topic:
    """A label and what citizens say about it (app/demo/contacts.yaml)."""

    label: Label
    weight: int
    words: tuple[str, ...]
    answer: str = ""
    business: float = 0.04
    personnummer: bool = False
    address: bool = False
    season: str | None = None

    @property
    def answerable(self) -> bool:
        level = RosaLevel(self.label.rosa_level)
        return not level.department_only and (self.label.mandate or not level.needs_mandate)


def _topics(session: Session) -> list[_Topic]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available
    data = yaml.load(CONTACTS_FILE.read_text(encoding="utf-8"), Loader=loader)
    query = select(Label).where(Label.active).options(
        joinedload(Label.case_type).joinedload(CaseType.function), joinedload(Label.group))
    labels = {" > ".join(label.path): label for label in session.scalars(query).unique()}
    missing = set(labels) ^ set(data)
    if missing:
        raise RuntimeError(f"contacts.yaml and the demo taxonomy disagree on {sorted(missing)}")
    return [_Topic(labels[path], entry["weight"], tuple(entry["words"]),
                   entry.get("answer", ""), entry.get("business", 0.04),
                   entry.get("personnummer", False), entry.get("address", False),
                   entry.get("season"))
            for path, entry in data.items()]


class _ContactGenerator:
    """Draws contacts (when, how, about what, from whom) and logs them in time order."""

    def __init__(self, session: Session, rng: random.Random, users: dict[str, User],
                 now: datetime):
        self.session, self.rng, self.now = session, rng, now
        self.topics = _topics(session)
        self.agents = [user for user in users.values() if user.role is Role.AGENT]
        self.handlers = {group.code: user for user in users.values() if user.role is
                         Role.HANDLER for group in user.groups}
        self.people = _People(rng)
        # Guide answers draw from their own generator, so adding a guide field to the demo
        # taxonomy does not change which contacts are drawn.
        self.answers = _GuideAnswers(random.Random(seed_of(rng)), now.date())
        self.override_reasons = random.Random(seed_of(rng) + 1)  # likewise
        self._by_month: dict[int, tuple[list[_Topic], list[float]]] = {}
        today = now.astimezone(STOCKHOLM).date()
        days = [today - timedelta(days=n) for n in range(1, HISTORY_DAYS + 1)]
        weekdays = [day for day in days if day.weekday() < 5]
        self._days = {True: (weekdays, [WEEKDAY_WEIGHTS[d.weekday()] for d in weekdays]),
                      False: (days, [WEEKDAY_WEIGHTS[d.weekday()] for d in days])}

    def log(self, count: int, reference_prefix: str) -> int:
        """Log `count` contacts oldest first (so references count up with time); return how
        many were resolved at first contact."""
        moments = sorted(self._moment(channel) for channel in self.rng.choices(
            list(CHANNEL_MIX), weights=list(CHANNEL_MIX.values()), k=count))
        first_contact = 0
        # log_contact flushes once itself; without autoflush the reference counter's UPDATE
        # does not flush the previous contact's events separately, which halves the flushes.
        with self.session.no_autoflush:
            for received, channel in moments:
                topic = self._topic(received.astimezone(STOCKHOLM).month)
                result = log_contact(
                    self.session, self._agent(channel), self._draft(topic, channel),
                    topic.label.id, now=received, received_at=received,
                    reference_prefix=reference_prefix)
                if result.decision.to_department:  # forwarded, or ordered for an action
                    self._progress(result.case, topic)
                if not result.decision.forwards:
                    first_contact += 1
        self.session.flush()
        return first_contact

    def _moment(self, channel: Channel) -> tuple[datetime, Channel]:
        office = channel in OFFICE_CHANNELS
        days, weights = self._days[office]
        day = self.rng.choices(days, weights=weights)[0]
        hours = OFFICE_HOURS if office else ANY_HOUR
        if channel is Channel.LETTER:
            hours = {8: 3, 9: 2, 10: 1}  # the post is opened in the morning
        hour = self.rng.choices(list(hours), weights=list(hours.values()))[0]
        local = datetime.combine(day, time(hour, self.rng.randrange(60), self.rng.randrange(60)),
                                 tzinfo=STOCKHOLM)
        return local.astimezone(self.now.tzinfo), channel

    def _topic(self, month: int) -> _Topic:
        if month not in self._by_month:
            topics = [t for t in self.topics if t.season is None or month in SEASONS[t.season]]
            self._by_month[month] = (topics, list(itertools.accumulate(t.weight for t in topics)))
        topics, cumulative = self._by_month[month]
        return topics[bisect.bisect(cumulative, self.rng.random() * cumulative[-1])]

    def _agent(self, channel: Channel) -> User | None:
        return None if channel is Channel.WEB else self.rng.choice(self.agents)

    def _draft(self, topic: _Topic, channel: Channel) -> ContactDraft:
        rng = self.rng
        business = rng.random() < topic.business
        forwards = not topic.answerable or rng.random() < OVERRIDE_SHARE
        sends = forwards or topic.label.action  # the department gets the case
        anonymous = (not sends and not business and channel in OFFICE_CHANNELS
                     and channel is not Channel.LETTER and rng.random() < ANONYMOUS_SHARE)
        customer = CustomerDraft() if anonymous else self.people.customer(
            business=business, channel=channel, address=topic.address or
            channel is Channel.LETTER, personnummer=topic.personnummer)
        if forwards:
            answer = (f"Ärendet är skickat till {topic.label.group.name}. Återkoppling senast "
                      f"inom {'en arbetsdag' if business else 'tre arbetsdagar'}.")
        else:
            answer = topic.answer
        guide = self.answers.draw(label_guide(self.session, topic.label)) if sends else {}
        overridden = forwards and topic.answerable
        reason, note = (self.override_reasons.choice(DEMO_OVERRIDES) if overridden
                        else ("", ""))
        return ContactDraft(channel=channel.value, citizen_words=rng.choice(topic.words),
                            answer_given=answer, customer=customer,
                            requested="forward" if overridden else "",
                            override_reason=reason, override_note=note, guide=guide)

    def _progress(self, case: Case, topic: _Topic) -> None:
        """Move a forwarded case on as a department would have: claimed within hours (urgent)
        or days, resolved days later; recent cases are still open, a few are late."""
        rng = self.rng
        claim_hours = rng.uniform(0.2, 2) if case.urgent else rng.uniform(1, 60)
        claimed = case.created_at + timedelta(hours=claim_hours)
        resolved = claimed + timedelta(hours=rng.uniform(1, 24) if case.business
                                       else rng.uniform(2, 120))
        if rng.random() < 0.05:
            resolved += timedelta(days=rng.uniform(5, 20))  # the late ones statistics show
        actor = self.handlers.get(topic.label.group.code)
        for at, status in ((claimed, CaseStatus.IN_PROGRESS), (resolved, CaseStatus.RESOLVED)):
            if at >= self.now:
                return
            kind = EventKind.CLAIMED if status is CaseStatus.IN_PROGRESS else (
                EventKind.STATUS_CHANGED)
            extra = {"action": "resolve", "comment": "", "text": DEMO_ANSWER} if (
                kind is EventKind.STATUS_CHANGED) else {}
            record_event(self.session, case, kind, actor=actor, now=at, citizen_visible=True,
                         **{"from": case.status.value, "to": status.value}, **extra)
            case.status, case.updated_at = status, at
            if status is CaseStatus.IN_PROGRESS and actor is not None:
                case.claimed_by_id, case.claimed_at = actor.id, at
            if status is CaseStatus.RESOLVED:
                case.resolved_at = at
                case.feedback_given_at = at  # the resolution's answer tells the citizen


# The answer that comes with a demo case's resolution (only a resolution with words is feedback).
DEMO_ANSWER = ("Nu är ärendet åtgärdat. Hör gärna av dig till kontaktcenter om något inte "
               "stämmer eller om du har fler frågor.")


# --- fictional people ----------------------------------------------------------------------

FIRST_NAMES = (
    "Anna", "Maria", "Eva", "Karin", "Sara", "Lena", "Emma", "Kristina", "Ingrid", "Johanna",
    "Linnéa", "Elin", "Fatima", "Aisha", "Sofia", "Maja", "Birgitta", "Marie", "Leila", "Hanna",
    "Lars", "Erik", "Anders", "Johan", "Per", "Karl", "Mikael", "Peter", "Nils", "Oskar",
    "Jonas", "Björn", "Ali", "Mohammed", "Ahmed", "Hassan", "Göran", "Stefan", "Jan", "Omar",
)
LAST_NAMES = (
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson",
    "Bengtsson", "Lindberg", "Lindström", "Lindqvist", "Berg", "Forsberg", "Sandberg", "Holm",
    "Öberg", "Åberg", "Ek", "Ali", "Hassan", "Ahmed", "Nguyen", "Kowalski", "Yilmaz", "Sjöberg",
)
BUSINESSES = (
    "Bergströms Bygg AB", "Café Linden", "Norrby Rör & VVS AB", "Pizzeria Roma i Exempelby",
    "Sjöstrands Åkeri AB", "Lindgrens Frisersalong", "Ekbacka Fastigheter AB",
    "Solgläntans Camping", "Hantverkshuset i Exempelby AB", "Nordic Lager & Logistik AB",
    "Exempelby Bilverkstad AB", "Grönt & Gott Catering AB", "Sjöviks Snickeri AB",
    "Torgets Blommor", "IK Exempel", "Exempelby Ryttarförening",
)
STREETS = (
    "Storgatan", "Björkvägen", "Lönnvägen", "Skolgatan", "Ängsvägen", "Åsenvägen",
    "Kyrkogatan", "Stationsvägen", "Ekbacksvägen", "Sjövägen", "Norrbyvägen", "Torggatan",
)


class _People:
    """Fictional customers with valid-looking identifiers (they pass the intake checks)."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def customer(self, *, business: bool, channel: Channel, address: bool,
                 personnummer: bool) -> CustomerDraft:
        rng = self.rng
        if business:
            name = rng.choice(BUSINESSES)
            draft = CustomerDraft(kind="business", name=name,
                                  organisationsnummer=self.organisationsnummer())
            local = _ascii(name.removesuffix(" AB"))
        else:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            draft = CustomerDraft(name=f"{first} {last}")
            local = _ascii(f"{first}.{last}")
            if personnummer:
                draft.personnummer = self.personnummer()
        if channel in (Channel.EMAIL, Channel.WEB) or rng.random() < 0.15:
            domain = rng.choice(("example.com", "example.org", "example.net"))
            draft.email = f"{local}{rng.randrange(1, 99) if rng.random() < 0.4 else ''}@{domain}"
        if channel not in (Channel.EMAIL, Channel.WEB, Channel.LETTER) or rng.random() < 0.5:
            draft.phone = f"070-174 06 {rng.randrange(5, 100):02d}"
        if address:
            draft.address = (f"{rng.choice(STREETS)} {rng.randrange(1, 60)}, "
                             f"{rng.randrange(100, 999)} {rng.randrange(10, 99)} Exempelby")
        return draft

    def personnummer(self) -> str:
        """An adult's number with serial 980–999 and a correct Luhn check digit."""
        born = date(1940, 1, 1) + timedelta(days=self.rng.randrange(365 * 65))
        digits = f"{born:%y%m%d}{self.rng.randrange(980, 1000)}"
        return f"{born:%Y%m%d}-{digits[6:]}{luhn.calc_check_digit(digits)}"

    def organisationsnummer(self) -> str:
        """A limited company's number (556…) with a correct Luhn check digit."""
        digits = f"556{self.rng.randrange(10**6):06d}"
        return f"{digits[:6]}-{digits[6:]}{luhn.calc_check_digit(digits)}"


def seed_of(rng: random.Random) -> int:
    """A seed for a second generator, taken from a copy so `rng`'s own sequence is kept."""
    copy = random.Random()
    copy.setstate(rng.getstate())
    return copy.getrandbits(32)


# What agents noted in the demo taxonomy's guides (app/demo/exempelkommun.yaml), by field key.
SAMPLE_ANSWERS: dict[str, tuple[str, ...]] = {
    "fororenare": ("Sjöstrands Åkeri AB", "Okänd", "Nordic Lager & Logistik AB",
                   "Exempelby Bilverkstad AB", "Okänd personbil"),
    "djur": ("Grävling", "Rådjur", "Katt", "Räv", "Hare", "Kråka"),
    "diarienummer": ("BN 2026-000412", "BN 2026-000977", "BN 2025-001203"),
    "tider": ("Varje natt efter 22", "Vardagar 7–16", "Helger, hela dagarna",
              "Kvällar till 21 tre dagar i veckan"),
    "skola": ("Ekbackens skola", "Norrbyskolan", "Centralskolan", "Sjöviksskolan"),
    "onskad_forskola": ("Solrosen", "Ekorren, Solrosen", "Björkens förskola"),
    "vad_hande": ("Blev otrevligt bemött i receptionen.",
                  "Fick tre olika besked om samma sak.",
                  "Ingen återkoppling trots två påminnelser."),
    "forslag": ("Ring upp och förklara beslutet.", "Bättre skyltning vid entrén.",
                "Ett skriftligt svar inom en vecka."),
}
PLACES = ("mellan Preemstationen och rondellen", "Åsenvägen 1–9", "vid busshållplatsen Torget",
          "parkeringen bakom Ica", "gång- och cykelvägen längs Sjövägen")
BLOCKS = ("Kvarnen", "Ekbacken", "Linden", "Tallen", "Smedjan", "Lärkan", "Norrby")
PLATE_LETTERS = "ABCDEFGHJKLMNOPRSTUWXYZ"


class _GuideAnswers:
    """Plausible answers to a guide: every required field, and about half the optional ones."""

    def __init__(self, rng: random.Random, today: date):
        self.rng, self.today = rng, today

    def draw(self, guide: tuple[FieldSpec, ...]) -> dict[str, object]:
        return {spec.key: self.answer(spec) for spec in guide
                if spec.required or self.rng.random() < 0.5}

    def answer(self, spec: FieldSpec) -> object:
        rng, kind = self.rng, spec.kind
        if spec.key in SAMPLE_ANSWERS:
            return rng.choice(SAMPLE_ANSWERS[spec.key])
        if kind is FieldKind.CHOICE:
            return rng.choice(spec.choices)
        if kind is FieldKind.YES_NO:
            return rng.random() < 0.5
        if kind is FieldKind.NUMBER:
            return rng.randrange(1, 50) if spec.key == "mangd" else rng.randrange(200, 20000)
        if kind is FieldKind.DATE:
            days = -rng.randrange(3, 60) if spec.key == "sedan" else rng.randrange(14, 120)
            return (self.today + timedelta(days=days)).isoformat()
        if kind is FieldKind.PLACE:
            return rng.choice(PLACES + tuple(f"{street} {rng.randrange(1, 60)}"
                                             for street in STREETS[:4]))
        if kind is FieldKind.PERSONNUMMER:
            child = "barn" in spec.key or "elev" in spec.key
            return self._personnummer(years=(1, 12) if child else (20, 90))
        if kind is FieldKind.ORGANISATIONSNUMMER:
            digits = f"556{rng.randrange(10**6):06d}"
            return f"{digits[:6]}-{digits[6:]}{luhn.calc_check_digit(digits)}"
        if kind is FieldKind.FASTIGHET:
            return f"Exempelby {rng.choice(BLOCKS)} {rng.randrange(1, 20)}:{rng.randrange(1, 300)}"
        if kind is FieldKind.VEHICLE:
            letters = "".join(rng.choice(PLATE_LETTERS.replace("O", "")) for _ in range(3))
            return f"{letters} {rng.randrange(10, 100)}{rng.randrange(10)}"
        if kind is FieldKind.PHONE:
            return f"070-174 06 {rng.randrange(5, 100):02d}"
        if kind is FieldKind.EMAIL:
            return f"kontakt{rng.randrange(1, 99)}@example.org"
        return "Uppgift lämnad av invånaren"

    def _personnummer(self, *, years: tuple[int, int]) -> str:
        born = self.today - timedelta(days=self.rng.randrange(365 * years[0], 365 * years[1]))
        digits = f"{born:%y%m%d}{self.rng.randrange(980, 1000)}"
        return f"{born:%Y%m%d}-{digits[6:]}{luhn.calc_check_digit(digits)}"


def _ascii(text: str) -> str:
    """"Björn Öberg" → "bjorn.oberg": a plausible e-mail local part."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", ".", plain.lower()).strip(".")
