"""Swedish text normalisation, thesaurus and ranking for the knowledge base (plain Python).

Filled by the knowledge-base issue; label suggestion from signal words lives in rosa.signals
until then and will share the normaliser from here.
"""
