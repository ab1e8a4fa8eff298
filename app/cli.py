"""Registers the `flask` sub-commands; each group lives in app/commands/<noun>.py."""

from __future__ import annotations

from flask import Flask


def register_cli(app: Flask) -> None:
    from app.commands import demo, mail, sla, taxonomy, users
    from app.commands import kb as _kb  # knowledge base: flask kb import|export

    for module in (taxonomy, demo, users, mail, sla):
        app.cli.add_command(module.cli)
    app.cli.add_command(sla.scheduler_cli)
    app.cli.add_command(_kb.cli)
