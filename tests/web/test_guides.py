"""Guides through HTTP: the console shows and enforces them, administrators edit them, and the
API accepts and reports the answers."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from models import AuditEntry, Case, GuideField
from rosa.vocabulary import Resolution
from tests import factories
from tests.conftest import csrf_token


@pytest.fixture
def guided(session, world):
    factories.add_guides(session, world)
    session.commit()
    return world


OIL_FORM = {"guide-plats": "Storgatan 12, vid Preemstationen", "guide-pagaende": "yes",
            "guide-fororenare": "Sjöstrands Åkeri AB", "guide-amne": "Diesel",
            "guide-fordon": "abc 123"}


def _post_contact(client, label, **fields):
    page = client.get("/agent/")
    data = {
        "csrf_token": csrf_token(page.get_data(as_text=True)), "channel": "phone",
        "label_id": str(label.id), "citizen_words": "Det läcker olja på Storgatan",
        "answer_given": "", "customer-kind": "private", "customer-name": "Eva Ek",
        "customer-phone": "070-111 22 33", "customer-email": "", "customer-address": "",
        "customer-personnummer": "", "customer-organisationsnummer": "",
    }
    data.update(fields)
    return client.post("/agent/contacts", data=data)


def _tag(html: str, element_id: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{element_id}"[^>]*>', html)
    assert match, element_id
    return match.group(0)


# --- console ------------------------------------------------------------------------------------

def test_guide_fragment_lists_the_fields_with_labels_and_help(guided, login_as):
    """The fragment the console fetches has every field with a <label>, its help linked by
    aria-describedby and "required" in words, case-type fields first."""
    client = login_as(guided.agent)
    html = client.get(f"/agent/labels/{guided.labels['investigation'].id}/guide").get_data(
        as_text=True)
    assert [m for m in re.findall(r'name="guide-(\w+)"', html)] == [
        "plats", "pagaende", "pagaende", "fororenare", "amne", "fordon", "yta"]
    assert '<label for="guide-plats">Exakt plats <span class="req">(obligatoriskt)</span>' in html
    plats = _tag(html, "guide-plats")
    assert 'aria-required="true"' in plats and 'aria-describedby="guide-plats-help"' in plats
    assert '<p class="help" id="guide-plats-help">T.ex. Åsenvägen 1–9.</p>' in html
    assert "<legend>Läcker det fortfarande?" in html
    assert "t.ex. ABC 123 eller ABC 12A" in html
    assert '<option value="Vet inte">Vet inte</option>' in html
    assert client.get(f"/agent/labels/{guided.labels['info'].id}/guide").get_data(
        as_text=True).strip() == ""
    assert client.get("/agent/labels/99999/guide").status_code == 404


def test_fields_are_required_only_to_forward(guided, login_as):
    """A label answered at first contact marks its required fields "required to forward",
    until the agent asks to forward."""
    client = login_as(guided.agent)
    url = f"/agent/labels/{guided.labels['guidance'].id}/guide"
    html = client.get(url).get_data(as_text=True)
    assert "(krävs för att skicka vidare)" in html and "aria-required" not in html
    assert 'aria-required="true"' in client.get(url + "?forward=1").get_data(as_text=True)


def test_birth_date_only_department_asks_for_the_birth_date(guided, login_as):
    """Where the department wants only the birth date, the help text says so."""
    client = login_as(guided.agent)
    html = client.get(f"/agent/labels/{guided.labels['evaluative'].id}/guide").get_data(
        as_text=True)
    assert "Bara födelsedatumet, ÅÅÅÅMMDD" in html


def test_forwarding_without_required_answers_is_refused_field_by_field(guided, login_as,
                                                                      session):
    """Missing and wrong answers are listed in Swedish, each linked to its field and marked
    aria-invalid; everything typed is kept; nothing is saved."""
    client = login_as(guided.agent)
    response = _post_contact(client, guided.labels["investigation"], **{
        "guide-plats": "Storgatan 12", "guide-fordon": "ÅÄÖ 1", "guide-yta": "tolv"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    for field, message in [
            ("pagaende", "”Läcker det fortfarande?” behövs för att ärendet ska kunna skickas "
                         "vidare"),
            ("fororenare", "”Förorenare” behövs för att ärendet ska kunna skickas vidare"),
            ("amne", "”Vad läcker” behövs för att ärendet ska kunna skickas vidare"),
            ("fordon", "”Fordon”: skriv ett svenskt registreringsnummer"),
            ("yta", "”Yta i kvadratmeter”: skriv ett tal")]:
        assert f'<li><a href="#guide-{field}">{message}' in html
        tag = _tag(html, f"guide-{field}") if field != "pagaende" else re.search(
            r'<fieldset class="field yes-no has-error" role="radiogroup"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in tag and f"guide-{field}-errors" in tag
    assert ">Storgatan 12</textarea>" in html
    assert 'value="ÅÄÖ 1"' in html and 'value="tolv"' in html
    assert 'value="Eva Ek"' in html
    assert "Traceback" not in html
    assert session.scalar(select(func.count(Case.id))) == 0


def test_wrong_check_digit_is_refused(guided, login_as, session):
    """A personnummer with a wrong check digit is refused with a clear message."""
    client = login_as(guided.agent)
    response = _post_contact(client, guided.labels["guidance"], **{
        "answer_given": "Taxan finns på webben.", "guide-barn": "20200101-0003"})
    assert response.status_code == 422
    assert "”Barnets personnummer”: kontrollsiffran stämmer inte" in response.get_data(
        as_text=True)


def test_complete_guide_is_saved_and_shown_on_the_case(guided, login_as, session):
    """A forwarded contact with every answer is saved; the case page shows the answers under
    their titles, normalised, yes/no in words."""
    client = login_as(guided.agent)
    response = _post_contact(client, guided.labels["investigation"], **OIL_FORM)
    assert response.status_code == 303
    session.rollback()
    case = session.scalar(select(Case))
    assert case.resolution is Resolution.FORWARDED
    assert case.guide_values == {"plats": "Storgatan 12, vid Preemstationen", "pagaende": True,
                                 "fororenare": "Sjöstrands Åkeri AB", "amne": "Diesel",
                                 "fordon": "ABC123"}
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<h2 id="details-heading">Ärendeuppgifter</h2>' in page
    assert "<dt>Läcker det fortfarande?</dt><dd>Ja</dd>" in page
    assert "<dt>Fordon</dt><dd>ABC123</dd>" in page


def test_personnummer_answers_are_masked_on_the_case_page(guided, login_as, session):
    """The case page shows only the birth date of a personnummer answer."""
    client = login_as(guided.agent)
    response = _post_contact(client, guided.labels["guidance"], **{
        "answer_given": "Taxan finns på webben.", "guide-barn": "20200101-0004"})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<dt>Barnets personnummer</dt><dd>20200101-****</dd>" in page
    assert "202001010004" not in page and "20200101-0004" not in page


def test_answers_to_another_labels_guide_are_ignored(guided, login_as, session):
    """Without JavaScript the form may still hold the previous label's answers; only the
    chosen label's fields are read."""
    client = login_as(guided.agent)
    response = _post_contact(client, guided.labels["info"], **OIL_FORM,
                             answer_given="Öppet 7–19.")
    assert response.status_code == 303
    session.rollback()
    assert session.scalar(select(Case)).guide_values == {}


def test_without_javascript_the_guide_is_shown_on_request(guided, login_as, session):
    """The no-script button re-shows the console with the chosen label's guide, keeping
    what was typed and saving nothing."""
    client = login_as(guided.agent)
    response = _post_contact(client, guided.labels["investigation"], show_guide="1",
                             citizen_words="Olja vid Preem")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "error-summary" not in html
    assert 'name="guide-fororenare"' in html and "Olja vid Preem" in html
    assert session.scalar(select(func.count(Case.id))) == 0


def test_label_json_counts_the_guides_fields(guided, login_as):
    """The console's label info says how many guide fields there are."""
    client = login_as(guided.agent)
    info = client.get(f"/agent/labels/{guided.labels['investigation'].id}").get_json()
    assert info["guide_fields"] == 6


# --- admin --------------------------------------------------------------------------------------

def _field_form(**overrides) -> dict:
    data = {"title": "Vittnets namn", "key": "", "kind": "text", "help_text": "Om någon såg det.",
            "choices": ""}
    data.update(overrides)
    return data


def test_admin_adds_a_field_that_the_console_then_asks_for(guided, login_as, session):
    """A field added to the case type's guide is audited and appears in every label's guide."""
    client = login_as(guided.admin)
    case_type = guided.labels["investigation"].case_type
    url = f"/admin/case-types/{case_type.id}/guide"
    page = client.get(url).get_data(as_text=True)
    assert "Guide för ärendetypen Gata/Park › Oljeläckage" in page
    response = client.post(url, data={**_field_form(required="y"),
                                      "csrf_token": csrf_token(page)})
    assert response.status_code == 303
    session.rollback()
    field = session.scalar(select(GuideField).where(GuideField.key == "vittnets_namn"))
    assert field.case_type_id == case_type.id and field.required and field.position == 2
    assert session.scalar(select(AuditEntry.action).where(
        AuditEntry.target_type == "guide_field", AuditEntry.target_id == str(field.id))
    ) == "guide_field.created"
    agent = login_as(guided.agent)
    html = agent.get(f"/agent/labels/{guided.labels['investigation'].id}/guide").get_data(
        as_text=True)
    assert 'name="guide-vittnets_namn"' in html


def test_bad_field_definitions_are_explained_per_field(guided, login_as, session):
    """A taken key and a choice without alternatives are refused next to their inputs; what
    was typed is kept."""
    client = login_as(guided.admin)
    url = f"/admin/labels/{guided.labels['investigation'].id}/guide"
    page = client.get(url).get_data(as_text=True)
    response = client.post(url, data={**_field_form(key="plats", kind="choice",
                                                    title="Plats igen"),
                                      "csrf_token": csrf_token(page)})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ett annat fält i guiden har redan nyckeln plats" in html
    assert "Ett valfält behöver minst två alternativ, ett per rad" in html
    assert 'value="Plats igen"' in html and 'aria-invalid="true"' in html
    assert session.scalar(select(func.count(GuideField.id))) == 9


def test_admin_edits_reorders_and_deletes_fields(guided, login_as, session):
    """Edit keeps the key; move up changes the order; delete removes; all audited."""
    client = login_as(guided.admin)
    oil = guided.labels["investigation"]
    amne = session.scalar(select(GuideField).where(GuideField.key == "amne"))
    page = client.get(f"/admin/guide-fields/{amne.id}").get_data(as_text=True)
    assert "Nyckeln kan inte ändras" in page
    response = client.post(f"/admin/guide-fields/{amne.id}", data={
        "csrf_token": csrf_token(page), "title": "Vilket ämne läcker", "kind": "choice",
        "required": "y", "help_text": "", "choices": "Diesel\nBensin\nOkänt",
        "key": "annat"})
    assert response.status_code == 303
    token = csrf_token(client.get(f"/admin/labels/{oil.id}/guide").get_data(as_text=True))
    assert client.post(f"/admin/guide-fields/{amne.id}/move",
                       data={"csrf_token": token, "direction": "up"}).status_code == 303
    fordon = session.scalar(select(GuideField).where(GuideField.key == "fordon"))
    assert client.post(f"/admin/guide-fields/{fordon.id}/delete",
                       data={"csrf_token": token}).status_code == 303
    session.rollback()
    own = session.scalars(select(GuideField).where(GuideField.label_id == oil.id)
                          .order_by(GuideField.position)).all()
    assert [(f.key, f.title) for f in own] == [
        ("amne", "Vilket ämne läcker"), ("fororenare", "Förorenare"),
        ("yta", "Yta i kvadratmeter")]
    assert own[0].choices == ["Diesel", "Bensin", "Okänt"]
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.target_type == "guide_field").order_by(AuditEntry.id)).all()
    assert actions[-3:] == ["guide_field.updated", "guide_field.moved", "guide_field.deleted"]
    page = client.get(f"/admin/labels/{oil.id}/guide").get_data(as_text=True)
    assert "Från ärendetypen Oljeläckage" in page and "Exakt plats" in page


def test_guide_actions_need_csrf_and_the_admin_role(guided, login_as, session):
    """Without a CSRF token nothing changes; agents may not open the editor."""
    client = login_as(guided.admin)
    fordon = session.scalar(select(GuideField).where(GuideField.key == "fordon"))
    assert client.post(f"/admin/guide-fields/{fordon.id}/delete").status_code == 400
    assert session.scalar(select(func.count(GuideField.id))) == 9
    agent = login_as(guided.agent)
    assert agent.get(f"/admin/labels/{guided.labels['info'].id}/guide").status_code == 403


def test_taxonomy_page_links_to_the_guides(guided, login_as):
    """The tree shows each case type's guide with its field count and a guide link per label."""
    client = login_as(guided.admin)
    html = client.get("/admin/").get_data(as_text=True)
    case_type = guided.labels["investigation"].case_type
    assert f'href="/admin/case-types/{case_type.id}/guide"' in html
    assert f'href="/admin/labels/{guided.labels["investigation"].id}/guide"' in html
    assert "(2 fält)" in html


# --- API ----------------------------------------------------------------------------------------

@pytest.fixture
def headers(session, guided, now):
    from app.services.users import issue_token

    token = issue_token(session, guided.agent, "test", now=now)
    session.commit()
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


def _api_contact(guided, **overrides) -> dict:
    body = {"channel": "web", "label_id": guided.labels["investigation"].id,
            "citizen_words": "Det läcker olja på Storgatan",
            "customer": {"name": "Eva Ek", "phone": "070-111 22 33"}}
    body.update(overrides)
    return body


def test_api_refuses_missing_and_wrong_answers_with_422_per_field(client, headers, guided,
                                                                 session):
    """Each problem is under `guide.<key>`, in the requested language; nothing is saved."""
    response = client.post("/api/v1/contacts", headers=headers, json=_api_contact(
        guided, guide={"plats": "Storgatan", "fordon": "nope", "farg": "svart"}))
    assert response.status_code == 422
    fields = response.get_json()["fields"]
    assert fields["guide.pagaende"] == ["“Läcker det fortfarande?” is needed to forward the case"]
    assert set(fields) == {"guide.pagaende", "guide.fororenare", "guide.amne", "guide.fordon",
                           "guide.farg"}
    assert session.scalar(select(func.count(Case.id))) == 0


def test_api_refuses_answers_of_the_wrong_json_type_with_400(client, headers, guided):
    """Objects and lists are not answers; the guide itself must be an object."""
    response = client.post("/api/v1/contacts", headers=headers, json=_api_contact(
        guided, guide={"plats": ["a"]}))
    assert response.status_code == 400
    assert "guide.plats" in response.get_json()["fields"]
    response = client.post("/api/v1/contacts", headers=headers, json=_api_contact(
        guided, guide="plats"))
    assert response.get_json()["fields"] == {"guide": ["Must be an object or null"]}


def test_api_stores_typed_answers_and_reports_them_masked(client, headers, guided, session):
    """JSON booleans and numbers are accepted; the case shows the answers, personnummer
    masked (birth date only, as stored for the social department)."""
    response = client.post("/api/v1/contacts", headers=headers, json=_api_contact(guided, guide={
        "plats": "Storgatan 12", "pagaende": False, "fororenare": "Okänd", "amne": "Bensin",
        "yta": 12.5, "fordon": None}))
    assert response.status_code == 201, response.get_json()
    body = client.get(response.headers["Location"], headers=headers).get_json()
    assert body["guide"] == {"plats": "Storgatan 12", "pagaende": False, "fororenare": "Okänd",
                             "amne": "Bensin", "yta": 12.5}
    response = client.post("/api/v1/contacts", headers=headers, json=_api_contact(
        guided, label_id=guided.labels["guidance"].id, requested="forward",
        override_reason="needs_assessment",
        guide={"fastighet": "exempelby kvarnen 3:14", "barn": "20200101-0004"}))
    assert response.status_code == 201, response.get_json()
    body = client.get(response.headers["Location"], headers=headers).get_json()
    assert body["guide"] == {"fastighet": "Exempelby Kvarnen 3:14", "barn": "20200101-****"}


def test_api_taxonomy_includes_guides_on_request(client, headers, guided):
    """`include_guides=1` gives every label its combined guide; by default there is none."""
    plain = client.get("/api/v1/taxonomy", headers=headers).get_json()
    labels = {label["id"]: label for f in plain["functions"] for c in f["case_types"]
              for label in c["labels"]}
    assert "guide" not in labels[guided.labels["investigation"].id]
    body = client.get("/api/v1/taxonomy?include_guides=1", headers=headers).get_json()
    labels = {label["id"]: label for f in body["functions"] for c in f["case_types"]
              for label in c["labels"]}
    guide = labels[guided.labels["investigation"].id]["guide"]
    assert [field["key"] for field in guide] == ["plats", "pagaende", "fororenare", "amne",
                                                "fordon", "yta"]
    assert guide[3] == {"key": "amne", "title": "Vad läcker", "kind": "choice",
                        "required": True, "help_text": "",
                        "choices": ["Diesel", "Bensin", "Vet inte"]}
    assert labels[guided.labels["info"].id]["guide"] == []


def test_api_guide_answers_fit_the_openapi_document(client, headers, guided):
    """The new fields are documented: requests with a guide, taxonomy with guides and the
    case's answers validate against the schemas."""
    import jsonschema

    spec = client.get("/api/v1/openapi.json").get_json()

    def check(name, instance):
        schema = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
        jsonschema.Draft202012Validator(schema).validate(instance)

    body = _api_contact(guided, guide={"plats": "Torget", "pagaende": True, "fororenare": "X",
                                       "amne": "Diesel", "yta": 3})
    check("ContactInput", body)
    created = client.post("/api/v1/contacts", headers=headers, json=body)
    check("CaseDetail", client.get(created.headers["Location"], headers=headers).get_json())
    check("Taxonomy", client.get("/api/v1/taxonomy?include_guides=1", headers=headers)
          .get_json())
