"""Label suggestion from a citizen's own words."""

import pytest

from knowledge_base import LabelSuggester, LabelText
from tests.knowledge_base import samples
from tests.knowledge_base.demo import demo_suggester
from tests.knowledge_base.samples import LABELS

SUGGESTER = LabelSuggester(LABELS)

# A small taxonomy: own words, a compound part, a retired label.
SMALL = LabelSuggester([
    LabelText(1, ("Avfall", "Sophämtning", "Utebliven"), ("tunnan inte tömd", "soporna")),
    LabelText(2, ("Avfall", "Sortergård", "Öppettider"), ("soptipp", "återvinningscentral")),
    LabelText(3, ("Gata/Park", "Snöröjning", "Felanmälan"), ("snön", "plogning")),
    LabelText(4, ("Gata/Park", "Oljeläckage", "Felanmälan"), ("olja", "läckage")),
    LabelText(5, ("Avfall", "Sophämtning", "Gammal"), ("tunnan",), active=False),
])


def _first(text: str) -> int:
    return SUGGESTER.suggest(text)[0].label_id


def test_small_taxonomy_basics():
    """Own words, "soptippen", a compound part, retired labels only on request, nothing for
    an empty text."""
    assert SMALL.suggest("tunnan har inte tömts")[0].label_id == 1
    assert SMALL.suggest("när öppnar soptippen")[0].label_id == 2
    assert 4 in [s.label_id for s in SMALL.suggest("läcka")]
    assert 5 not in [s.label_id for s in SMALL.suggest("tunnan")]
    assert 5 in [s.label_id for s in SMALL.suggest("tunnan", include_retired=True)]
    assert SMALL.suggest("  ") == []


@pytest.mark.parametrize(("text", "label"), [
    ("min soptunna har inte tömts", samples.WASTE_MISSED),  # compound part + "inte"
    ("dagisplats", samples.PRESCHOOL_QUEUE),  # compound + thesaurus (dagis → förskola)
    ("bygglovsansökan", samples.BUILDING_PERMIT),  # compound with linking s
    ("bygglv", samples.BUILDING_PERMIT),  # typo
    ("När öppnar soptippen?", samples.RECYCLING_HOURS),  # thesaurus, one-way
    ("när plogas vår gata", samples.SNOW_INFO),
    ("det har inte plogats på hela veckan", samples.SNOW_FAULT),  # negation decides
    ("gatlampan utanför huset är släckt", samples.STREET_LIGHT),  # gatlampa → gatubelysning
    ("hur länge får man stå på p-platsen", samples.PARKING_RULES),
    ("vatten sprutar upp ur gatan", samples.WATER_LEAK),
    ("pappa behöver hemhjälp", samples.HOME_CARE),  # hemhjälp → hemtjänst
    ("kan jag få socialbidrag", samples.FINANCIAL_AID),  # → ekonomiskt bistånd
    ("locket på tunnan har gått sönder", samples.WASTE_BIN),
])
def test_citizens_words_find_the_right_label(text, label):
    """Realistic phrasings, inflected, compounded, misspelt or in citizens' words."""
    assert _first(text) == label


def test_suggestions_are_ranked_and_limited():
    """Best first, at most `limit`, each with the terms that matched."""
    suggestions = SUGGESTER.suggest("soporna har inte tömts", limit=3)
    assert 1 <= len(suggestions) <= 3
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)
    assert suggestions[0].label_id == samples.WASTE_MISSED
    assert "sop" in suggestions[0].matched_terms


def test_path_may_be_given_as_text_or_levels():
    """"Avfall › Sophämtning › Utebliven" and the tuple of levels are the same label."""
    assert LabelText(1, "Avfall › Sophämtning › Utebliven").levels == (
        "Avfall", "Sophämtning", "Utebliven")


def test_unrelated_text_suggests_nothing():
    """No shared word, no guess: the agent picks the label."""
    assert SUGGESTER.suggest("xyzzy qwerty") == []



@pytest.mark.parametrize("text", [
    "Vilken dag töms soporna?",
    "När hämtas mina sopor?",
    "vilken veckodag kommer sopbilen",
    "när töms mina sopor",
    "när kommer sopbilen",
])
def test_the_demo_suggests_collection_days_for_when_the_bins_are_emptied(text):
    """In the demo, asking on which day the bins are emptied leads to Hämtningsdagar, not
    to Abonnemang › Information, which shares only the generic "sopor" (in many forms)."""
    suggester, paths = demo_suggester()
    assert paths[suggester.suggest(text)[0].label_id] == "Avfall › Sophämtning › Hämtningsdagar"


def test_the_demo_still_tells_a_fault_report_by_its_negation():
    """"inte" is in many labels' texts but decides between a fault and information."""
    suggester, paths = demo_suggester()
    first = suggester.suggest("det är inte plogat på vår gata")[0].label_id
    assert paths[first] == "Gata/Park › Snöröjning › Felanmälan"


def test_articles_answering_a_label_count_toward_it():
    """Words that only the label's articles use still lead to the label."""
    suggester = LabelSuggester([
        LabelText(1, "Ekonomi › Autogiro › Anmälan", ("autogiro",),
                  answers=("Vill du att räkningen dras direkt från banken varje månad?",)),
        LabelText(2, "Ekonomi › Faktura › Otydlig faktura", ("faktura", "räkning")),
        LabelText(3, "Gata/Park › Snöröjning › Felanmälan", ("snövall",)),
    ])
    assert suggester.suggest("kan räkningen dras från banken")[0].label_id == 1
    assert "bank" in suggester.suggest("kan räkningen dras från banken")[0].matched_terms
