"""Swedish-aware text search for the knowledge base and for label suggestion (plain Python).

The pipeline, each step in its own module:
normalise (case, Unicode, punctuation) → stemming (Snowball + definite forms) → compounds
(split against known words) → text.analyse (the terms to index) → query (thesaurus, typo
correction) → search (BM25 ranking) / suggest (labels) / fulltext (FTS5 and tsquery strings
with the same terms). No Flask, no database: the web layer loads documents and thesaurus
entries and hands them in.
"""

from knowledge_base.compounds import Vocabulary
from knowledge_base.fulltext import fts5_match, pg_tsquery
from knowledge_base.fuzzy import FuzzyIndex, edit_distance, max_edits
from knowledge_base.normalise import STOP_WORDS, normalise, tokenise
from knowledge_base.query import Kind, QueryAnalyser, QueryTerm, query_terms
from knowledge_base.search import DEFAULT_FIELDS, Hit, SearchIndex, usage_boost
from knowledge_base.stemming import stem
from knowledge_base.suggest import LabelSuggester, LabelText, Suggestion
from knowledge_base.text import Term, analyse, analyse_terms, default_vocabulary
from knowledge_base.thesaurus import Synonym, Thesaurus, ThesaurusSyntaxError, phrase_key

__all__ = [
    "DEFAULT_FIELDS",
    "STOP_WORDS",
    "FuzzyIndex",
    "Hit",
    "Kind",
    "LabelSuggester",
    "LabelText",
    "QueryAnalyser",
    "QueryTerm",
    "SearchIndex",
    "Suggestion",
    "Synonym",
    "Term",
    "Thesaurus",
    "ThesaurusSyntaxError",
    "Vocabulary",
    "analyse",
    "analyse_terms",
    "default_vocabulary",
    "edit_distance",
    "fts5_match",
    "max_edits",
    "normalise",
    "phrase_key",
    "pg_tsquery",
    "query_terms",
    "stem",
    "tokenise",
    "usage_boost",
]
