"""Fill a migrated database with N realistic cases, fast, for the look-up benchmark.

    .venv/bin/python bench/generate_cases.py --database-url sqlite:////tmp/x.sqlite3 \
        --cases 1000000 --queries-out /tmp/queries.json

What a generated case looks like is what `app.services.intake.log_contact` writes, plus the
later life of forwarded cases:

* a `customers` row (or none: half of the contacts answered at once are anonymous), with one
  `customer_name_terms` row per case-folded name word, exactly as `rosa.identity.name_terms`
  makes them; a quarter of the cases that have a customer reuse an earlier one (people call
  again);
* a `cases` row with a unique reference KC-YYYY-NNNNNN numbered per Stockholm year in order of
  creation, a unique 12-character tracking code, and status, resolution, group, ROSA level and
  urgency derived from the label by the same routing rule the app uses (`rosa.routing`);
  3 % of the contacts the centre could answer are forwarded at the agent's request;
* one `contacts` row;
* the four intake events (created, contact logged, classified, resolved-at-first-contact or
  forwarded) and, for forwarded cases that have since been worked on, one or two status
  changes -- 4 to 6 events per case, about 4.5 on average;
* `created_at` spread over the last three years (`--years`), on weekdays in office hours
  (Stockholm time), mostly.

Labels, departments, groups and agents are read from the database (load a taxonomy first:
`flask demo load --cases 0` or bench/fixtures.py). Rows go in with SQLAlchemy Core
`executemany` in batches of `--batch` cases (one transaction each), with explicit primary keys
so the rows can refer to each other without round trips; PostgreSQL is loaded with COPY by
default (`--method executemany` for the plain INSERT path). A forked child process builds the
next batch while the parent writes the previous one. Foreign keys are not checked row by row
during the load (SQLite's connection has them off; on PostgreSQL a superuser session skips the
FK triggers): every reference is to a row just written or read, and `--verify` checks them all
afterwards. Afterwards the per-year
`reference_counters` rows are raised to the highest number used (so new intake continues the
series), PostgreSQL's id sequences are moved past the new ids, and PostgreSQL gets
VACUUM ANALYZE (what autovacuum would do soon after a bulk load). SQLite is left without
ANALYZE unless `--analyze` is given, because a production SQLite file has none unless the app
runs it.

The last line printed is a JSON object with the row counts, the seconds taken and rows/s.
`--queries-out` writes look-up strings sampled from the generated data (references, phone
numbers as typed, surnames and full names) for bench/run.py, and under "tracking" cases a
citizen can open in the portal, as they would click or type them: for each a dict with
`reference` (KC-2025-012345), `code` (the stored 12-character tracking code, as in the
e-mailed link), `typed_code` (the same in groups of four, ABCD-EFGH-JKMN, as the receipt
shows it and the portal form accepts) and `link` (the path of the receipt e-mail's link,
/portal/arende/<reference>?kod=<code>&lang=sv, as app.portal.mails.tracking_url builds it).
The tracking sample draws on its own random generator, so the generated data stay the same
as without it.

A full queue, for the queue benchmark: `--queue-group ID --queue-cases N` adds N more cases,
all *open* in that group, to the same load (so references stay in order of creation):

* created over the last `--queue-days` (60) days, office hours as above;
* a label of that group that forwards by policy (forwarded at the agent's request when none
  does); 3 % are urgent (an urgent label of the group when it has one, else the flag as the
  intake would have set it from a label marked urgent at the time);
* about 35 % `forwarded` (unclaimed), 45 % `in_progress`, 20 % `waiting` -- a case younger
  than a day is still forwarded with a 70 % chance more; worked cases are claimed
  (`claimed_by_id`, `claimed_at`) by a handler who is a member of the group, each member
  alike (bench/fixtures.py puts bench-handler and bench-handler-2 there), with the events
  app.services.casework writes: `claimed` {"from": "forwarded", "to": "in_progress"} by the
  handler, and for waiting cases a `status_changed`
  {"action": "wait", "comment": "", "from": "in_progress", "to": "waiting"}.

The other generated cases are not claimed by anyone: their in_progress/waiting statuses come
with an actor-less `status_changed` event, as before the claim existed.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import multiprocessing
import os
import queue
import random
import sys
import time
import traceback
import urllib.parse
from array import array
from datetime import UTC, date, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from fakedata import Faker  # noqa: E402
from sqlalchemy import (  # noqa: E402
    String,
    column,
    create_engine,
    event,
    func,
    insert,
    select,
    table,
    text,
)
from sqlalchemy.engine import Connection, Engine  # noqa: E402

from models import Base  # noqa: E402
from rosa.errors import RuleViolations  # noqa: E402
from rosa.identity import name_terms, phone_key  # noqa: E402
from rosa.levels import RosaLevel  # noqa: E402
from rosa.routing import Outcome, decide  # noqa: E402

STOCKHOLM = ZoneInfo("Europe/Stockholm")
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # as app.services.references
TRACKING_LINK_LANG = "sv"  # the receipt e-mail's link carries the locale it was written in
LEVEL_SHARE = {1: 0.30, 2: 0.30, 3: 0.10, 4: 0.10, 5: 0.15, 6: 0.05}  # share of contacts
CHANNELS = ("phone", "email", "web", "chat", "visit", "sms", "letter")
CHANNEL_WEIGHTS = (60, 15, 10, 7, 5, 2, 1)
QUEUE_URGENT_SHARE = 0.03
QUEUE_STATUS_WEIGHTS = (("forwarded", 35), ("in_progress", 45), ("waiting", 20))
HOUR_WEIGHTS = {7: 2, 8: 9, 9: 12, 10: 12, 11: 10, 12: 7, 13: 11, 14: 11, 15: 10, 16: 7,
                17: 3, 18: 1}


# Column order of the tuples the generator builds, per table.
COLUMNS = {
    "customers": ("id", "kind", "name", "email", "phone", "phone_key", "address", "personnummer",
                  "organisationsnummer", "created_at"),
    "customer_name_terms": ("customer_id", "term"),
    "cases": ("id", "reference", "tracking_code", "status", "resolution", "label_id",
              "rosa_level", "urgent", "business", "channel", "department_id", "group_id",
              "customer_id", "created_by_id", "summary", "created_at", "updated_at",
              "resolved_at", "version", "claimed_by_id", "claimed_at"),
    "contacts": ("id", "case_id", "channel", "received_at", "agent_id", "customer_id",
                 "citizen_words", "answer_given"),
    "case_events": ("id", "case_id", "at", "actor_id", "kind", "citizen_visible", "data"),
}
COUNTERS = table("reference_counters", column("year"), column("last_value"))


def engine_for(url: str) -> Engine:
    """An engine for `url`; SQLite is tuned for a bulk load (the data is throwaway)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = OFF")
            cur.execute("PRAGMA cache_size = -400000")  # 400 MB
            cur.execute("PRAGMA temp_store = MEMORY")
            cur.close()

    return engine


class Taxonomy:
    """The labels, agents and counters the generated cases refer to."""

    def __init__(self, conn: Connection) -> None:
        rows = conn.execute(text(
            "SELECT l.id, l.name, l.rosa_level, l.mandate, l.urgent, l.department_id, "
            "l.group_id, ct.name, f.name, d.name, g.name "
            "FROM labels l JOIN case_types ct ON ct.id = l.case_type_id "
            "JOIN functions f ON f.id = ct.function_id "
            "JOIN departments d ON d.id = l.department_id JOIN groups g ON g.id = l.group_id "
            "WHERE l.active ORDER BY l.id"
        )).all()
        if not rows:
            raise SystemExit("no active labels: load a taxonomy first (flask demo load)")
        self.labels = [
            {"id": r[0], "name": r[1], "level": int(r[2]), "mandate": bool(r[3]),
             "urgent": bool(r[4]), "department_id": r[5], "group_id": r[6],
             "path": [r[8], r[7], r[1]], "department": r[9], "group": r[10]}
            for r in rows
        ]
        by_level: dict[int, list[dict]] = {}
        for label in self.labels:
            by_level.setdefault(label["level"], []).append(label)
        self.by_level = by_level
        self.levels = sorted(by_level)
        self.level_cum = list(accumulate(LEVEL_SHARE.get(level, 0.05) for level in self.levels))
        self.agents = list(conn.scalars(text(
            "SELECT id FROM users WHERE role IN ('agent', 'manager') ORDER BY id")))
        self.counters = dict(conn.execute(select(COUNTERS.c.year, COUNTERS.c.last_value)).all())

    def pick(self, rng: random.Random) -> dict:
        level = rng.choices(self.levels, cum_weights=self.level_cum)[0]
        return rng.choice(self.by_level[level])


def _next_ids(conn: Connection) -> dict[str, int]:
    return {name: (conn.scalar(select(func.max(column("id"))).select_from(table(name))) or 0) + 1
            for name in ("customers", "cases", "contacts", "case_events")}


def _timestamps(n: int, years: float, end: datetime, rng: random.Random) -> array:
    """n sorted UTC epoch seconds on weekdays in office hours, Stockholm time (mostly)."""
    days = int(365 * years)
    first = (end.astimezone(STOCKHOLM) - timedelta(days=days)).date()
    hours = list(HOUR_WEIGHTS)
    hour_weights = list(HOUR_WEIGHTS.values())
    end_ts = end.timestamp()
    out = array("d")
    while len(out) < n:
        day: date = first + timedelta(days=rng.randrange(days + 1))
        if day.weekday() >= 5 and rng.random() < 0.95:
            continue
        hour = rng.choices(hours, weights=hour_weights)[0]
        local = datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60),
                         rng.randrange(1_000_000), tzinfo=STOCKHOLM)
        ts = local.timestamp()
        if ts < end_ts:
            out.append(ts)
    return array("d", sorted(out))


def _merge(stamps: array, queued: array) -> tuple[array, bytearray | None]:
    """One timeline of both sorted stamp arrays, with a flag per stamp: 1 = a queue case."""
    if not queued:
        return stamps, None
    merged = sorted([(ts, 0) for ts in stamps] + [(ts, 1) for ts in queued])
    return array("d", (ts for ts, _ in merged)), bytearray(flag for _, flag in merged)


class Generator:
    """Builds the rows of one batch of cases at a time; keeps ids, counters and samples.

    Rows are tuples in COLUMNS order with values the driver takes as they are. Everything
    that is the same for many rows (event payloads per label, routing decisions) is computed
    once: at a million cases, microseconds per row are minutes.
    """

    def __init__(self, conn: Connection, *, prefix: str, seed: int, sqlite: bool,
                 sample_size: int, queue_group: int | None = None) -> None:
        self.tax = Taxonomy(conn)
        self.ids = _next_ids(conn)
        self.prefix = prefix
        self.rng = random.Random(seed)
        self.fake = Faker(seed + 1)
        self.sqlite = sqlite
        self.counters = dict(self.tax.counters)
        self.codes: set[str] = set(conn.scalars(text("SELECT tracking_code FROM cases")))
        self.customer_pool: list[tuple[int, str]] = []  # (id, kind)
        self.sample_size = sample_size
        self.samples: dict[str, list] = {"reference": [], "phone": [], "name": [],
                                         "fullname": [], "tracking": []}
        # The tracking sample has its own generator: the rows do not depend on it.
        self.tracking_rng = random.Random(seed + 2)
        self.seen = {"reference": 0, "customer": 0}
        self.now = datetime.now(UTC)
        self._channel_cum = list(accumulate(CHANNEL_WEIGHTS))
        self._decisions: dict[tuple[int, bool], tuple] = {}
        self.queue = self._queue_spec(conn, queue_group) if queue_group else None

    def _queue_spec(self, conn: Connection, group_id: int) -> dict:
        """Labels (normal, urgent) and claiming handlers of the queue group."""
        labels = [label for label in self.tax.labels if label["group_id"] == group_id]
        if not labels:
            raise SystemExit(f"--queue-group {group_id}: no active label routes to that group")
        by_policy = [label for label in labels if self._decision(label, False)[0]]
        override = not by_policy
        pool = by_policy or labels
        claimers = list(conn.scalars(text(
            "SELECT u.id FROM users u JOIN group_members m ON m.user_id = u.id "
            "WHERE m.group_id = :g AND u.role = 'handler' AND u.is_active_account "
            "ORDER BY u.id"), {"g": group_id}))
        if not claimers:
            raise SystemExit(f"--queue-group {group_id}: no handler is a member of that group "
                             "(bench/fixtures.py adds bench-handler)")
        return {"group_id": group_id, "override": override, "claimers": claimers,
                "normal": [label for label in pool if not label["urgent"]] or pool,
                "urgent": [label for label in pool if label["urgent"]],
                "status_cum": list(accumulate(w for _, w in QUEUE_STATUS_WEIGHTS))}

    def _dt(self, value: datetime | None):
        if value is None:
            return None
        if self.sqlite:  # the text that models.types.UTCDateTime + SQLite's DateTime store
            return value.replace(tzinfo=None).isoformat(" ", "microseconds")
        return value

    def _sample(self, kind: str, counter: str, value, rng: random.Random | None = None
                ) -> None:
        """Reservoir sampling, so the look-ups spread over the whole data set."""
        if not value:
            return
        bucket = self.samples[kind]
        if len(bucket) < self.sample_size:
            bucket.append(value)
        else:
            j = (rng or self.rng).randrange(self.seen[counter])
            if j < self.sample_size:
                bucket[j] = value

    def _tracking_code(self) -> str:
        while True:
            code = "".join(self.rng.choices(TRACKING_ALPHABET, k=12))
            if code not in self.codes:
                self.codes.add(code)
                return code

    def _decision(self, label: dict, override: bool) -> tuple:
        """(forwards, classified JSON, outcome event kind, outcome JSON) for a label."""
        key = (label["id"], override)
        if key not in self._decisions:
            level = RosaLevel(label["level"])
            try:
                decision = decide(level, label["mandate"],
                                  requested=Outcome.FORWARD if override else None)
            except RuleViolations:
                decision = decide(level, label["mandate"])
            classified = json.dumps({"label_id": label["id"], "path": label["path"],
                                     "rosa_level": label["level"]})
            if decision.forwards:
                outcome = ("forwarded", json.dumps({
                    "group_id": label["group_id"], "department_id": label["department_id"],
                    "department": label["department"], "group": label["group"],
                    "reason": decision.reason, "overridden": decision.overridden}))
            else:
                outcome = ("resolved_at_first_contact", json.dumps({"reason": decision.reason}))
            self._decisions[key] = (decision.forwards, classified, *outcome)
        return self._decisions[key]

    def _customer(self, rows: dict, needs_contact: bool, created: str) -> tuple[int, str]:
        if self.customer_pool and self.rng.random() < 0.25:
            return self.rng.choice(self.customer_pool)
        person = self.fake.person(needs_contact=needs_contact)
        cid = self.ids["customers"]
        self.ids["customers"] += 1
        rows["customers"].append((
            cid, person.kind, person.name, person.email.lower() if person.email else None,
            person.phone, phone_key(person.phone) if person.phone else None, person.address,
            person.personnummer.replace("-", "") if person.personnummer else None,
            person.organisationsnummer.replace("-", "") if person.organisationsnummer else None,
            created,
        ))
        rows["customer_name_terms"].extend((cid, term) for term in name_terms(person.name))
        self.customer_pool.append((cid, person.kind))
        self.seen["customer"] += 1
        if person.kind == "private":
            self._sample("phone", "customer", person.phone)
            self._sample("name", "customer", person.name.split()[-1])
            self._sample("fullname", "customer", person.name)
        return cid, person.kind

    def batch(self, stamps, flags=None) -> dict[str, list[tuple]]:
        """The rows of the cases created at `stamps`; a true flag makes a queue case."""
        rows: dict[str, list[tuple]] = {name: [] for name in COLUMNS}
        for i, ts in enumerate(stamps):
            self._case(rows, datetime.fromtimestamp(ts, UTC), bool(flags and flags[i]))
        return rows

    def _case(self, rows: dict, created: datetime, queued: bool = False) -> None:
        rng = self.rng
        if queued:
            label, urgent, override = self._queue_label()
        else:
            label = self.tax.pick(rng)
            urgent = label["urgent"]
            override = label["level"] <= 4 and rng.random() < 0.03
        forwards, classified, outcome_kind, outcome = self._decision(label, override)
        channel = rng.choices(CHANNELS, cum_weights=self._channel_cum)[0]
        actor = None if channel == "web" or not self.tax.agents else rng.choice(self.tax.agents)
        at = self._dt(created)
        customer_id = kind = None
        if forwards or rng.random() < 0.5:
            customer_id, kind = self._customer(rows, forwards, at)
        year = created.astimezone(STOCKHOLM).year
        number = self.counters.get(year, 0) + 1
        self.counters[year] = number
        reference = f"{self.prefix}-{year}-{number:06d}"
        self.seen["reference"] += 1
        self._sample("reference", "reference", reference)
        case_id = self.ids["cases"]
        self.ids["cases"] += 1
        contact_id = self.ids["contacts"]
        self.ids["contacts"] += 1
        words = self.fake.citizen_words(label["name"])
        answer = "" if forwards and rng.random() < 0.7 else self.fake.answer(label["name"])
        if queued:
            status, resolved_at, updated_at, later, holder, claimed_at = self._queue_life(created)
        else:
            status, resolved_at, updated_at, later = self._life(forwards, created)
            holder = claimed_at = None
        code = self._tracking_code()
        self._sample("tracking", "reference", (reference, code), self.tracking_rng)
        rows["cases"].append((
            case_id, reference, code, status,
            "forwarded" if forwards else "first_contact", label["id"], label["level"],
            urgent, kind == "business", channel, label["department_id"],
            label["group_id"] if forwards else None, customer_id, actor, words[:500], at,
            at if updated_at is created else self._dt(updated_at),
            at if resolved_at is created else self._dt(resolved_at), 1 + len(later),
            holder, self._dt(claimed_at),
        ))
        rows["contacts"].append(
            (contact_id, case_id, channel, at, actor, customer_id, words, answer))
        events = rows["case_events"]
        ids = self.ids
        first = ids["case_events"]
        events.append((first, case_id, at, actor, "created", True, f'{{"channel": "{channel}"}}'))
        events.append((first + 1, case_id, at, actor, "contact_logged", False,
                       f'{{"contact_id": {contact_id}, "channel": "{channel}"}}'))
        events.append((first + 2, case_id, at, actor, "classified", False, classified))
        events.append((first + 3, case_id, at, actor, outcome_kind, True, outcome))
        next_id = first + 4
        for when, by, event_kind, data in later:
            events.append((next_id, case_id, self._dt(when), by, event_kind, True, data))
            next_id += 1
        ids["case_events"] = next_id

    def _queue_label(self) -> tuple[dict, bool, bool]:
        """(label, urgent, forwarded at the agent's request) for a case of the queue group."""
        q = self.queue
        if self.rng.random() < QUEUE_URGENT_SHARE:
            return self.rng.choice(q["urgent"] or q["normal"]), True, q["override"]
        label = self.rng.choice(q["normal"])
        return label, label["urgent"], q["override"]

    def _queue_life(self, created: datetime):
        """An open case of the queue group: status, resolved_at, updated_at, later events,
        holder and claimed_at (see the module docstring)."""
        rng, q = self.rng, self.queue
        age_h = (self.now - created).total_seconds() / 3600
        status = rng.choices(QUEUE_STATUS_WEIGHTS, cum_weights=q["status_cum"])[0][0]
        if status == "forwarded" or (age_h < 24 and rng.random() < 0.7) or age_h < 0.2:
            return "forwarded", None, created, [], None, None
        holder = rng.choice(q["claimers"])
        claimed = created + timedelta(hours=rng.uniform(0.1, min(72.0, age_h * 0.9)))
        later = [(claimed, holder, "claimed", '{"from": "forwarded", "to": "in_progress"}')]
        if status == "waiting":
            waited = claimed + (self.now - claimed) * rng.uniform(0.05, 0.95)
            later.append((waited, holder, "status_changed",
                          '{"action": "wait", "comment": "", "from": "in_progress", '
                          '"to": "waiting"}'))
        return status, None, later[-1][0], later, holder, claimed

    def _life(self, forwards: bool, created: datetime):
        """Status now, resolved_at, updated_at and the later events [(at, actor, kind, data)]."""
        if not forwards:
            return "resolved", created, created, []
        age_days = (self.now - created).total_seconds() / 86400
        r = self.rng.random()
        claimed = created + timedelta(hours=self.rng.uniform(0.5, 72))
        done = claimed + timedelta(days=self.rng.uniform(0.2, 20))
        if (age_days < 2 and r < 0.6) or claimed >= self.now:
            return "forwarded", None, created, []
        if done >= self.now or (age_days < 30 and r < 0.35):
            status = "waiting" if self.rng.random() < 0.25 else "in_progress"
            return status, None, claimed, [_status_changed(claimed, "forwarded", status)]
        final = "closed" if age_days > 60 and self.rng.random() < 0.7 else "resolved"
        return final, done, done, [_status_changed(claimed, "forwarded", "in_progress"),
                                   _status_changed(done, "in_progress", final)]


def tracking_sample(reference: str, code: str) -> dict[str, str]:
    """A case as the citizen has it: the receipt's reference and code, the e-mail's link."""
    typed = "-".join(code[i:i + 4] for i in range(0, len(code), 4))  # format_tracking_code
    query = urllib.parse.urlencode({"kod": code, "lang": TRACKING_LINK_LANG})
    link = f"/portal/arende/{urllib.parse.quote(reference, safe='')}?{query}"
    return {"reference": reference, "code": code, "typed_code": typed, "link": link}


def _status_changed(when: datetime, old: str, new: str) -> tuple:
    return when, None, "status_changed", f'{{"from": "{old}", "to": "{new}"}}'


def encode_for_copy(rows: dict[str, list[tuple]]) -> dict[str, tuple[int, bytes]]:
    """The batch as COPY CSV payloads, so the writing process only streams bytes.

    csv's writer is C code. It writes None as an empty field, which COPY reads as NULL; an
    empty string comes out the same way, so `insert_rows` names the NOT NULL text columns in
    FORCE_NOT_NULL. Booleans come out as True/False, which PostgreSQL accepts.
    """
    out = {}
    for name, data in rows.items():
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(data)
        out[name] = (len(data), buffer.getvalue().encode())
    return out


def _force_not_null(name: str, cols: tuple[str, ...]) -> str:


    table_ = Base.metadata.tables[name]
    text_cols = [c for c in cols
                 if not table_.c[c].nullable and isinstance(table_.c[c].type, String)]
    return f", FORCE_NOT_NULL ({', '.join(text_cols)})" if text_cols else ""


def insert_rows(conn: Connection, rows: dict, method: str) -> int:
    """Write one batch in foreign-key order inside the caller's transaction.

    `executemany` goes through SQLAlchemy Core's `exec_driver_sql` (the DBAPI's executemany)
    with lists of tuples; `copy` streams `encode_for_copy` payloads with PostgreSQL's
    COPY FROM STDIN on the same connection and transaction.
    """
    total = 0
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    for name, cols in COLUMNS.items():
        data = rows[name]
        if method == "copy":
            count, payload = data
            if count:
                cursor = conn.connection.driver_connection.cursor()
                with cursor.copy(f"COPY {name} ({', '.join(cols)}) FROM STDIN "
                                 f"(FORMAT csv{_force_not_null(name, cols)})") as copy:
                    copy.write(payload)
            total += count
        elif data:
            conn.exec_driver_sql(
                f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})",
                data)
            total += len(data)
    return total


def finish(conn: Connection, gen: Generator, sqlite: bool) -> None:
    """Counters past the highest reference; PostgreSQL sequences past the highest id."""
    for year, last in sorted(gen.counters.items()):
        if year in gen.tax.counters:
            conn.execute(text("UPDATE reference_counters SET last_value = :v WHERE year = :y "
                              "AND last_value < :v"), {"v": last, "y": year})
        else:
            conn.execute(insert(COUNTERS), [{"year": year, "last_value": last}])
    if not sqlite:
        for name in ("customers", "cases", "contacts", "case_events"):
            conn.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {name}))"))


def _build(gen: Generator, stamps, flags, start: int, batch: int, method: str) -> dict:
    rows = gen.batch(stamps[start:start + batch], flags[start:start + batch] if flags else None)
    return encode_for_copy(rows) if method == "copy" else rows


def _build_in_child(gen: Generator, stamps, flags, batch: int, method: str, out) -> None:
    """Child process: build every batch and hand it over; finally the counters and samples."""
    gc.disable()
    try:
        for start in range(0, len(stamps), batch):
            out.put(_build(gen, stamps, flags, start, batch, method))
        out.put(("done", gen.counters, gen.samples))
    except BaseException:  # noqa: BLE001 - reported to the parent, which raises
        out.put(("error", traceback.format_exc()))


def _batches(gen: Generator, stamps, flags, batch: int, method: str, pipeline: bool):
    """Yield the batches of rows, built here or in a forked child process (`pipeline`).

    In the child, Python builds batch k+1 while this process writes batch k: two cores busy,
    and no fight over one interpreter's GIL as a thread would have.
    """
    if not pipeline:
        for start in range(0, len(stamps), batch):
            yield _build(gen, stamps, flags, start, batch, method)
        return
    ctx = multiprocessing.get_context("fork")
    handover = ctx.Queue(maxsize=3)
    child = ctx.Process(target=_build_in_child, args=(gen, stamps, flags, batch, method, handover),
                        name="case-builder", daemon=True)
    child.start()
    try:
        while True:
            try:
                item = handover.get(timeout=5)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(f"the builder process died ({child.exitcode})") from None
                continue
            if isinstance(item, tuple):
                if item[0] == "error":
                    raise RuntimeError(f"the builder process failed:\n{item[1]}")
                gen.counters, gen.samples = item[1], item[2]
                return
            yield item
    finally:
        child.join(timeout=10)
        if child.is_alive():
            child.kill()


def _skip_foreign_key_checks(conn: Connection) -> bool:
    """Turn off foreign-key checks for this session where allowed; return whether they stay on.

    The generator refers only to rows it has just written or read, so checking each of the
    ~20 references per case costs half of PostgreSQL's load time and proves nothing;
    `--verify` checks every reference afterwards. SQLite connections check no foreign keys
    unless told to (models.base turns them on for the app's own connections only).
    """
    if conn.dialect.name == "sqlite":
        return False
    if conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")):
        conn.exec_driver_sql("SET session_replication_role = replica")  # skips FK triggers
        conn.commit()
        return False
    conn.rollback()
    return True


def verify(conn: Connection) -> list[str]:
    """Every foreign key of the generated tables points at a row; return the violations."""
    problems = []
    for name in COLUMNS:
        for fk in Base.metadata.tables[name].foreign_keys:
            col, target = fk.parent.name, fk.column
            missing = conn.scalar(text(
                f"SELECT count(*) FROM {name} t WHERE t.{col} IS NOT NULL AND NOT EXISTS "
                f"(SELECT 1 FROM {target.table.name} r WHERE r.{target.name} = t.{col})"))
            if missing:
                problems.append(f"{name}.{col} -> {target.table.name}: {missing} missing")
    return problems


def generate(url: str, cases: int, *, batch: int, years: float, seed: int, prefix: str,
             analyze: bool | None, sample_size: int, method: str = "auto",
             pipeline: bool = True, check: bool = False, quiet: bool = False,
             queue_group: int | None = None, queue_cases: int = 0,
             queue_days: float = 60.0) -> dict:
    engine = engine_for(url)
    sqlite = engine.dialect.name == "sqlite"
    if method == "auto":
        method = "executemany" if sqlite else "copy"
    t0 = time.perf_counter()
    with engine.connect() as conn:
        gen = Generator(conn, prefix=prefix, seed=seed, sqlite=sqlite, sample_size=sample_size,
                        queue_group=queue_group if queue_cases else None)
    engine.dispose()  # no connection may cross the fork below
    end = gen.now - timedelta(minutes=1)
    stamps, flags = _merge(
        _timestamps(cases, years, end, gen.rng),
        _timestamps(queue_cases, queue_days / 365, end, gen.rng) if gen.queue else array("d"))
    t_data = time.perf_counter()
    counts = dict.fromkeys(COLUMNS, 0)
    rows_total = 0
    db_s = 0.0
    gc.disable()  # millions of short-lived tuples and no cycles: the collector only costs
    try:
        with engine.connect() as conn:
            fk_checks = _skip_foreign_key_checks(conn)
            for rows in _batches(gen, stamps, flags, batch, method, pipeline):
                t_write = time.perf_counter()
                with conn.begin():
                    rows_total += insert_rows(conn, rows, method)
                db_s += time.perf_counter() - t_write
                for key in counts:
                    counts[key] += rows[key][0] if method == "copy" else len(rows[key])
                if not quiet:
                    elapsed = time.perf_counter() - t_data
                    print(f"  {counts['cases']:>10,} cases  {rows_total:>11,} rows  "
                          f"{elapsed:7.1f} s  {rows_total / elapsed:>9,.0f} rows/s",
                          file=sys.stderr, flush=True)
            with conn.begin():
                finish(conn, gen, sqlite)
    finally:
        gc.enable()
    problems = None
    queue_open = None
    with engine.connect() as conn:
        if check:
            problems = verify(conn)
        if gen.queue:
            queue_open = conn.scalar(text(
                "SELECT count(*) FROM cases WHERE group_id = :g AND status IN "
                "('forwarded', 'in_progress', 'waiting', 'returned')"), {"g": queue_group})
    t_insert = time.perf_counter()
    do_analyze = (not sqlite) if analyze is None else analyze
    if do_analyze:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE" if sqlite else "VACUUM ANALYZE"))
    t_end = time.perf_counter()
    engine.dispose()
    insert_s = t_insert - t_data
    total = cases + (queue_cases if gen.queue else 0)
    return {
        "backend": engine.dialect.name, "method": method, "pipeline": pipeline, "cases": total,
        "queue_group": queue_group if gen.queue else None,
        "queue_cases": queue_cases if gen.queue else 0, "queue_open_cases": queue_open,
        "rows": rows_total, "rows_by_table": counts,
        "prepare_s": round(t_data - t0, 2), "insert_s": round(insert_s, 2),
        "database_busy_s": round(db_s, 2),
        "rows_per_s": round(rows_total / insert_s) if insert_s else None,
        "cases_per_s": round(total / insert_s) if insert_s else None,
        "analyze": do_analyze, "analyze_s": round(t_end - t_insert, 2),
        "total_s": round(t_end - t0, 2), "fk_checks_during_load": fk_checks,
        "verify_problems": problems, "counters": gen.counters,
        "queries": gen.samples,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    ap.add_argument("--cases", type=int, default=int(os.environ.get("BENCH_CASES", "1000000")))
    ap.add_argument("--batch", type=int, default=20_000, help="cases per transaction")
    ap.add_argument("--years", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--prefix", default=os.environ.get("CASE_REFERENCE_PREFIX", "KC"))
    ap.add_argument("--analyze", action=argparse.BooleanOptionalAction, default=None,
                    help="run (VACUUM) ANALYZE afterwards; default: PostgreSQL yes, SQLite no")
    ap.add_argument("--queries", type=int, default=2000, help="look-up strings per kind")
    ap.add_argument("--queries-out", help="write sampled look-up strings to this JSON file")
    ap.add_argument("--method", choices=("auto", "executemany", "copy"), default="auto",
                    help="auto: executemany on SQLite, COPY on PostgreSQL")
    ap.add_argument("--pipeline", action=argparse.BooleanOptionalAction, default=True,
                    help="build batches in a child process while this one writes (default)")
    ap.add_argument("--verify", action="store_true",
                    help="afterwards, check that every foreign key of the new rows resolves")
    ap.add_argument("--queue-group", type=int, metavar="ID",
                    help="group to fill with --queue-cases open cases (see above)")
    ap.add_argument("--queue-cases", type=int, default=0, metavar="N",
                    help="open cases to add in --queue-group, besides --cases (default 0)")
    ap.add_argument("--queue-days", type=float, default=60.0,
                    help="the queue cases are spread over this many days (default 60)")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    if not args.database_url:
        ap.error("give --database-url or set DATABASE_URL")
    if args.queue_cases and not args.queue_group:
        ap.error("--queue-cases needs --queue-group")
    result = generate(args.database_url, args.cases, batch=args.batch, years=args.years,
                      seed=args.seed, prefix=args.prefix, analyze=args.analyze,
                      sample_size=args.queries, method=args.method,
                      pipeline=args.pipeline, check=args.verify, quiet=args.quiet,
                      queue_group=args.queue_group, queue_cases=args.queue_cases,
                      queue_days=args.queue_days)
    queries = result.pop("queries")
    queries["tracking"] = [tracking_sample(*pair) for pair in queries["tracking"]]
    if args.queries_out:
        Path(args.queries_out).write_text(json.dumps(queries, ensure_ascii=False, indent=1))
    print(json.dumps(result))
    if result["verify_problems"]:
        sys.exit("foreign keys that do not resolve: " + "; ".join(result["verify_problems"]))


if __name__ == "__main__":
    main()
