"""The managers' dashboards at scale: 1,000,000 cases over three years, SQLite and PostgreSQL.

    .venv/bin/python bench/dashboard.py                      # both back ends, 1,000,000 cases
    .venv/bin/python bench/dashboard.py --backends sqlite --cases 100000 --requests 10

For each back end: a fresh database (a temporary SQLite file, or a throwaway PostgreSQL server
from .ci/postgres.sh on --pg-port), `flask db upgrade`, the demo taxonomy and users
(`flask demo load --cases 0`), --cases cases from bench/generate_cases.py, then
`flask stats refresh` timed twice (the first builds the aggregate in full, the second finds
nothing changed). Then gunicorn serves the app as in production (bench/serve.py) and one
logged-in manager requests every page variant --requests times after two warm-up requests;
the page's own lazy refresh (figures older than 60 s) is part of what is measured
(--quiet-wait waits for a shared machine to calm down before each page). The result
is a Markdown table of p50/p95/max per page and back end (target: p95 < 500 ms), printed and
written with the raw timings to --out.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from loadgen import HttpClient, machine_busy_pct, percentile  # noqa: E402
from scenarios import log_in  # noqa: E402
from serve import BIN, Server, bench_env, free_port  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

TARGET_P95_MS = 500.0
MANAGER = ("chef", "demo-manager-2026")  # a demo login (flask demo users)


def log(message: str) -> None:
    print(f"[dashboard-bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr,
          flush=True)


def run(env: dict, *args: str, **overrides: str) -> tuple[subprocess.CompletedProcess, float]:
    started = time.perf_counter()
    done = subprocess.run(list(args), cwd=ROOT, env={**env, **overrides}, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seconds = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"{' '.join(args[:3])} failed:\n{done.stdout[-3000:]}")
    return done, seconds


def _reported(output: str) -> float:
    """The seconds `flask stats refresh` reports for the refresh itself (any language)."""
    return float(re.findall(r"(\d+\.\d+) s", output)[-1])


def pick_ids(url: str) -> dict[str, int]:
    """A department with many forwarded cases and the busiest function, for the filters."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    engine = create_engine(url)
    with engine.connect() as conn:
        department = conn.scalar(text(
            "SELECT department_id FROM cases WHERE resolution = 'forwarded' "
            "GROUP BY department_id ORDER BY count(*) DESC LIMIT 1"))
        function = conn.scalar(text(
            "SELECT ct.function_id FROM labels l JOIN case_types ct ON ct.id = l.case_type_id "
            "GROUP BY ct.function_id ORDER BY count(*) DESC LIMIT 1"))
    engine.dispose()
    return {"department": department, "function": function}


def pages(ids: dict[str, int]) -> list[tuple[str, str]]:
    today = _stockholm_today()
    days90 = f"start={today - timedelta(days=89)}&end={today}"
    days30 = f"start={today - timedelta(days=29)}&end={today}"
    year = f"start={today - timedelta(days=364)}&end={today}"
    years3 = f"start={today - timedelta(days=3 * 365 - 1)}&end={today}"
    dep, fn = ids["department"], ids["function"]
    return [
        ("overview, 90 days (default)", "/dashboard/"),
        ("overview, 3 years", f"/dashboard/?{years3}"),
        ("overview, 3 years, department + phone", f"/dashboard/?{years3}&department={dep}"
                                                  "&channel=phone"),
        ("overview, 30 days, function", f"/dashboard/?{days30}&function={fn}"),
        ("avoidable questions, 90 days", f"/dashboard/avoidable?{days90}"),
        ("avoidable questions, 3 years", f"/dashboard/avoidable?{years3}"),
        ("service selection, 12 months", f"/dashboard/services?{year}"),
        ("department support, 3 years", f"/dashboard/support?{years3}"),
        ("drill-down: forwarded, 90 days", f"/dashboard/cases?{days90}&resolution=forwarded"),
        ("drill-down: department, 3 years, page 3",
         f"/dashboard/cases?{years3}&department={dep}&page=3"),
        ("export CSV: departments, 3 years",
         f"/dashboard/export/overview/departments.csv?{years3}"),
        ("export Excel: support, 3 years", f"/dashboard/export/support/support.xlsx?{years3}"),
    ]


def _stockholm_today() -> date:
    return datetime.now(ZoneInfo("Europe/Stockholm")).date()


def wait_until_quiet(seconds: float) -> float | None:
    """Wait up to `seconds` for the machine to be less than 25 % busy (a shared machine)."""
    deadline = time.monotonic() + seconds
    busy = machine_busy_pct(1.0)
    while busy is not None and busy >= 25 and time.monotonic() < deadline:
        busy = machine_busy_pct(1.0)
    return busy


def measure(base_url: str, targets: list[tuple[str, str]], requests: int,
            quiet_wait: float) -> list[dict]:
    client = HttpClient(base_url)
    log_in(client, *MANAGER)
    client.freeze_cookies()
    rows = []
    for name, path in targets:
        busy = wait_until_quiet(quiet_wait) if quiet_wait else None
        for _ in range(2):  # warm-up: worker caches, the database's pages
            client.get(path).expect(200)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            response = client.get(path).expect(200)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        rows.append({"page": name, "path": path, "n": len(times), "bytes": len(response.body),
                     "machine_busy_pct_before": busy,
                     "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
                     "max_ms": times[-1]})
        log(f"  {name:45s} p50 {rows[-1]['p50_ms']:7.1f} ms  p95 {rows[-1]['p95_ms']:7.1f} ms")
    return rows


def bench_backend(backend: str, args, workdir: Path) -> dict:
    pg_dir = workdir / "pg"
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'dashboard.sqlite3'}"
    else:
        started = subprocess.run(
            ["bash", str(ROOT / ".ci" / "postgres.sh"), "start", str(pg_dir), str(args.pg_port)],
            stdout=subprocess.PIPE, text=True, check=True)
        url = started.stdout.strip().splitlines()[-1]
    try:
        env = bench_env(url, workdir / "instance")
        flask = str(BIN / "flask")
        log(f"{backend}: migrate, demo taxonomy and users")
        run(env, flask, "db", "upgrade")
        run(env, flask, "demo", "load", "--cases", "0", APP_ENV="development")
        log(f"{backend}: generating {args.cases:,} cases")
        generated, gen_s = run(env, sys.executable, str(HERE / "generate_cases.py"),
                               "--database-url", url, "--cases", str(args.cases), "--quiet")
        counts = json.loads(generated.stdout.strip().splitlines()[-1])
        log(f"{backend}: generated in {gen_s:.0f} s; flask stats refresh (full)")
        full, full_wall = run(env, flask, "stats", "refresh")
        again, again_wall = run(env, flask, "stats", "refresh")
        full_s, again_s = _reported(full.stdout), _reported(again.stdout)
        log(f"{backend}: refresh {full_s:.2f} s in full, {again_s:.2f} s with nothing changed "
            f"({full_wall:.1f} s and {again_wall:.1f} s with the CLI's start-up)")
        ids = pick_ids(url)
        with Server(env, port=free_port(), workers=args.workers, log_dir=workdir) as server:
            rows = measure(server.base_url, pages(ids), args.requests, args.quiet_wait)
        return {"backend": backend, "cases": counts.get("cases"), "generate_s": round(gen_s, 1),
                "refresh_full_s": round(full_s, 2), "refresh_again_s": round(again_s, 3),
                "refresh_full_wall_s": round(full_wall, 1),
                "pages": rows}
    finally:
        if backend == "postgres":
            subprocess.run(["bash", str(ROOT / ".ci" / "postgres.sh"), "stop", str(pg_dir)],
                           check=False)


def markdown(results: list[dict]) -> str:
    lines = ["| back end | cases | `flask stats refresh` in full | again, nothing changed |",
             "|---|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r['backend']} | {r['cases']:,} | {r['refresh_full_s']:.1f} s | "
                     f"{r['refresh_again_s'] * 1000:.0f} ms |")
    lines += ["", "| page | back end | p50 ms | p95 ms | max ms | n | p95 < 500 ms |",
              "|---|---|---:|---:|---:|---:|:---:|"]
    for r in results:
        for p in r["pages"]:
            ok = "yes" if p["p95_ms"] < TARGET_P95_MS else "**no**"
            lines.append(f"| {p['page']} | {r['backend']} | {p['p50_ms']:.0f} | "
                         f"{p['p95_ms']:.0f} | {p['max_ms']:.0f} | {p['n']} | {ok} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backends", default="sqlite,postgres")
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--requests", type=int, default=30, help="timed requests per page")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    ap.add_argument("--pg-port", type=int, default=55451)
    ap.add_argument("--quiet-wait", type=float, default=0.0,
                    help="before each page, wait up to this many seconds for the machine to "
                         "be less than 25 %% busy (default 0: do not wait)")
    ap.add_argument("--out", default=None, help="directory for results.json and summary.md "
                                                "(default: a new temporary directory)")
    args = ap.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="dashboard-bench-results-"))
    out.mkdir(parents=True, exist_ok=True)
    results = []
    for backend in [b.strip() for b in args.backends.split(",") if b.strip()]:
        with tempfile.TemporaryDirectory(prefix=f"dashboard-bench-{backend}-") as workdir:
            Path(workdir).chmod(0o755)  # PostgreSQL runs as another user when we are root
            results.append(bench_backend(backend, args, Path(workdir)))
        (out / "results.json").write_text(json.dumps(results, indent=1))
    summary = markdown(results)
    (out / "summary.md").write_text(summary + "\n")
    print(summary)
    log(f"results in {out}")


if __name__ == "__main__":
    main()
