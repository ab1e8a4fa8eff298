"""A no-op marker for translatable strings in the domain packages.

The domain must not import Flask-Babel; `N_` marks a string for extraction (babel.cfg lists it
as a keyword) and the web layer translates it when showing it.
"""


def N_(message: str) -> str:
    return message
