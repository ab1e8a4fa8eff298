"""Shared fixtures: a migrated database (SQLite file, or PostgreSQL via TEST_DATABASE_URL),
reset between tests, and helpers to log in as any role.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from tests import factories

pytest_plugins = ["tests.smtp"]

_TMP = Path(tempfile.mkdtemp(prefix="envagin-tests-"))
os.environ.setdefault("INSTANCE_PATH", str(_TMP / "instance"))

from app.services import users as _users  # noqa: E402
from config import TestConfig  # noqa: E402

_users.PASSWORD_METHOD = "pbkdf2:sha256:1000"  # fast hashes in tests; production keeps scrypt

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
SQLITE_FILE = _TMP / "test.sqlite3"
TEMPLATE_FILE = _TMP / "template.sqlite3"


class _Config(TestConfig):
    SQLALCHEMY_DATABASE_URI = (
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
        if PG_URL.startswith("postgresql://") else (PG_URL or f"sqlite:///{SQLITE_FILE}")
    )


def _migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


@pytest.fixture(scope="session")
def data_app(app):
    """A second app instance for test code's own database access.

    Requests made by the test client push their own app context only when no context of the
    *same* app is active; keeping test data access on another instance gives every request its
    own `g`, session and transaction, as in production.
    """
    from app import create_app
    from app.extensions import db

    application = create_app(_Config)
    yield application
    with application.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def app():
    from app import create_app
    from app.extensions import db

    application = create_app(_Config)
    if PG_URL:
        with application.app_context():
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        _migrate(application)
    else:
        _migrate(application)
        with application.app_context():
            db.engine.dispose()
        shutil.copyfile(SQLITE_FILE, TEMPLATE_FILE)
    yield application
    with application.app_context():
        db.engine.dispose()
    shutil.rmtree(_TMP, ignore_errors=True)


@pytest.fixture(autouse=True)
def _fresh_database(request):
    """Each test that uses the app starts from the freshly migrated, empty schema."""
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    data_app = request.getfixturevalue("data_app")
    from app.extensions import db, limiter

    with data_app.app_context():
        db.engine.dispose()
    with app.app_context():
        if PG_URL:
            tables = ", ".join(
                t.name for t in db.metadata.sorted_tables
            )
            with db.engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            db.engine.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(TEMPLATE_FILE, SQLITE_FILE)
    if limiter.enabled:
        limiter.reset()
    yield
    for application in (app, data_app):
        with application.app_context():
            db.session.remove()


@pytest.fixture
def session(data_app):
    """A database session for the test's own reads and writes (not shared with requests)."""
    from app.extensions import db

    with data_app.app_context():
        # The app keeps objects loaded after commit; test code wants to re-read what requests
        # committed, so its own session expires them (and `rollback()` ends its snapshot).
        db.session().expire_on_commit = True
        yield db.session


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def now():
    return datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
def world(session):
    """A small municipality: contact centre, one department with two groups, labels of every
    ROSA level with and without mandate, and one user per role. Committed."""
    built = factories.build_world(session)
    session.commit()
    return built


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, "no CSRF token in page"
    return match.group(1)


@pytest.fixture
def login_as(app):
    """A new test client logged in as `user` (created by the factories; shared password)."""

    def _login(user):
        client = app.test_client()
        page = client.get("/auth/login")
        response = client.post(
            "/auth/login",
            data={"username": user.username, "password": factories.PASSWORD,
                  "csrf_token": csrf_token(page.get_data(as_text=True))},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return client

    return _login


@pytest.fixture
def live_server(app):
    """The app served over real HTTP by a threaded server, for browsers and concurrency."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
