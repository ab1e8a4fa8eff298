"""ROSA levels, the case vocabulary and the routing policy, as plain Python.

Imports only the standard library, so the rules can be read and tested without Flask or a
database. Strings meant for people are marked with `N_` and translated by the web layer.
"""

from rosa.errors import RuleViolation, RuleViolations
from rosa.levels import RosaLevel
from rosa.routing import Decision, Outcome, decide

__all__ = ["Decision", "Outcome", "RosaLevel", "RuleViolation", "RuleViolations", "decide"]
