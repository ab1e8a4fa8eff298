"""Blueprint agent."""

from flask import Blueprint

bp = Blueprint("agent", __name__, url_prefix="/agent")
