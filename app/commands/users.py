"""flask users ..."""

import click
from flask.cli import AppGroup

cli = AppGroup("users", help="users commands")
