"""Business calendar and feedback-deadline arithmetic (plain Python, no Flask).

The deadline rules arrive with the feedback-deadline issue; this package is the agreed home.
"""
