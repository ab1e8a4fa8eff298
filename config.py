"""Configuration read from environment variables (and nothing else).

`Config` is production-shaped; `DevelopmentConfig` and `TestConfig` relax what only makes
sense on a developer's machine. `Config.validate()` refuses to start with unsafe settings.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))
_INSECURE_KEY = "dev-only-insecure-key"


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _share(value: str) -> float:
    """A share as 0.7 or as a percentage 70."""
    number = float(value)
    return number / 100 if number > 1 else number


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'envagin.sqlite3'}"
    # Heroku-style URLs and plain "postgresql://" both mean psycopg 3 here.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    ENV_NAME = "production"
    SECRET_KEY = os.environ.get("SECRET_KEY", _INSECURE_KEY)
    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "15000"))

    BABEL_DEFAULT_LOCALE = "sv"
    BABEL_DEFAULT_TIMEZONE = "Europe/Stockholm"
    LANGUAGES = ("sv", "en")

    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 10  # one working day
    WTF_CSRF_TIME_LIMIT = 60 * 60 * 10
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
    LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))

    # Feedback deadlines (sla/): a YAML file with the municipality's opening hours, closed and
    # shortened days (format: README, "Feedback deadlines"); the admin page's settings win.
    SLA_CALENDAR_FILE = os.environ.get("SLA_CALENDAR_FILE", "")
    SLA_DUE_SOON_HOURS = float(os.environ.get("SLA_DUE_SOON_HOURS", "4"))
    SLA_SWEEP_SECONDS = int(os.environ.get("SLA_SWEEP_SECONDS", "60"))

    # Statistics (app/dashboard): the first-contact resolution target (0.70 or 70 = 70 %), the
    # most the figures may lag (the dashboard refreshes when older), how often the scheduler
    # refreshes, and the least weekly volume for a label to count as rising.
    FCR_TARGET = _share(os.environ.get("FCR_TARGET", "0.70"))
    STATS_MAX_AGE_SECONDS = int(os.environ.get("STATS_MAX_AGE_SECONDS", "60"))
    STATS_REFRESH_SECONDS = int(os.environ.get("STATS_REFRESH_SECONDS", "30"))
    STATS_RISING_MIN_VOLUME = int(os.environ.get("STATS_RISING_MIN_VOLUME", "10"))

    CASE_REFERENCE_PREFIX = os.environ.get("CASE_REFERENCE_PREFIX", "KC")
    MUNICIPALITY_NAME = os.environ.get("MUNICIPALITY_NAME", "Exempelkommun")
    DEMO_USERS_ALLOWED = False

    # --- Citizen portal -------------------------------------------------------------------
    # Whom citizens contact (shown on every portal page and in receipts), and the limits per
    # address: TRACK_RATE_LIMIT counts failed tracking look-ups only; SUBMIT_RATE_LIMIT counts
    # web-form cases and feedback sent (a form returned with errors does not count).
    MUNICIPALITY_PHONE = os.environ.get("MUNICIPALITY_PHONE", "0123-45 67 00")
    MUNICIPALITY_EMAIL = os.environ.get("MUNICIPALITY_EMAIL", "kontaktcenter@exempelkommun.se")
    TRACK_RATE_LIMIT = os.environ.get("TRACK_RATE_LIMIT", "10 per minute;50 per hour")
    SUBMIT_RATE_LIMIT = os.environ.get("SUBMIT_RATE_LIMIT", "5 per minute;30 per hour")
    # --- end of Citizen portal ------------------------------------------------------------

    # --- Mail -----------------------------------------------------------------------------
    # E-mail is written to the outbox (models.notifications.OutgoingMail) in the transaction
    # that causes it and sent after commit, or later by `flask mail send`. MAIL_ENABLED off
    # leaves it all in the outbox (nothing is sent after commit, `flask mail send` refuses).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)  # STARTTLS on MAIL_PORT
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")  # log in only when set
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_FROM = os.environ.get("MAIL_FROM", "kontaktcenter@exempelkommun.se")
    MAIL_ENABLED = _bool("MAIL_ENABLED", True)
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))  # seconds per SMTP operation
    # --- end of Mail ----------------------------------------------------------------------

    @classmethod
    def validate(cls) -> None:
        """Refuse to start in production with settings that only suit a laptop."""
        if cls.SECRET_KEY == _INSECURE_KEY or len(cls.SECRET_KEY) < 16:
            raise RuntimeError(
                "SECRET_KEY must be set to a long random value outside development and tests."
            )


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    DEMO_USERS_ALLOWED = True

    @classmethod
    def validate(cls) -> None:
        return None


class TestConfig(DevelopmentConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite:///:memory:"
    RATELIMIT_ENABLED = False
    WTF_CSRF_ENABLED = True


CONFIGS = {
    "production": Config,
    "development": DevelopmentConfig,
    "testing": TestConfig,
}


def config_from_env() -> type[Config]:
    """Pick the configuration class named by APP_ENV (or FLASK_ENV); production if unset."""
    name = os.environ.get("APP_ENV") or os.environ.get("FLASK_ENV") or "production"
    try:
        return CONFIGS[name]
    except KeyError as exc:
        raise RuntimeError(f"Unknown APP_ENV {name!r}; use one of {sorted(CONFIGS)}") from exc
