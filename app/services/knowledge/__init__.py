"""The knowledge base's services, in one place: articles, bulletins and the thesaurus; the
search index and search; usage counts; and the files `flask kb import/export` read and write.

The text analysis itself (stemming, compounds, ranking) is plain Python in `knowledge_base/`.
"""
