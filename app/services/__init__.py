"""Services: verbs that tie a request (or a CLI command) to the domain and the database.

They take the session, the acting user and `now` explicitly, never touch `request` or
`current_user`, and never commit — the caller (view, CLI command, job) commits once.
"""
