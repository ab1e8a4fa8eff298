"""Blueprint queues."""

from flask import Blueprint

bp = Blueprint("queues", __name__, url_prefix="/queues")
