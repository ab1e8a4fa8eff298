"""The application's benchmark scenarios, for bench/loadgen.py.

* `ConsoleScenario` -- an agent logged in to the console logs contacts through the HTML form
  (POST /agent/contacts, success = 303 to the new case's page). Each client logs in once and
  reads the CSRF token once from GET /agent/, then reuses it; the redirect is not followed.
* `ApiScenario` -- an integration logs contacts through POST /api/v1/contacts with a bearer
  token and a JSON body (success = 201).
* `LookupScenario` -- a logged-in agent looks a case up: GET /agent/cases?q=<reference, phone
  number or name> (success = 200; for a reference the page must contain it).

The write scenarios alternate a ROSA level-2 label (answered at first contact) and a level-5
label (forwarded to a department group), starting on a different one per client, with a
made-up caller (bench/fakedata.py) who always leaves a name and phone number.
"""

from __future__ import annotations

import random
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
            "csrf_token": self._tokens[worker], "channel": "phone", "label_id": str(label_id),
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
