"""The deadline sweep over 100,000 open cases: how long one sweep takes and how many queries.

    .venv/bin/python bench/sweep.py                 # SQLite and PostgreSQL
    BENCH_BACKENDS=sqlite .venv/bin/python bench/sweep.py

For each back end: a fresh database with the demo taxonomy, `BENCH_SWEEP_CASES` (100,000)
open cases in one group made by bench/generate_cases.py (--queue-cases), then feedback
deadlines spread like a real backlog: 5 % already overdue, 10 % due soon, the rest later,
none alerted yet. Then, in-process, with e-mail queued but not sent:

* sweep 1 — every due case gets its reminder or escalation (notifications + outbox rows);
* sweep 2 — right after: nothing is due any more; this is the steady-state minute.

Each row reports seconds and SQL statements. Run on a quiet machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import database  # noqa: E402  (bench/run.py: temp SQLite file or throwaway PostgreSQL)


class _Settings:
    pg_port = int(os.environ.get("BENCH_PG_PORT", "55453"))


def _flask(env: dict, *args: str) -> None:
    done = subprocess.run([str(BIN / "flask"), *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def prepare(url: str, cases: int) -> None:
    env = {**os.environ, "DATABASE_URL": url, "FLASK_APP": "wsgi", "APP_ENV": "development",
           "INSTANCE_PATH": tempfile.mkdtemp(prefix="sweep-instance-")}
    _flask(env, "db", "upgrade")
    _flask(env, "demo", "load", "--cases", "0")
    group = _group_id(url)
    subprocess.run([str(BIN / "python"), str(ROOT / "bench" / "generate_cases.py"),
                    "--database-url", url, "--cases", "0", "--queue-group", str(group),
                    "--queue-cases", str(cases), "--queue-days", "20"],
                   cwd=ROOT, check=True, capture_output=True)


def _engine(url: str):
    from sqlalchemy import create_engine

    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def _group_id(url: str) -> int:
    from sqlalchemy import text

    with _engine(url).connect() as conn:
        return conn.execute(text("SELECT id FROM groups WHERE code = 'tekn-gata'")).scalar_one()


def spread_deadlines(url: str, now: datetime) -> dict[str, int]:
    """5 % overdue, 10 % due soon, 85 % later; no alert sent yet."""
    from sqlalchemy import text

    engine = _engine(url)
    with engine.begin() as conn:
        ids = [row[0] for row in conn.execute(text(
            "SELECT id FROM cases WHERE status IN ('forwarded','in_progress','waiting') "
            "ORDER BY id"))]
        buckets = {"overdue": [], "due_soon": [], "later": []}
        for n, case_id in enumerate(ids):
            kind = "overdue" if n % 20 == 0 else "due_soon" if n % 10 == 1 else "later"
            buckets[kind].append(case_id)
        marks = {"overdue": (now - timedelta(hours=2), now - timedelta(hours=6)),
                 "due_soon": (now + timedelta(hours=2), now - timedelta(hours=1)),
                 "later": (now + timedelta(days=2), now + timedelta(days=1, hours=20))}
        for kind, case_ids in buckets.items():
            due, soon = marks[kind]
            for start in range(0, len(case_ids), 5000):
                chunk = case_ids[start:start + 5000]
                id_list = ",".join(str(i) for i in chunk)
                conn.execute(text(
                    "UPDATE cases SET feedback_due_at = :due, feedback_due_soon_at = :soon, "
                    f"feedback_given_at = NULL, sla_stage = 0 WHERE id IN ({id_list})"),
                    {"due": due, "soon": soon})
        if engine.dialect.name == "postgresql":
            conn.execute(text("ANALYZE cases"))
    return {kind: len(ids) for kind, ids in buckets.items()}


def measure(url: str, now: datetime) -> list[dict]:
    """Sweep twice in a fresh interpreter (config.py reads DATABASE_URL when imported)."""
    done = subprocess.run([str(BIN / "python"), __file__, "--measure", url, now.isoformat()],
                          cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": url, "APP_ENV": "development",
                               "MAIL_ENABLED": "0",
                               "INSTANCE_PATH": tempfile.mkdtemp(prefix="sweep-instance-")})
    if done.returncode:
        raise SystemExit(f"measuring failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _measure_here(now: datetime) -> list[dict]:
    from sqlalchemy import event

    from app import create_app
    from app.extensions import db
    from app.services.sla_sweep import sweep

    app = create_app()
    rows = []
    with app.app_context():
        statements = [0]

        def count(*_args):
            statements[0] += 1

        event.listen(db.engine, "before_cursor_execute", count)
        for name in ("sweep 1 (alerts due)", "sweep 2 (steady state)"):
            statements[0] = 0
            started = time.perf_counter()
            report = sweep(db.session, now=now)
            rows.append({"run": name, "seconds": time.perf_counter() - started,
                         "statements": statements[0], "examined": report.examined,
                         "reminded": report.reminded, "escalated": report.escalated})
        db.session.remove()
        db.engine.dispose()
    return rows


def main() -> None:
    cases = int(os.environ.get("BENCH_SWEEP_CASES", "100000"))
    backends = os.environ.get("BENCH_BACKENDS", "sqlite,postgres").split(",")
    now = datetime.now(UTC)
    print(f"# Deadline sweep over {cases:,} open cases\n")
    print("| back end | run | seconds | SQL statements | examined | reminders | escalations |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for backend in backends:
        with tempfile.TemporaryDirectory(prefix=f"sweep-{backend}-") as workdir:
            Path(workdir).chmod(0o755)  # the postgres user must reach its data directory
            with database(backend, Path(workdir), _Settings()) as url:
                _run(backend, url, cases, now)


def _run(backend: str, url: str, cases: int, now: datetime) -> None:
    prepare(url, cases)
    spread = spread_deadlines(url, now)
    for row in measure(url, now):
        print(f"| {backend} | {row['run']} | {row['seconds']:.2f} | {row['statements']:,} | "
              f"{row['examined']:,} | {row['reminded']:,} | {row['escalated']:,} |")
    print(f"<!-- {backend}: {spread} -->", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--measure":
        print(json.dumps(_measure_here(datetime.fromisoformat(sys.argv[3]))))
    else:
        main()
