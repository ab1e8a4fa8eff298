"""JSON API v1: token authentication, roles and scoping, logging contacts through the one way
in, reading cases and the taxonomy, JSON errors, and the OpenAPI document."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from app.services.users import issue_token
from models import ApiToken, Case, CaseEvent
from rosa.vocabulary import CaseStatus, EventKind, Resolution

PNR = "198112189876"  # a valid test personnummer (checksum holds)


def _contact(label_id: int, **overrides) -> dict:
    body = {
        "channel": "phone",
        "label_id": label_id,
        "citizen_words": "Soptunnan har inte tömts",
        "answer_given": "Hämtning sker i morgon",
        "customer": {"name": "Anna Svensson", "phone": "070-123 45 67"},
    }
    body.update(overrides)
    return body


@pytest.fixture
def auth(session, world, now):
    """Headers with a fresh bearer token for one of the world's users."""

    def _headers(user, **extra) -> dict:
        secret = issue_token(session, user, "test", now=now)
        session.commit()
        return {"Authorization": f"Bearer {secret}", **extra}

    return _headers


@pytest.fixture
def post_contact(client, auth, world):
    """POST a contact as `user` (the agent unless told otherwise)."""

    def _post(body, user=None, **kwargs):
        return client.post("/api/v1/contacts", json=body, headers=auth(user or world.agent),
                           **kwargs)

    return _post


def _count_cases(session) -> int:
    session.rollback()  # end the test's read snapshot, so requests' commits are visible
    return session.scalar(select(func.count(Case.id)))


@contextmanager
def _counting_queries(app):
    from app.extensions import db

    statements: list[str] = []

    def _count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _count)


# --- logging contacts -------------------------------------------------------------------------

@pytest.mark.parametrize("key", ["info", "guidance", "admin_mandate"])
def test_resolvable_contacts_are_resolved_at_first_contact(post_contact, session, world, key):
    """Levels 1–2, and 3–4 with mandate, logged via the API are stored resolved at first contact."""
    response = post_contact(_contact(world.labels[key].id))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "resolved" and body["resolution"] == "first_contact"
    assert body["group"] is None
    assert body["routing"]["outcome"] == "first_contact"
    assert response.headers["Location"] == f"/api/v1/cases/{body['reference']}"
    session.rollback()
    case = session.scalar(select(Case).where(Case.reference == body["reference"]))
    assert case.status is CaseStatus.RESOLVED
    assert case.resolution is Resolution.FIRST_CONTACT
    assert case.group_id is None
    assert case.created_by_id == world.agent.id


@pytest.mark.parametrize("key,group_attr", [
    ("routine_no_mandate", "streets_group"),
    ("investigation", "streets_group"),
    ("evaluative", "social_group"),
])
def test_department_contacts_land_in_their_groups_queue(post_contact, session, world, key,
                                                        group_attr):
    """Levels 5–6, and 3–4 without mandate, logged via the API go to the label's group."""
    group = getattr(world, group_attr)
    response = post_contact(_contact(world.labels[key].id, answer_given=""))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "forwarded" and body["resolution"] == "forwarded"
    assert body["group"] == {"code": group.code, "name": group.name}
    assert body["routing"]["outcome"] == "forward" and body["routing"]["reason"]
    assert body["label"] == {"id": world.labels[key].id,
                             "path": list(world.labels[key].path)}
    session.rollback()
    case = session.scalar(select(Case).where(Case.reference == body["reference"]))
    assert case.status is CaseStatus.FORWARDED and case.group_id == group.id


def test_created_case_answer_has_reference_and_formatted_tracking_code(post_contact, world):
    """The 201 answer carries the reference, a grouped tracking code and UTC times."""
    body = post_contact(_contact(world.labels["info"].id)).get_json()
    assert body["reference"].startswith("KC-")
    assert len(body["tracking_code"]) == 14 and body["tracking_code"].count("-") == 2
    assert body["rosa_level"] == 1
    assert body["department"] == {"code": "tekn", "name": "Tekniska förvaltningen"}
    assert body["created_at"].endswith("Z")


def test_client_may_ask_to_forward_a_resolvable_contact(post_contact, world):
    """requested=forward sends even a level-1 contact to its group, marked as overridden,
    when it says why."""
    body = post_contact(_contact(world.labels["info"].id, requested="forward",
                                 override_reason="self_service")).get_json()
    assert body["status"] == "forwarded" and body["routing"]["overridden"] is True


def test_forwarding_anyway_needs_a_reason_in_the_api_too(post_contact, session, world):
    """Without override_reason or override_note it is a 422 naming the field; an unknown
    reason too, and "other" needs the note; nothing is saved."""
    info = world.labels["info"].id
    for extra, fields in (({}, ["override_reason"]),
                          ({"override_reason": "because"}, ["override_reason"]),
                          ({"override_reason": "other"}, ["override_note"])):
        response = post_contact(_contact(info, requested="forward", **extra))
        assert response.status_code == 422
        assert list(response.get_json()["fields"]) == fields
    assert session.scalar(select(func.count(Case.id))) == 0
    body = post_contact(_contact(info, requested="forward",
                                 override_note="Kunden vill ha ett skriftligt beslut"))
    assert body.status_code == 201


def test_asking_to_resolve_a_department_contact_is_refused(post_contact, session, world):
    """requested=first_contact on a level-5 label is a 422 on `requested`; nothing is saved."""
    response = post_contact(_contact(world.labels["investigation"].id,
                                     requested="first_contact"))
    assert response.status_code == 422
    assert list(response.get_json()["fields"]) == ["requested"]
    assert _count_cases(session) == 0


def test_received_at_with_time_zone_becomes_the_case_time(post_contact, session, world):
    """A past received_at with an offset is stored (in UTC) as when the case began."""
    body = post_contact(_contact(world.labels["info"].id,
                                 received_at="2026-01-05T08:30:00+01:00")).get_json()
    assert body["created_at"] == "2026-01-05T07:30:00Z"
    assert body["reference"].startswith("KC-2026-")


@pytest.mark.parametrize("value,status", [
    ("2026-01-05T08:30:00", 400),  # naive
    ("yesterday", 400),
    (1700000000, 400),
    ((datetime.now(UTC) + timedelta(days=1)).isoformat(), 422),  # future
])
def test_received_at_must_be_a_past_instant_with_time_zone(post_contact, session, world, value,
                                                         status):
    """Naive, malformed or non-string received_at is a 400; one in the future a 422."""
    response = post_contact(_contact(world.labels["info"].id, received_at=value))
    assert response.status_code == status
    assert "received_at" in response.get_json()["fields"]
    assert _count_cases(session) == 0


def test_rule_violations_name_every_field_and_write_nothing(post_contact, session, world):
    """Breaking the intake rules is a 422 listing each field, translated; no case is written."""
    before = _count_cases(session)
    response = post_contact(
        _contact(world.labels["investigation"].id, channel="pigeon", citizen_words="  ",
                 customer={"email": "not-an-address", "personnummer": "19811218-0000"}),
        query_string={"lang": "en"},
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "validation_failed" and body["message"]
    assert {"channel", "citizen_words", "customer.email", "customer.personnummer"} <= set(
        body["fields"])
    assert body["fields"]["customer.email"] == ["Not a valid e-mail address"]
    assert _count_cases(session) == before == 0


def test_retired_label_is_refused(post_contact, session, world):
    """A retired label cannot be used for new contacts (422 on label_id)."""
    response = post_contact(_contact(world.labels["retired"].id))
    assert response.status_code == 422
    assert "label_id" in response.get_json()["fields"]
    assert _count_cases(session) == 0


@pytest.mark.parametrize("body,fields", [
    ({"label_id": "3"}, {"label_id"}),
    ({"label_id": True}, {"label_id"}),
    ({"label_id": 10**30}, {"label_id"}),
    ({"channel": 5, "citizen_words": None}, {"channel", "citizen_words"}),
    ({"customer": "Anna"}, {"customer"}),
    ({"customer": {"name": 7, "shoe_size": "42"}}, {"customer.name", "customer.shoe_size"}),
    ({"answer_given": ["a"], "requested": 1}, {"answer_given", "requested"}),
    ({"citizen_word": "typo"}, {"citizen_word"}),
])
def test_wrong_types_are_a_400_naming_the_fields(post_contact, session, world, body, fields):
    """Fields of the wrong JSON type, or unknown ones, are a 400 naming each; nothing is saved."""
    response = post_contact({**_contact(world.labels["info"].id), **body})
    assert response.status_code == 400
    answer = response.get_json()
    assert answer["error"] == "bad_request"
    assert set(answer["fields"]) == fields
    assert _count_cases(session) == 0


def test_missing_required_fields_are_named(client, auth, session, world):
    """An empty object is a 400 naming channel, label_id and citizen_words."""
    response = client.post("/api/v1/contacts", json={}, headers=auth(world.agent))
    assert response.status_code == 400
    assert set(response.get_json()["fields"]) == {"channel", "label_id", "citizen_words"}


@pytest.mark.parametrize("data", ["{not json", '{"a": 1', b"\xff\xfe{}", "[" * 100_000])
def test_bad_json_is_a_400(client, auth, session, world, data):
    """A body that is not JSON (or too deeply nested to read) is a 400 on `body`."""
    response = client.post("/api/v1/contacts", data=data, content_type="application/json",
                           headers=auth(world.agent))
    assert response.status_code == 400
    assert response.get_json()["fields"] == {"body": [response.get_json()["fields"]["body"][0]]}
    assert _count_cases(session) == 0


@pytest.mark.parametrize("data", ["[1, 2]", '"text"', "null", "42"])
def test_body_must_be_a_json_object(client, auth, session, world, data):
    """JSON that is not an object is a 400 on `body`."""
    response = client.post("/api/v1/contacts", data=data, content_type="application/json",
                           headers=auth(world.agent))
    assert response.status_code == 400
    assert list(response.get_json()["fields"]) == ["body"]


def test_body_must_be_sent_as_json(client, auth, world):
    """A form-encoded body is refused with 415, as JSON."""
    response = client.post("/api/v1/contacts", data={"channel": "phone"},
                           headers=auth(world.agent))
    assert response.status_code == 415
    assert response.get_json()["error"] == "unsupported_media_type"


def test_logging_a_contact_takes_few_queries(app, client, auth, session, world):
    """No lazy loads: SELECTs for token, user and label in a read transaction, then only
    writes (token use, counter, case, contact, customer, events) in the write transaction."""
    headers = auth(world.agent)
    # A forwarded, non-urgent label (urgent ones also alert the group: a few more queries).
    body = _contact(world.labels["evaluative"].id, answer_given="")
    client.post("/api/v1/contacts", json=body, headers=headers)  # also starts the year's counter
    session.remove()  # requests in tests share the test's session; start as a fresh one would
    with _counting_queries(app) as statements:
        response = client.post("/api/v1/contacts", json=body, headers=headers)
    assert response.status_code == 201
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) <= 2, selects  # the token with its user, the label with path and units
    assert len(statements) <= 16, statements  # BEGIN, SELECTs, BEGIN, writes; nothing more
    first_write = next(i for i, s in enumerate(statements) if s.lstrip().upper().startswith(
        ("UPDATE", "INSERT")))
    write_phase = statements[first_write:]
    assert not [s for s in write_phase if s.lstrip().upper().startswith("SELECT")], write_phase


# --- authentication and roles -----------------------------------------------------------------

def test_missing_token_is_401_with_challenge(client, world):
    """Without a token every API view answers 401 JSON with a WWW-Authenticate header."""
    for method, url in (("get", "/api/v1/taxonomy"), ("post", "/api/v1/contacts"),
                        ("get", "/api/v1/cases/KC-2026-000001")):
        response = getattr(client, method)(url)
        assert response.status_code == 401, url
        assert response.get_json()["error"] == "unauthorized"
        assert response.get_json()["message"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", [
    "Bearer evi_not-a-real-token",
    "Bearer something-else",
    "Basic YWdlbnQ6cGFzc3dvcmQ=",
    "Bearer ",
])
def test_bad_token_is_401(client, world, header):
    """An unknown token, another scheme or an empty token is 401."""
    response = client.get("/api/v1/taxonomy", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert "WWW-Authenticate" in response.headers


def test_revoked_token_is_401(client, session, world, auth, now):
    """A revoked token no longer works, and says invalid_token in its challenge."""
    headers = auth(world.agent)
    assert client.get("/api/v1/taxonomy", headers=headers).status_code == 200
    token = session.scalar(select(ApiToken))
    token.revoked_at = now
    session.commit()
    response = client.get("/api/v1/taxonomy", headers=headers)
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_token_of_deactivated_user_is_401(client, session, world, auth):
    """A token stops working when its user's account is closed."""
    headers = auth(world.agent)
    world.agent.is_active_account = False
    session.commit()
    assert client.get("/api/v1/taxonomy", headers=headers).status_code == 401


def test_handler_may_not_log_contacts(post_contact, session, world):
    """A handler's token may read but not log contacts: 403, nothing saved."""
    response = post_contact(_contact(world.labels["info"].id), user=world.handler)
    assert response.status_code == 403
    assert response.get_json()["error"] == "forbidden"
    assert _count_cases(session) == 0


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_managers_and_admins_may_log_contacts(post_contact, world, role):
    """Managers and administrators may log contacts like agents."""
    response = post_contact(_contact(world.labels["info"].id), user=getattr(world, role))
    assert response.status_code == 201


def test_token_use_is_recorded_only_when_writing(client, session, world, auth, post_contact):
    """Reads leave last_used_at alone (no write in a read request); a logged contact sets it."""
    headers = auth(world.agent)
    client.get("/api/v1/taxonomy", headers=headers)
    session.rollback()
    assert session.scalar(select(ApiToken.last_used_at)) is None
    client.post("/api/v1/contacts", json=_contact(world.labels["info"].id), headers=headers)
    session.rollback()
    assert session.scalar(select(ApiToken.last_used_at)) is not None


# --- reading cases ----------------------------------------------------------------------------

def _logged(post_contact, world, key="investigation", **overrides) -> str:
    response = post_contact(_contact(world.labels[key].id, answer_given="", **overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["reference"]


def test_case_shows_history_and_contacts(client, auth, post_contact, world):
    """A case reads with its events (actor by username) and contacts, oldest first."""
    reference = _logged(post_contact, world)
    response = client.get(f"/api/v1/cases/{reference}", headers=auth(world.manager))
    assert response.status_code == 200
    body = response.get_json()
    assert body["reference"] == reference and body["status"] == "forwarded"
    assert [e["kind"] for e in body["events"]] == [
        EventKind.CREATED, EventKind.CONTACT_LOGGED, EventKind.CLASSIFIED, EventKind.FORWARDED]
    assert {e["actor"] for e in body["events"]} == {"agent"}
    assert body["events"][0]["citizen_visible"] is True
    assert body["events"][3]["data"]["group_id"] == world.streets_group.id
    assert body["contacts"] == [{
        "channel": "phone", "received_at": body["created_at"],
        "citizen_words": "Soptunnan har inte tömts", "answer_given": "",
    }]


def test_case_reference_is_read_case_insensitively(client, auth, post_contact, world):
    """A reference typed in lower case finds the case."""
    reference = _logged(post_contact, world)
    response = client.get(f"/api/v1/cases/{reference.lower()}", headers=auth(world.agent))
    assert response.status_code == 200


def test_personnummer_is_masked_in_every_answer(client, auth, post_contact, world):
    """The full personnummer never leaves the API; the case shows the birth date only."""
    created = post_contact(_contact(world.labels["investigation"].id, answer_given="",
                                    customer={"name": "Anna", "phone": "0701234567",
                                              "personnummer": "19811218-9876"}))
    reference = created.get_json()["reference"]
    read = client.get(f"/api/v1/cases/{reference}", headers=auth(world.agent))
    for response in (created, read):
        text = response.get_data(as_text=True)
        assert PNR not in text and "811218-9876" not in text and "8112189876" not in text
    assert read.get_json()["customer"]["personnummer"] == "19811218-****"


def test_handler_reads_own_departments_case(client, auth, post_contact, world):
    """A handler may read a case of their own department."""
    reference = _logged(post_contact, world, "investigation")  # Tekniska förvaltningen
    assert client.get(f"/api/v1/cases/{reference}",
                      headers=auth(world.handler)).status_code == 200


def test_handler_of_another_department_gets_404(client, auth, post_contact, world):
    """Another department's case is a 404, the same answer as for a case that does not exist."""
    reference = _logged(post_contact, world, "evaluative")  # Socialförvaltningen
    headers = auth(world.handler)  # Tekniska förvaltningen
    hidden = client.get(f"/api/v1/cases/{reference}", headers=headers)
    absent = client.get("/api/v1/cases/KC-2026-999999", headers=headers)
    assert hidden.status_code == absent.status_code == 404
    assert hidden.get_json() == absent.get_json()
    assert hidden.get_json()["error"] == "not_found"
    assert client.get(f"/api/v1/cases/{reference}",
                      headers=auth(world.social_handler)).status_code == 200


# --- taxonomy ---------------------------------------------------------------------------------

def _labels(body: dict) -> dict[str, dict]:
    return {label["name"]: label for function in body["functions"]
            for case_type in function["case_types"] for label in case_type["labels"]}


def test_taxonomy_lists_current_labels_with_routing(client, auth, world):
    """The tree shows each current label's facts, units and what happens by default."""
    response = client.get("/api/v1/taxonomy", headers=auth(world.handler))
    assert response.status_code == 200
    body = response.get_json()
    assert [f["name"] for f in body["functions"]] == ["Avfall", "Gata/Park", "Socialtjänst"]
    labels = _labels(body)
    assert "Gammal etikett" not in labels
    leak = labels["Felanmälan"]
    assert leak["path"] == ["Gata/Park", "Oljeläckage", "Felanmälan"]
    assert leak["rosa_level"] == 5 and leak["urgent"] is True
    assert leak["signal_words"] == ["olja", "läckage"]
    assert leak["department"] == {"code": "tekn", "name": "Tekniska förvaltningen"}
    assert leak["group"] == {"code": "tekn-gata", "name": "Gata och park"}
    assert leak["routing"]["outcome"] == "forward"
    assert labels["Utebliven"]["mandate"] is True
    assert labels["Utebliven"]["routing"]["outcome"] == "first_contact"
    assert labels["Parkeringstillstånd"]["routing"]["outcome"] == "forward"


def test_taxonomy_can_include_retired_labels(client, auth, world):
    """?include_retired=1 adds retired labels, marked inactive."""
    response = client.get("/api/v1/taxonomy?include_retired=1", headers=auth(world.agent))
    assert _labels(response.get_json())["Gammal etikett"]["active"] is False


def test_taxonomy_is_one_query(app, client, auth, world):
    """The whole tree is read with one query (plus the token's), however many labels."""
    headers = auth(world.agent)
    with _counting_queries(app) as statements:
        assert client.get("/api/v1/taxonomy", headers=headers).status_code == 200
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2, selects  # the token with its user, the labels with everything


# --- language and errors ----------------------------------------------------------------------

@pytest.mark.parametrize("headers,query,expected", [
    ({}, {}, "sv"),
    ({"Accept-Language": "en-GB,en;q=0.9"}, {}, "en"),
    ({"Accept-Language": "de"}, {}, "sv"),
    ({"Accept-Language": "en"}, {"lang": "sv"}, "sv"),
])
def test_language_follows_accept_language(client, auth, world, headers, query, expected):
    """Swedish by default, English on Accept-Language or ?lang=; no cookie is set."""
    response = client.get("/api/v1/taxonomy", query_string=query,
                          headers=auth(world.agent, **headers))
    assert response.headers["Content-Language"] == expected
    assert "Set-Cookie" not in response.headers


def test_unknown_api_urls_and_methods_answer_json(client, world):
    """404 and 405 under /api/ are JSON, not HTML pages."""
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["error"] == "not_found"
    wrong = client.delete("/api/v1/taxonomy")
    assert wrong.status_code == 405 and wrong.is_json


def test_api_needs_no_csrf_token(client, auth, world):
    """Token-authenticated POSTs are not subject to the cookie forms' CSRF check."""
    response = client.post("/api/v1/contacts", json=_contact(world.labels["info"].id),
                           headers=auth(world.agent))
    assert response.status_code == 201


# --- the OpenAPI document ---------------------------------------------------------------------

def _spec(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return json.loads(response.get_data(as_text=True))


def test_openapi_describes_every_route(app, client):
    """The document is public JSON with a path (and method) for every API route."""
    spec = _spec(client)
    assert spec["openapi"].startswith("3.1")
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path = rule.rule.replace("<", "{").replace(">", "}")
        assert path in spec["paths"], path
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"][path], (path, method)


def test_openapi_document_is_valid(client):
    """The document validates against the OpenAPI 3.1 specification."""
    import openapi_spec_validator as validator
    validator.validate(_spec(client))


def test_real_answers_fit_the_documented_schemas(client, auth, post_contact, world):
    """Responses of every route match the schemas the document gives for them."""
    import jsonschema
    spec = _spec(client)

    def check(name, instance):
        schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
        jsonschema.Draft202012Validator(schema).validate(instance)

    body = _contact(world.labels["investigation"].id, answer_given="",
                    received_at="2026-01-05T08:30:00+01:00",
                    customer={"kind": "private", "name": "Anna", "email": "anna@example.se",
                              "personnummer": "198112189876"})
    check("ContactInput", body)
    created = post_contact(body)
    check("CaseCreated", created.get_json())
    headers = auth(world.agent)
    check("CaseDetail", client.get(created.headers["Location"], headers=headers).get_json())
    check("Taxonomy", client.get("/api/v1/taxonomy?include_retired=1",
                                 headers=headers).get_json())
    check("Error", client.get("/api/v1/taxonomy").get_json())
    check("Error", client.get("/api/v1/cases/KC-1-1", headers=headers).get_json())
    check("FieldErrors", post_contact({**body, "label_id": "x"}).get_json())
    check("FieldErrors", post_contact(_contact(world.labels["info"].id, channel="x")).get_json())


def test_docs_page_links_to_the_document(client):
    """The HTML docs page is public, links the JSON and loads nothing from elsewhere."""
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/api/v1/openapi.json" in html
    assert "http://" not in html and "https://" not in html


def test_stored_events_match_what_the_api_reports(client, auth, post_contact, session, world):
    """The events the API lists are the case's stored history, one for one."""
    reference = _logged(post_contact, world)
    body = client.get(f"/api/v1/cases/{reference}", headers=auth(world.agent)).get_json()
    session.rollback()
    case = session.scalar(select(Case).where(Case.reference == reference))
    stored = session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)
                             .order_by(CaseEvent.id)).all()
    assert [e["kind"] for e in body["events"]] == [kind.value for kind in stored]


def test_oversized_body_is_refused_as_json(client, auth, session, world):
    """A body over MAX_CONTENT_LENGTH is a JSON 413; nothing is saved."""
    big = '{"citizen_words": "' + "x" * (3 * 1024 * 1024) + '"}'
    response = client.post("/api/v1/contacts", data=big, content_type="application/json",
                           headers=auth(world.agent))
    assert response.status_code == 413 and response.is_json
    assert _count_cases(session) == 0
