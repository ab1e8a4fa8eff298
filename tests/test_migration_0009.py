"""Migration 0009 (action labels, orders and reclassifications) upgrades and downgrades cleanly."""

from __future__ import annotations

from sqlalchemy import inspect, text

from config import TestConfig


def test_0009_downgrades_to_0008_and_upgrades_again(tmp_path):
    """Going down drops exactly the new columns and keeps the data; going up adds them back."""
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from app.extensions import db

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'migrate.sqlite3'}"

    app = create_app(Config)
    with app.app_context():
        upgrade(revision="0008")
        db.session.execute(text("INSERT INTO departments (code, name, is_contact_centre, "
                                "personnummer_birth_date_only) VALUES ('tekn', 'Teknik', 0, 0)"))
        db.session.commit()
        upgrade()
        columns = {table: {c["name"] for c in inspect(db.engine).get_columns(table)}
                   for table in ("labels", "cases", "stats_daily", "stats_monthly")}
        assert "action" in columns["labels"]
        assert {"action_ordered", "reclassify_count"} <= columns["cases"]
        assert {"orders", "reclassified"} <= columns["stats_daily"] & columns["stats_monthly"]
        downgrade(revision="0008")
        after = {c["name"] for c in inspect(db.engine).get_columns("cases")}
        assert "action_ordered" not in after and "reclassify_count" not in after
        assert "action" not in {c["name"] for c in inspect(db.engine).get_columns("labels")}
        indexes = {i["name"] for i in inspect(db.engine).get_indexes("cases")}
        assert "ix_cases_feedback_pending" in indexes
        assert db.session.execute(text("SELECT name FROM departments")).scalar() == "Teknik"
        upgrade()
        assert "reclassify_count" in {c["name"] for c in inspect(db.engine).get_columns("cases")}
        db.session.remove()
        db.engine.dispose()
