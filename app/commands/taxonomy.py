"""flask taxonomy ..."""

import click
from flask.cli import AppGroup

cli = AppGroup("taxonomy", help="taxonomy commands")
