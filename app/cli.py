"""Registers the `flask` sub-commands; each group lives in app/commands/<noun>.py."""

from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    from app.commands import demo, taxonomy, users

    for module in (taxonomy, demo, users):
        app.cli.add_command(module.cli)
