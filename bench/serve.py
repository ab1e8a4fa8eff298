"""Serve the app for a benchmark as production does: gunicorn, sync workers, APP_ENV=production.

    with Server(env, port=8123, workers=2, log_dir=Path("bench/results/x")) as server:
        ... server.base_url ...

`bench_env()` builds the environment: the production configuration with a random
SECRET_KEY, SESSION_COOKIE_SECURE=0 (the load generator speaks plain http on loopback) and
RATELIMIT_ENABLED=0 (one client address sends thousands of requests). Only the gunicorn
master this object started is signalled when it stops.

Run by hand to poke at a benchmark database:

    .venv/bin/python bench/serve.py --database-url sqlite:////tmp/x.sqlite3 --port 8123
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def bench_env(database_url: str, instance_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("TEST_DATABASE_URL", "FLASK_ENV", "FLASK_DEBUG"):
        env.pop(name, None)
    env.update({
        "FLASK_APP": "wsgi",
        "APP_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "SESSION_COOKIE_SECURE": "0",
        "RATELIMIT_ENABLED": "0",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance_path),
        "PYTHONUNBUFFERED": "1",
        **extra,
    })
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A gunicorn master with `workers` sync workers on 127.0.0.1:`port`."""

    def __init__(self, env: dict[str, str], *, port: int, workers: int = 2,
                 log_dir: Path, name: str = "gunicorn") -> None:
        self.env = env
        self.port = port
        self.workers = workers
        self.log_path = log_dir / f"{name}.log"
        self.process: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_timeout: float = 60.0) -> Server:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        self._log = log
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--workers", str(self.workers), "--threads", "1",
             "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}", "--timeout", "120",
             "--log-level", "warning", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; "
                                   f"see {self.log_path}")
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as resp:
                    if resp.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz in {ready_timeout} s; "
                           f"see {self.log_path}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # graceful: workers finish their request
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--port", type=int, default=0, help="0: any free port")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--instance", default="/tmp/envagin-bench-instance")
    args = ap.parse_args()
    env = bench_env(args.database_url, Path(args.instance))
    server = Server(env, port=args.port or free_port(), workers=args.workers,
                    log_dir=Path(args.instance))
    def _interrupt(signum, frame):  # `kill <pid>` stops gunicorn too, as Ctrl-C does
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _interrupt)
    with server:
        print(f"serving on {server.base_url} (log {server.log_path}); Ctrl-C or kill stops",
              flush=True)
        try:
            server.process.wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
