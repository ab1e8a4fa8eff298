"""Label suggestion from the citizen's own words."""

from rosa.signals import LabelEntry, LabelIndex

INDEX = LabelIndex([
    LabelEntry(1, ("Avfall", "Sophämtning", "Utebliven"), ("tunnan inte tömd", "soporna")),
    LabelEntry(2, ("Avfall", "Sortergård", "Öppettider"), ("soptipp", "återvinningscentral")),
    LabelEntry(3, ("Gata/Park", "Snöröjning", "Felanmälan"), ("snön", "plogning")),
    LabelEntry(4, ("Gata/Park", "Oljeläckage", "Felanmälan"), ("olja", "läckage")),
    LabelEntry(5, ("Avfall", "Sophämtning", "Gammal"), ("tunnan",), active=False),
])


def test_signal_words_place_a_contact_without_the_organisation_chart():
    """"Tunnan har inte tömts" finds the missed-collection label first."""
    assert INDEX.search("tunnan har inte tömts")[0][0].id == 1


def test_citizens_word_for_the_recycling_centre_finds_opening_hours():
    """"soptippen" matches the signal word "soptipp"."""
    assert INDEX.search("när öppnar soptippen")[0][0].id == 2


def test_compound_parts_match():
    """A part of a compound ("läckage") finds "Oljeläckage"."""
    ids = [entry.id for entry, _ in INDEX.search("läcka")]
    assert 4 in ids


def test_retired_labels_are_not_suggested_unless_asked():
    """Retired labels stay out of suggestions for new contacts."""
    assert 5 not in [e.id for e, _ in INDEX.search("tunnan")]
    assert 5 in [e.id for e, _ in INDEX.search("tunnan", include_retired=True)]


def test_empty_query_suggests_nothing():
    """No words, no guess."""
    assert INDEX.search("  ") == []
