"""Every staff page, for every staff role: ids are unique and every <label for> finds its field.

(So do `aria-labelledby`, `aria-describedby` and `aria-controls`: they point at ids too.)

The test logs in as an agent, a handler, a group lead, a manager and an administrator in a
small municipality with cases in every state, knowledge-base articles, a bulletin,
notifications and fresh statistics, then follows every link it finds (each endpoint a few
times, with different query strings), starting from the role's home page and from the case
pages in each state. Pages re-shown with errors are checked too (their error lists add ids).
"""

from __future__ import annotations

from collections import Counter, deque
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from app.services import casework
from app.services.intake import log_contact
from app.services.knowledge.bulletins import BulletinInput, save_bulletin
from app.services.statistics_refresh import refresh_statistics
from rosa.intake import ContactDraft, CustomerDraft
from rosa.lifecycle import Action
from rosa.vocabulary import Role
from tests import factories
from tests.conftest import csrf_token

PER_ENDPOINT = 3  # pages per endpoint besides the seeds (drill-downs differ only in numbers)
SKIPPED = {"static", "auth.logout", "dashboard.export", "main.healthz", "main.index",
           "auth.login"}


class _Page(HTMLParser):
    """The ids, the ids that labels and ARIA attributes point at, and the links of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.references: list[tuple[str, str]] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if values.get("id"):
            self.ids[values["id"]] += 1
        if tag == "label" and values.get("for"):
            self.references.append(("label for", values["for"]))
        for attribute in ("aria-labelledby", "aria-describedby", "aria-controls"):
            for target in (values.get(attribute) or "").split():
                self.references.append((attribute, target))
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])


def problems_of(html: str) -> tuple[list[str], list[str]]:
    """Duplicated ids and references to ids that no element has, plus the page's links."""
    page = _Page()
    page.feed(html)
    duplicates = [f"id {name!r} ×{n}" for name, n in page.ids.items() if n > 1]
    orphans = [f"{attribute} {target!r}" for attribute, target in page.references
               if target not in page.ids]
    return duplicates + orphans, page.links


def crawl(app, client, seeds: list[str]) -> tuple[dict[str, list[str]], Counter]:
    """Visit the seeds and what they link to; the problems per URL and pages per endpoint."""
    adapter = app.url_map.bind("localhost")
    queue, queued = deque(seeds), set(seeds)
    visited: Counter[str] = Counter()
    problems: dict[str, list[str]] = {}
    while queue:
        url = queue.popleft()
        parts = urlsplit(url)
        try:
            endpoint, _args = adapter.match(parts.path, method="GET")
        except HTTPException:
            continue
        if endpoint in SKIPPED or endpoint.split(".")[0] in ("portal", "api"):
            continue
        if url not in seeds and visited[endpoint] >= PER_ENDPOINT:
            continue
        response = client.get(url)
        visited[endpoint] += 1
        if response.status_code != 200:
            problems[url] = [f"status {response.status_code}"]
            continue
        if not response.content_type.startswith("text/html"):
            continue
        found, links = problems_of(response.get_data(as_text=True))
        if found:
            problems[url] = found
        for href in links:
            target = urljoin(url, href).split("#", 1)[0]
            split = urlsplit(target)
            if split.netloc not in ("", "localhost") or not split.path.startswith("/"):
                continue
            target = split.path + (f"?{split.query}" if split.query else "")
            if target not in queued:
                queued.add(target)
                queue.append(target)
    return problems, visited


def _contact(session, world, key, *, name, email="", guide=None, at):
    draft = ContactDraft(channel="phone", citizen_words="Det läcker olja vid bron",
                         answer_given="Vi skickar vidare.",
                         customer=CustomerDraft(name=name, phone="0701234567", email=email),
                         guide=guide or {})
    return log_contact(session, world.agent, draft, world.labels[key].id, now=at).case


@pytest.fixture
def municipality(session, world):
    """Cases in every state, a group lead, guides, an article, a bulletin and statistics."""
    now = datetime.now(UTC).replace(microsecond=0)
    at = now - timedelta(days=2)
    lead = factories.staff(session, "ledare", Role.HANDLER, department_code="tekn",
                           groups=("tekn-avfall", "tekn-gata"), lead_of=("tekn-gata",),
                           email="ledare@example.se")
    handler = world.handler
    cases = {"first_contact": _contact(session, world, "info", name="Ada Ek", at=at)}
    for state in ("forwarded", "in_progress", "waiting", "resolved", "closed", "returned"):
        cases[state] = _contact(session, world, "routine_no_mandate", name=f"Eva {state}",
                                email="eva@example.se", at=at)
    cases["urgent"] = _contact(session, world, "investigation", name="Per Ek", at=at)
    cases["social"] = _contact(session, world, "evaluative", name="Sara Ek", at=at)
    session.flush()
    for state in ("in_progress", "waiting", "resolved", "closed"):
        casework.claim(session, cases[state], handler, now=at + timedelta(hours=1))
    later = at + timedelta(hours=2)
    casework.send_message(session, cases["in_progress"], handler, "Vi tittar på det.",
                          now=later)
    casework.add_note(session, cases["in_progress"], handler, "Ringt, inget svar", now=later)
    casework.change_status(session, cases["waiting"], handler, Action.WAIT,
                           expected_version=None, now=later, message="Var exakt?")
    for state in ("resolved", "closed"):
        casework.change_status(session, cases[state], handler, Action.RESOLVE,
                               expected_version=None, now=later, message="Klart.",
                               comment="Intern")
    casework.change_status(session, cases["closed"], handler, Action.CLOSE,
                           expected_version=None, now=later)
    casework.return_for_completion(session, cases["returned"], handler, "Adress saknas",
                                   expected_version=None, now=later)
    factories.add_guides(session, world)
    factories.article(session, world, audience="public")
    save_bulletin(session, world.admin, None, BulletinInput(
        title="Vägarbete på Storgatan", kind="road_works", starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=1), body="Omledning via Kyrkvägen."), now=now)
    session.commit()
    refresh_statistics(session, now=now)
    session.commit()
    return {"lead": lead, "cases": cases}


def _case_pages(prefix: str, cases, keys) -> list[str]:
    return [f"{prefix}/{cases[key].reference}" for key in keys]


ALL = ("first_contact", "forwarded", "in_progress", "waiting", "resolved", "closed",
       "returned", "urgent", "social")
OWN = ALL[1:-1]


def seeds_for(role: str, cases) -> list[str]:
    if role in ("handler", "lead"):
        return ["/queues/", "/queues/?status=done", "/queues/search?q=Eva",
                "/notifications/", *_case_pages("/queues/cases", cases, OWN)]
    pages = ["/agent/", "/agent/cases?q=Ek", "/agent/kb?q=öppettider", "/notifications/",
             *_case_pages("/agent/cases", cases, ALL)]
    if role == "manager":
        pages += ["/dashboard/", "/dashboard/avoidable", "/dashboard/services",
                  "/dashboard/support", "/queues/search?q=Ek"]
    if role == "admin":
        pages += ["/admin/", "/admin/calendar", "/admin/kb/articles", "/admin/kb/bulletins",
                  "/admin/kb/thesaurus", "/dashboard/",
                  f"/admin/cases/{cases['urgent'].reference}/audit"]
    return pages


# The endpoints each role must have reached (console, look-up, cases, queues, notifications,
# dashboards, administration, knowledge base), so a broken link cannot hollow the test out.
EXPECTED = {
    "agent": {"agent.console", "agent.lookup", "agent.case_detail", "agent.kb_search",
              "agent.kb_article", "notifications.index"},
    "handler": {"queues.index", "queues.case_detail", "queues.lookup", "notifications.index"},
    "lead": {"queues.index", "queues.case_detail", "queues.lookup", "notifications.index"},
    "manager": {"agent.console", "agent.case_detail", "dashboard.overview", "dashboard.cases",
                "dashboard.avoidable", "dashboard.services", "dashboard.support",
                "queues.lookup"},
    "admin": {"admin.taxonomy", "admin.edit_label", "admin.label_guide",
              "admin.case_type_guide", "admin.calendar", "admin.kb_articles",
              "admin.kb_article_edit", "admin.kb_article_history", "admin.kb_bulletins",
              "admin.kb_bulletin_edit", "admin.kb_thesaurus", "admin.case_audit",
              "agent.case_detail", "dashboard.overview"},
}


@pytest.mark.parametrize("role", ["agent", "handler", "lead", "manager", "admin"])
def test_every_staff_page_has_unique_ids_and_labels_that_point_at_fields(
        role, app, world, municipality, login_as):
    """No duplicated id and no <label for> without its field, on every page the role reaches."""
    user = municipality["lead"] if role == "lead" else getattr(world, role)
    problems, visited = crawl(app, login_as(user), seeds_for(role, municipality["cases"]))
    assert problems == {}
    assert EXPECTED[role] <= set(visited), EXPECTED[role] - set(visited)
    assert sum(visited.values()) >= 10


def test_pages_shown_again_with_errors_keep_ids_unique(world, municipality, login_as):
    """A refused case action and a refused contact re-render with unique, labelled fields."""
    cases = municipality["cases"]
    handler = login_as(world.handler)
    reference = cases["in_progress"].reference
    for action, data in (("message", {"message": " "}), ("resolve", {"message": "x" * 10_001}),
                         ("reroute", {"reason": " "}), ("note", {"note": ""})):
        page = handler.get(f"/queues/cases/{reference}").get_data(as_text=True)
        form = {"csrf_token": csrf_token(page), "version": "", **data}
        response = handler.post(f"/cases/{reference}/{action}", data=form)
        assert response.status_code == 422, action
        assert problems_of(response.get_data(as_text=True))[0] == [], action
    agent = login_as(world.agent)
    page = agent.get("/agent/").get_data(as_text=True)
    response = agent.post("/agent/contacts", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 422
    assert problems_of(response.get_data(as_text=True))[0] == []
