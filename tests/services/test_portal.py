"""The portal's services: topics against the demo taxonomy, tracking look-ups in constant
time, the citizen's timeline from real casework, feedback, and answer-helped counters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import yaml
from sqlalchemy import func, select

from app.services import portal
from app.services.portal import (
    CITIZEN_KINDS,
    FeedbackDraft,
    answer_counts,
    count_answer_vote,
    count_answers_shown,
    load_topics,
    parse_topics,
    portal_topics,
    store_feedback,
    suggest_answers,
    track_case,
)
from models import AnswerHelpedCount, Feedback
from rosa.errors import RuleViolations
from rosa.timeline import Promise, Step
from rosa.vocabulary import CaseStatus
from tests.web.test_portal import (
    COMMENT,
    MESSAGE,
    NOTE,
    NOW,
    REASON,
    STAFF_NAME,
    build_municipality,
    label_id,
    publish_article,
    worked_case,
)


@pytest.fixture
def municipality(session):
    """The demo taxonomy, a handler and an agent (as in the web tests)."""
    return build_municipality(session)


# --- topics --------------------------------------------------------------------------------


def test_every_topic_maps_to_an_active_label_of_the_demo_taxonomy(session, municipality):
    """All topics of app/portal/topics.yaml are offered once the demo taxonomy is loaded."""
    offered = portal_topics(session)
    assert [topic.key for topic in offered] == [topic.key for topic in load_topics()]
    assert len(offered) >= 12
    assert offered[-1].key == "annat"  # the catch-all goes to the contact centre itself
    assert offered[-1].label.department == "Kontaktcenter"


def test_no_topic_needs_what_the_open_web_form_may_not_ask(session, municipality):
    """No topic's label requires a personal identity number, and every question it does
    ask has English wording, so English pages stay English."""
    for topic in portal_topics(session):
        assert all(spec.kind in CITIZEN_KINDS for spec in topic.label.guide if spec.required)
        for spec in topic.label.guide:
            wording = topic.topic.fields.get(spec.key)
            assert wording is not None and wording.title is not None, (topic.key, spec.key)
            if spec.choices:
                assert len(wording.choices_en) == len(spec.choices), (topic.key, spec.key)
        assert topic.title("sv") != topic.title("en")


def test_citizen_fields_are_worded_per_language(session, municipality):
    """The guide's agent wording gives way to the topic's, in the page's language."""
    noise = next(topic for topic in portal_topics(session) if topic.key == "buller")
    swedish = {field.key: field for field in noise.fields("sv")}
    english = {field.key: field for field in noise.fields("en")}
    assert swedish["kalla"].title == "Vad är det som låter?"
    assert english["kalla"].title == "What is making the noise?"
    assert english["kalla"].choices[0] == ("Fläkt eller värmepump", "Fan or heat pump")
    assert swedish["kalla"].choices[0] == ("Fläkt eller värmepump", "Fläkt eller värmepump")


def test_a_topic_whose_label_is_missing_or_retired_is_left_out(session, municipality):
    """A municipality without the label simply does not offer the topic."""
    topics = parse_topics({"topics": [
        {"key": "finns", "label": ["Avfall", "Kärl", "Trasigt kärl"],
         "title": {"sv": "Trasig tunna", "en": "Broken bin"}},
        {"key": "saknas", "label": ["Avfall", "Kärl", "Finns inte"],
         "title": {"sv": "Något", "en": "Something"}},
    ]})
    assert [topic.key for topic in portal_topics(session, topics)] == ["finns"]


@pytest.mark.parametrize("document,problem", [
    ({"topics": [{"key": "A b", "label": ["a", "b", "c"], "title": {"sv": "x", "en": "y"}}]},
     "key must be"),
    ({"topics": [{"key": "a", "label": ["a", "b"], "title": {"sv": "x", "en": "y"}}]},
     "label must be"),
    ({"topics": [{"key": "a", "label": ["a", "b", "c"], "title": {"sv": "x"}}]},
     "give both sv and en"),
    ({"topics": [{"key": "a", "label": ["a", "b", "c"], "title": {"sv": "x", "en": "y"}},
                 {"key": "a", "label": ["a", "b", "d"], "title": {"sv": "x", "en": "y"}}]},
     "used twice"),
    ({"topic": []}, "a list `topics`"),
])
def test_a_broken_topics_file_is_refused_with_its_problem(document, problem):
    """A mistake in the file names the topic and what is wrong."""
    with pytest.raises(ValueError, match=problem):
        parse_topics(yaml.safe_load(yaml.safe_dump(document)))


# --- tracking ---------------------------------------------------------------------------------


def test_the_timeline_from_real_casework_shows_only_visible_events(session, municipality):
    """Created, forwarded, claimed, re-routed, claimed, message, resolved — in that order,
    with the department's name only; the note, the reason and the comment stay inside."""
    case = worked_case(session, municipality)
    tracked = track_case(session, case.reference, case.tracking_code, now=NOW)
    assert tracked is not None and tracked.status is CaseStatus.RESOLVED
    assert [entry.step for entry in tracked.timeline] == [
        Step.RECEIVED, Step.FORWARDED, Step.PROGRESS, Step.FORWARDED, Step.PROGRESS,
        Step.MESSAGE, Step.RESOLVED]
    assert tracked.timeline[5].text == MESSAGE
    assert tracked.department == "Tekniska förvaltningen"
    assert tracked.promise is Promise.MET
    everything = repr(tracked)
    for secret in (NOTE, REASON, COMMENT, STAFF_NAME, "Avfall och återvinning", "Gata och park",
                   "Eva Ek", case.tracking_code):
        assert secret not in everything, secret


def test_a_wrong_code_or_unknown_reference_finds_nothing(session, municipality):
    """Only the exact pair opens a case; the code may be typed in any case with dashes."""
    case = worked_case(session, municipality)
    code = case.tracking_code
    assert track_case(session, case.reference, code.lower(), now=NOW) is not None
    assert track_case(session, f" {case.reference.lower()} ",
                      f"{code[:4]}-{code[4:8]}-{code[8:]}", now=NOW) is not None
    for reference, wrong in ((case.reference, code[::-1]), ("KC-2026-999999", code),
                             (case.reference, ""), ("", code), (case.reference, code + "X"),
                             (case.reference, "ÅÄÖ" * 4)):
        assert track_case(session, reference, wrong, now=NOW) is None


def test_unknown_references_cost_the_same_comparison(session, municipality, monkeypatch):
    """Known or not, one query and one constant-time comparison of a 12-character code."""
    from sqlalchemy import event

    case = worked_case(session, municipality)
    compared = []
    real = portal.hmac.compare_digest

    def spy(given, expected):
        compared.append((given, expected))
        return real(given, expected)

    monkeypatch.setattr(portal.hmac, "compare_digest", spy)
    statements = []

    def count(*_args):
        statements.append(1)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        portal.find_tracked_case(session, case.reference, "ABCDEFGHJKMN")
        portal.find_tracked_case(session, "KC-2026-999999", "ABCDEFGHJKMN")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 2  # one query each
    (known_given, known_expected), (unknown_given, unknown_expected) = compared
    assert known_given == unknown_given == b"ABCDEFGHJKMN"
    assert known_expected == case.tracking_code.encode()
    assert unknown_expected == portal._NO_CASE_CODE.encode()
    assert len(unknown_expected) == len(known_expected) == 12


def test_a_case_answered_at_once_shows_no_department_and_no_promise(session, municipality):
    """Resolved at first contact: received and answered, nothing forwarded or promised."""
    from app.services.intake import log_contact
    from rosa.intake import ContactDraft

    case = log_contact(session, municipality["agent"], ContactDraft(
        channel="phone", citizen_words="När töms soporna?", answer_given="På tisdag"),
        label_id(session, "Avfall", "Sophämtning", "Hämtningsdagar"), now=NOW).case
    session.commit()
    tracked = track_case(session, case.reference, case.tracking_code, now=NOW)
    assert tracked.department is None and tracked.promise is Promise.NONE
    assert [entry.step for entry in tracked.timeline] == [Step.RECEIVED, Step.RESOLVED]


def test_tracking_takes_two_queries(session, municipality):
    """The case with its department, then its visible events: nothing else per request."""
    from sqlalchemy import event

    case = worked_case(session, municipality)
    statements = []
    engine = session.get_bind()

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert track_case(session, case.reference, case.tracking_code, now=NOW) is not None
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 2


def test_an_overdue_case_says_we_are_late(session, municipality):
    """Past the feedback deadline without feedback, the promise reads as broken."""
    from app.services.intake import log_contact
    from rosa.intake import ContactDraft, CustomerDraft

    case = log_contact(session, None, ContactDraft(
        channel="web", citizen_words="Gatlampan är trasig", requested="forward",
        override_reason="self_service",
        customer=CustomerDraft(name="Eva", phone="0701234567")),
        label_id(session, "Gata/Park", "Gatubelysning", "Felanmälan"), now=NOW).case
    session.commit()
    later = case.feedback_due_at + timedelta(minutes=1)
    assert track_case(session, case.reference, case.tracking_code, now=later
                      ).promise is Promise.LATE


# --- feedback --------------------------------------------------------------------------------


def test_anonymous_feedback_needs_only_kind_and_text(session, municipality):
    """No name, no address: stored all the same, marked web."""
    stored = store_feedback(session, FeedbackDraft(kind="complaint", text="Lång kö",
                                                   suggestion="Fler som svarar"),
                            topic_keys=(), now=NOW)
    session.commit()
    assert stored.anonymous and stored.channel.value == "web" and stored.created_at == NOW
    assert stored.suggestion == "Fler som svarar"


def test_feedback_names_a_case_but_never_reveals_whether_it_exists(session, municipality):
    """A real reference links the case; an unknown one is kept as written, unlinked."""
    case = worked_case(session, municipality)
    linked = store_feedback(session, FeedbackDraft(kind="praise", text="Tack!",
                                                   case_reference=case.reference.lower()),
                            topic_keys=(), now=NOW)
    unknown = store_feedback(session, FeedbackDraft(kind="praise", text="Tack!",
                                                    case_reference="KC-2026-999999"),
                             topic_keys=(), now=NOW)
    assert linked.case_id == case.id and unknown.case_id is None
    assert unknown.case_reference == "KC-2026-999999"


def test_feedback_problems_are_all_reported_at_once(session, municipality):
    """Unknown kind, empty text, too long a suggestion, bad e-mail and phone, unknown topic."""
    with pytest.raises(RuleViolations) as refused:
        store_feedback(session, FeedbackDraft(kind="rant", text=" ", suggestion="x" * 4001,
                                              email="nej", phone="abc", topic="nope",
                                              case_reference="12"),
                       topic_keys=("buller",), now=NOW)
    assert set(refused.value.by_field()) == {"kind", "text", "suggestion", "email", "phone",
                                             "topic", "case_reference"}
    assert session.scalar(select(func.count()).select_from(Feedback)) == 0


# --- answers that helped ----------------------------------------------------------------------


def test_answers_shown_and_votes_are_counted_per_article_and_day(session, municipality):
    """Counters add up per day; one row per article and day."""
    first = publish_article(session, slug="a", title="Svar A", answer="A")
    second = publish_article(session, slug="b", title="Svar B", answer="B")
    today, tomorrow = date(2026, 11, 23), date(2026, 11, 24)
    count_answers_shown(session, [first.id, second.id], day=today)
    count_answers_shown(session, [first.id], day=today)
    count_answer_vote(session, first.id, True, day=today)
    count_answer_vote(session, first.id, False, day=tomorrow)
    session.commit()
    assert answer_counts(session, first.id) == (2, 1, 1)
    assert answer_counts(session, second.id) == (1, 0, 0)
    assert session.scalar(select(func.count()).select_from(AnswerHelpedCount)) == 3


def test_suggestions_come_from_the_real_search_and_are_public_only(session, municipality):
    """The topic's label first, then any public answer; internal and draft ones never."""
    label = label_id(session, "Gata/Park", "Gatubelysning", "Felanmälan")
    own = publish_article(session, slug="lampa", title="Trasig gatlampa",
                          answer="Be kunden felanmäla gatlampan.", labels=[label],
                          citizen="Felanmäl gatlampan, så lagar vi den inom två veckor.")
    other = publish_article(session, slug="belysning", title="Gatlampor och belysning",
                            answer="Kommunen sköter gatlampor på kommunala gator.",
                            citizen="Kommunen sköter gatlampor på kommunala gator.")
    publish_article(session, slug="lampa-intern", title="Gatlampa intern rutin",
                    answer="Ring elfirman.", labels=[label], audience="internal",
                    citizen="Ring elfirman.")
    hits = suggest_answers(session, "gatlampan lyser inte", label_id=label, limit=3)
    assert [hit.article.id for hit in hits][:2] == [own.id, other.id]
    assert all(hit.article.audience == "public" for hit in hits)
    assert suggest_answers(session, "   ", label_id=label) == []
