"""flask demo ..."""

import click
from flask.cli import AppGroup

cli = AppGroup("demo", help="demo commands")
