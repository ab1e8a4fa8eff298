"""`flask taxonomy import FILE [--dry-run]` and `flask taxonomy export [FILE]`.

The import validates the whole file first and commits once; on any problem it prints one line
per problem (file, line, path, reason), exits with status 1 and leaves the database as it was.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.commands.importing import import_all_or_nothing
from app.extensions import db
from app.services.taxonomy_io import ImportSummary, export_taxonomy, import_taxonomy

cli = AppGroup("taxonomy", help="Import and export the classification tree (YAML).")


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate and show what would change; save nothing.")
def import_command(file: Path, dry_run: bool) -> None:
    """Import FILE: upsert by path, retire labels the file leaves out."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        message = _("Cannot read %(file)s: %(error)s", file=file, error=error)
        raise click.ClickException(message) from None
    summary = import_all_or_nothing(
        lambda: import_taxonomy(db.session, text, now=datetime.now(UTC)),
        shown_as=file.name, dry_run=dry_run, prefix=file.name)
    _echo_summary(summary)
    if dry_run:
        click.echo(_("Dry run: nothing was saved."))


def _echo_summary(summary: ImportSummary) -> None:
    kinds = {"departments": _("departments"), "groups": _("groups"),
             "functions": _("functions"), "case_types": _("case types"), "labels": _("labels")}
    for kind, title in kinds.items():
        if summary.created[kind] or summary.updated[kind]:
            click.echo(_("%(kind)s: %(created)s created, %(updated)s updated", kind=title,
                         created=summary.created[kind], updated=summary.updated[kind]))
    click.echo(_("Labels: %(retired)s retired, %(reactivated)s reactivated, %(unchanged)s "
                 "unchanged", retired=summary.retired, reactivated=summary.reactivated,
                 unchanged=summary.unchanged))
    if not summary.changed:
        click.echo(_("No changes."))


@cli.command("export")
@click.argument("file", required=False,
                type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_command(file: Path | None) -> None:
    """Write the taxonomy as YAML to FILE, or to standard output."""
    text = export_taxonomy(db.session, municipality=current_app.config["MUNICIPALITY_NAME"])
    db.session.rollback()  # read only; end the transaction
    if file is None:
        click.echo(text, nl=False)
        return
    file.write_text(text, encoding="utf-8")
    click.echo(_("Taxonomy written to %(file)s.", file=file), err=True)
