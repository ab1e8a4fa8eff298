"""The application's benchmark scenarios, for bench/loadgen.py.

* `ConsoleScenario` -- an agent logged in to the console logs contacts through the HTML form
  (POST /agent/contacts, success = 303 to the new case's page). Each client logs in once and
  reads the CSRF token once from GET /agent/, then reuses it; each contact carries a fresh
  one-time form token, as each console page does (the server stores it with the case); the
  redirect is not followed.
* `ApiScenario` -- an integration logs contacts through POST /api/v1/contacts with a bearer
  token and a JSON body (success = 201).
* `LookupScenario` -- a logged-in agent looks a case up: GET /agent/cases?q=<reference, phone
  number or name> (success = 200; for a reference the page must contain it).
* `QueueScenario` -- a logged-in handler (bench-handler) opens the group queue page GET
  /queues/ in turn with each of its `QUEUE_VARIANTS` (all groups, one group, unclaimed,
  in progress, page 100, and a filter that matches nothing); success = 200 and a full page of
  `PAGE_ROWS` distinct case references, or for the empty filter the "no cases" message.
* `TrackingScenario` -- an anonymous citizen (no log-in) follows a case in the portal, a
  random one of the cases bench/generate_cases.py sampled (`--queries-out`, "tracking"):
  variant "link" GETs the receipt e-mail's link /portal/arende/<reference>?kod=<code>&lang=sv;
  variant "form" POSTs reference and code (typed as on the receipt, ABCD-EFGH-JKMN) to
  /portal/arende with the form's CSRF token, read once per client from GET /portal/arende.
  Success = 200 and the case's page (its reference and its timeline). Every pair is a real
  case, so no look-up fails: the portal's rate limit counts failed look-ups only and never
  touches these requests (a failure would show as "status 404", then "status 429").

The write scenarios alternate a ROSA level-2 label (answered at first contact) and a level-5
label (forwarded to a department group), starting on a different one per client, with a
made-up caller (bench/fakedata.py) who always leaves a name and phone number.
"""

from __future__ import annotations

import random
import re
import secrets
import urllib.parse
from dataclasses import dataclass, field

from fakedata import Faker
from loadgen import CheckFailed, HttpClient, csrf_token


def log_in(client: HttpClient, username: str, password: str) -> None:
    page = client.get("/auth/login").expect(200)
    client.post_form(
        "/auth/login",
        {"csrf_token": csrf_token(page.text), "username": username, "password": password},
        referer="/auth/login",
    ).expect(302, 303)


def _contact(faker: Faker, forward: bool) -> tuple[str, str, dict]:
    person = faker.person(needs_contact=True)
    topic = "felanmälan" if forward else "öppettider"
    words = faker.citizen_words(topic)
    answer = "" if forward else faker.answer(topic)
    customer = {"kind": "private", "name": person.name,
                "phone": person.phone or faker.phone(), "email": person.email or "",
                "address": person.address or "", "personnummer": person.personnummer or ""}
    return words, answer, customer


@dataclass
class _WriteScenario:
    level2: list[int]
    level5: list[int]
    seed: int = 1
    _fakers: dict[int, Faker] = field(default_factory=dict)

    def _draft(self, worker: int, seq: int, rng: random.Random):
        forward = (seq + worker) % 2 == 1
        label_id = rng.choice(self.level5 if forward else self.level2)
        faker = self._fakers.setdefault(worker, Faker(self.seed * 1000 + worker))
        return label_id, *_contact(faker, forward)


@dataclass
class ConsoleScenario(_WriteScenario):
    username: str = ""
    password: str = ""
    name: str = "console"
    _tokens: dict[int, str] = field(default_factory=dict)

    def setup(self, client: HttpClient, worker: int) -> None:
        log_in(client, self.username, self.password)
        console = client.get("/agent/").expect(200)
        self._tokens[worker] = csrf_token(console.text)
        client.freeze_cookies()

    def operation(self, client: HttpClient, worker: int, seq: int, rng: random.Random) -> None:
        label_id, words, answer, customer = self._draft(worker, seq, rng)
        fields = {
            "csrf_token": self._tokens[worker], "form_token": secrets.token_urlsafe(24),
            "channel": "phone", "label_id": str(label_id),
            "citizen_words": words, "answer_given": answer, "requested": "",
            "customer-kind": customer["kind"], "customer-name": customer["name"],
            "customer-phone": customer["phone"], "customer-email": customer["email"],
            "customer-address": customer["address"],
            "customer-personnummer": customer["personnummer"],
            "customer-organisationsnummer": "",
        }
        response = client.post_form("/agent/contacts", fields, referer="/agent/")
        if response.status != 303:
            raise CheckFailed(f"status {response.status}")
        if "/agent/cases/" not in (response.headers.get("Location") or ""):
            raise CheckFailed("redirect elsewhere")


@dataclass
class ApiScenario(_WriteScenario):
    token: str = ""
    name: str = "api"

    def setup(self, client: HttpClient, worker: int) -> None:
        return None

    def operation(self, client: HttpClient, worker: int, seq: int, rng: random.Random) -> None:
        label_id, words, answer, customer = self._draft(worker, seq, rng)
        payload = {"channel": "phone", "label_id": label_id, "citizen_words": words,
                   "customer": {k: v for k, v in customer.items() if v}}
        if answer:
            payload["answer_given"] = answer
        response = client.post_json("/api/v1/contacts", payload,
                                    {"Authorization": f"Bearer {self.token}"})
        if response.status != 201:
            raise CheckFailed(f"status {response.status}")
        if b'"reference"' not in response.body:
            raise CheckFailed("no reference in answer")


@dataclass
class LookupScenario:
    """GET /agent/cases?q=... with queries of one kind (reference, phone, name, fullname)."""

    kind: str
    queries: list[str]
    username: str
    password: str
    name: str = ""

    def __post_init__(self) -> None:
        self.name = self.name or f"lookup:{self.kind}"
        if not self.queries:
            raise ValueError(f"no {self.kind} queries to look up")

    def setup(self, client: HttpClient, worker: int) -> None:
        log_in(client, self.username, self.password)
        client.freeze_cookies()

    def operation(self, client: HttpClient, worker: int, seq: int, rng: random.Random) -> None:
        query = rng.choice(self.queries)
        response = client.get("/agent/cases?" + urllib.parse.urlencode({"q": query}))
        response.expect(200)
        if self.kind == "reference" and query not in response.text:
            raise CheckFailed("reference not in page")


# (tag, query string with {group} for the queue group, rows expected: "page" = a full page of
# PAGE_ROWS cases, "empty" = the no-match message). The bench data hold no returned cases
# (nothing in the benchmark returns a case for completion), so that filter is empty.
QUEUE_VARIANTS = (
    ("all", "", "page"),
    ("group", "group={group}", "page"),
    ("unclaimed", "group={group}&claim=unclaimed", "page"),
    ("in_progress", "group={group}&status=in_progress", "page"),
    ("page100", "group={group}&page=100", "page"),
    ("empty", "group={group}&status=returned", "empty"),
)
PAGE_ROWS = 50  # app.queues.routes.PAGE_SIZE
EMPTY_MESSAGES = ("Inga ärenden matchar.", "No cases match.")  # sv (default), en
_REFERENCE = re.compile(r"\b[A-Z]{1,10}-\d{4}-\d{6}\b")


@dataclass
class QueueScenario:
    """GET /queues/ as a handler, cycling through QUEUE_VARIANTS (one tag per variant).

    Each client starts at a different variant, so with N clients all variants are in flight.
    `operation` returns the variant's tag: bench/loadgen.py reports latencies per tag too.
    """

    group_id: int
    username: str
    password: str
    variants: tuple = QUEUE_VARIANTS
    name: str = "queue"

    def __post_init__(self) -> None:
        self.paths = [
            (tag, "/queues/" + (f"?{query.format(group=self.group_id)}" if query else ""), expect)
            for tag, query, expect in self.variants]

    def setup(self, client: HttpClient, worker: int) -> None:
        log_in(client, self.username, self.password)
        client.freeze_cookies()

    def operation(self, client: HttpClient, worker: int, seq: int, rng: random.Random) -> str:
        tag, path, expect = self.paths[(seq + worker) % len(self.paths)]
        response = client.get(path)
        if response.status != 200:
            raise CheckFailed(f"{tag}: status {response.status}")
        check_queue_page(response.text, expect, tag)
        return tag


TRACKING_VARIANTS = ("link", "form")
_TIMELINE = '<ol class="timeline">'  # app/templates/portal/tracked.html, not the form page


@dataclass
class TrackingScenario:
    """The citizen's tracking page for random sampled cases, by e-mailed link or by form."""

    cases: list[dict]
    variant: str = "link"
    name: str = ""
    _tokens: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.variant not in TRACKING_VARIANTS:
            raise ValueError(f"tracking variant {self.variant!r}: choose from "
                             f"{', '.join(TRACKING_VARIANTS)}")
        if not self.cases:
            raise ValueError("no tracking cases (reference + code) to look up")
        self.name = self.name or f"tracking:{self.variant}"

    def setup(self, client: HttpClient, worker: int) -> None:
        if self.variant == "form":  # the form's page: a session cookie and its CSRF token
            page = client.get("/portal/arende").expect(200)
            self._tokens[worker] = csrf_token(page.text)
            client.freeze_cookies()

    def operation(self, client: HttpClient, worker: int, seq: int, rng: random.Random) -> None:
        case = rng.choice(self.cases)
        if self.variant == "link":
            response = client.get(case["link"])
        else:
            response = client.post_form(
                "/portal/arende", {"csrf_token": self._tokens[worker],
                                   "reference": case["reference"], "code": case["typed_code"]},
                referer="/portal/arende")
        response.expect(200)
        page = response.text
        if case["reference"] not in page or _TIMELINE not in page:
            raise CheckFailed("not the case's page")


def check_queue_page(html: str, expect: str, tag: str = "queue") -> int:
    """Raise CheckFailed unless the page has a full page of cases (or the empty message)."""
    rows = len(set(_REFERENCE.findall(html)))
    if expect == "empty":
        if rows or not any(message in html for message in EMPTY_MESSAGES):
            raise CheckFailed(f"{tag}: not empty")
    elif rows != PAGE_ROWS:
        raise CheckFailed(f"{tag}: {rows} rows")
    return rows
