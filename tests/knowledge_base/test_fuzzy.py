"""Typo tolerance: finding known words a small edit distance from a misspelt one."""

import random

import pytest

from knowledge_base import FuzzyIndex, edit_distance, max_edits


@pytest.mark.parametrize(("a", "b", "distance"), [
    ("bygglov", "bygglv", 1),  # a letter left out
    ("förskola", "förskloa", 1),  # two letters swapped count as one edit
    ("hemtjänst", "hemtjenst", 1),  # ä typed as e
    ("soptunna", "sotpunan", 2),
    ("dagis", "dagis", 0),
])
def test_edit_distance_counts_a_transposition_as_one_edit(a, b, distance):
    """Optimal string alignment distance, the usual measure for typing errors."""
    assert edit_distance(a, b) == distance


def test_allowed_edits_grow_with_word_length():
    """None below four letters, one up to seven, two from eight."""
    assert [max_edits(n) for n in (3, 4, 7, 8, 15)] == [0, 1, 1, 2, 2]


def test_lookup_finds_typos_closest_first():
    """Misspellings find the intended word; short words are never "corrected"."""
    index = FuzzyIndex(["bygglov", "bygglovet", "förskola", "förskolan", "lov", "dagis"])
    assert index.lookup("bygglv") == [("bygglov", 1)]
    assert index.lookup("förskloan") == [("förskolan", 1), ("förskola", 2)]
    assert index.lookup("lvo") == []
    assert index.lookup("dagis") == []  # the word itself is not a correction


def test_the_shorter_word_decides_the_allowed_distance():
    """A 9-letter query may not reach a 6-letter word two edits away."""
    index = FuzzyIndex(["plogat"])
    assert index.lookup("plogatxy") == []
    assert index.lookup("plogatx") == [("plogat", 1)]


def test_lookup_agrees_with_brute_force():
    """The deletion index (with its prefix cut) misses nothing a full scan would find."""
    rng = random.Random(7)
    stems = ["bygg", "lov", "förskol", "plats", "tunn", "sop", "hämtning", "avfall", "kärl",
             "gat", "belysning", "ansökan", "park", "ering", "vatten", "läcka"]
    words = sorted({"".join(rng.sample(stems, rng.randint(1, 3))) for _ in range(300)})
    index = FuzzyIndex(words)
    for _ in range(60):
        word = list(rng.choice(words))
        position = rng.randrange(len(word))
        word[position] = rng.choice("abdeklmnoprstuåäö")
        if rng.random() < 0.5:
            del word[rng.randrange(len(word))]
        typo = "".join(word)
        expected = sorted(
            (w, d) for w in words if w != typo
            for allowed in [max_edits(min(len(w), len(typo)))]
            if allowed and (d := edit_distance(w, typo, allowed)) <= allowed
        )
        assert sorted(index.lookup(typo)) == expected
