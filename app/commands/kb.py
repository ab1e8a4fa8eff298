"""`flask kb import PATH [--dry-run]` and `flask kb export PATH [--overwrite]`.

The import checks every file first and commits once; on any problem it prints one line per
problem ("avfall-tomning.md: line 4: labels[1]: …"), exits with status 1 and leaves the
database as it was. Format: docs/knowledge-format.md.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click
from flask.cli import AppGroup
from flask_babel import gettext as _

from app.commands.importing import import_all_or_nothing
from app.extensions import db
from app.i18n import violation_text
from app.services.knowledge.exporting import export_knowledge
from app.services.knowledge.files import (
    ARTICLE_SUFFIX,
    BULLETINS_FILE,
    THESAURUS_FILE,
    ImportSummary,
    import_knowledge,
)

cli = AppGroup("kb", help="Import and export the knowledge base (Markdown files).")


@cli.command("import")
@click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check and show what would change; save nothing.")
def import_command(path: Path, dry_run: bool) -> None:
    """Import the articles, thesaurus.txt and bulletins.yaml in the directory PATH."""
    summary = import_all_or_nothing(
        lambda: import_knowledge(db.session, path, now=datetime.now(UTC)),
        shown_as=str(path), dry_run=dry_run)
    _echo_summary(summary)
    if dry_run:
        click.echo(_("Dry run: nothing was saved."))


def _echo_summary(summary: ImportSummary) -> None:
    kinds = {"articles": _("Articles"), "thesaurus": _("Thesaurus entries"),
             "bulletins": _("Bulletins")}
    for kind, title in kinds.items():
        click.echo(_("%(kind)s: %(created)s created, %(updated)s updated, %(unchanged)s "
                     "unchanged", kind=title, created=summary.created[kind],
                     updated=summary.updated[kind], unchanged=summary.unchanged[kind]))
    if not summary.changed:
        click.echo(_("No changes."))
    for warning in summary.warnings:
        click.echo(_("Note: %(where)s: %(warning)s", where=warning.field,
                     warning=violation_text(warning)))


@cli.command("export")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True,
              help="Replace the knowledge files (*.md, thesaurus.txt, bulletins.yaml) that "
                   "PATH already holds.")
def export_command(path: Path, overwrite: bool) -> None:
    """Write every article, the thesaurus additions and the bulletins into PATH."""
    owned = _knowledge_files(path)
    if owned and not overwrite:
        db.session.rollback()
        raise click.ClickException(_(
            "%(path)s already holds knowledge files; choose an empty directory or add "
            "--overwrite.", path=path))
    for file in owned:
        file.unlink()
    summary = export_knowledge(db.session, path)
    db.session.rollback()  # read only; end the transaction
    click.echo(_("Exported %(articles)s articles, %(thesaurus)s thesaurus entries and "
                 "%(bulletins)s bulletins to %(path)s.", articles=summary.articles,
                 thesaurus=summary.thesaurus, bulletins=summary.bulletins, path=path))


def _knowledge_files(path: Path) -> list[Path]:
    if not path.is_dir():
        return []
    return [*path.glob(f"*{ARTICLE_SUFFIX}"),
            *(path / name for name in (THESAURUS_FILE, BULLETINS_FILE) if (path / name).exists())]
