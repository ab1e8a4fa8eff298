"""A closed-loop HTTP load generator for loopback benchmarks (standard library only).

N client threads each repeat "send a request, read the whole answer, check it" as fast as the
server answers, for a warm-up period and then a fixed measurement window. Only operations that
*complete inside the window* count towards ok/s and the latency percentiles; every operation of
the run, warm-up included, counts towards `total_ok`, which is what the database must show
afterwards (bench/run.py checks that).

A scenario says what one operation is: an object with

    name: str
    setup(client, worker) -> None      # once per client before the clock starts (log in, ...)
    operation(client, worker, seq, rng) -> None   # one request; raise CheckFailed if wrong

An operation may return a string tag (say, which page variant it fetched): the result then
also has `by_tag`, the count and latency percentiles of each tag's successful operations in
the window.

bench/scenarios.py has the application's scenarios. From the command line this module runs a
plain GET load, handy for a first look at any page:

    .venv/bin/python bench/loadgen.py http://127.0.0.1:8000/healthz --clients 4 --duration 10

Each request opens a new TCP connection (gunicorn's sync workers close it after every answer
anyway), keeps cookies per client, and has a timeout. Only loopback targets are accepted: this
is a tool for the machine it runs on.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import random
import re
import socket
import statistics
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from typing import Protocol


class CheckFailed(Exception):
    """The answer was not the expected one; the message names the error kind."""


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def expect(self, *statuses: int) -> Response:
        if self.status not in statuses:
            raise CheckFailed(f"status {self.status}")
        return self


class HttpClient:
    """One simulated user: a cookie jar and a base URL. Not shared between threads."""

    def __init__(self, base_url: str, timeout: float = 60.0) -> None:
        parts = urllib.parse.urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.frozen = False
        self.user_agent = "envagin-bench/1"

    def freeze_cookies(self) -> None:
        """Keep sending the current cookies and ignore new ones.

        Used after log-in: a form POST's answer sets a session cookie carrying a flash
        message for the page the browser would fetch next. A client that never fetches that
        page would otherwise carry an ever longer cookie.
        """
        self.frozen = True

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Response:
        head = {"Host": f"{self.host}:{self.port}", "User-Agent": self.user_agent,
                "Connection": "close"}
        if self.cookies:
            head["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if headers:
            head.update(headers)
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=head)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        if not self.frozen:
            self._store_cookies(resp.headers.get_all("Set-Cookie") or [])
        return Response(resp.status, resp.headers, data)

    def _store_cookies(self, set_cookies: list[str]) -> None:
        for line in set_cookies:
            pair, _, attrs = line.partition(";")
            name, sep, value = pair.partition("=")
            if not sep:
                continue
            attrs_l = attrs.lower()
            expired = ("max-age=0" in attrs_l.replace(" ", "")
                       or "expires=thu, 01 jan 1970" in attrs_l)
            if expired or not value.strip():
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value.strip()

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str], referer: str | None = None) -> Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if referer:
            headers["Referer"] = f"http://{self.host}:{self.port}{referer}"
        return self.request("POST", path, urllib.parse.urlencode(fields).encode(), headers)

    def post_json(self, path: str, payload: object, headers: dict[str, str] | None = None
                  ) -> Response:
        head = {"Content-Type": "application/json", "Accept": "application/json"}
        head.update(headers or {})
        return self.request("POST", path, json.dumps(payload).encode(), head)


_CSRF_PATTERNS = (
    re.compile(r'name=["\']csrf_token["\'][^>]*?value=["\']([^"\']+)["\']'),
    re.compile(r'value=["\']([^"\']+)["\'][^>]*?name=["\']csrf_token["\']'),
    re.compile(r'<meta[^>]+name=["\']csrf-token["\'][^>]+content=["\']([^"\']+)["\']'),
)


def csrf_token(html: str) -> str:
    """The Flask-WTF CSRF token of a page (hidden input or meta tag)."""
    for pattern in _CSRF_PATTERNS:
        match = pattern.search(html)
        if match:
            return match.group(1)
    raise CheckFailed("no csrf token")


class Scenario(Protocol):
    name: str

    def setup(self, client: HttpClient, worker: int) -> None: ...

    def operation(self, client: HttpClient, worker: int, seq: int, rng: random.Random
                  ) -> str | None: ...


@dataclass
class GetScenario:
    """GET one of `paths` at random and expect `status`."""

    paths: list[str]
    status: int = 200
    name: str = "get"

    def setup(self, client: HttpClient, worker: int) -> None:
        return None

    def operation(self, client: HttpClient, worker: int, seq: int, rng: random.Random) -> None:
        client.get(rng.choice(self.paths)).expect(self.status)


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not sorted_values:
        return None
    k = (len(sorted_values) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def cpu_jiffies() -> tuple[int, int] | None:
    """(busy, total) CPU time of the whole machine from /proc/stat, or None off Linux."""
    try:
        with open("/proc/stat") as f:
            values = [int(v) for v in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def machine_busy_pct(seconds: float = 1.0) -> float | None:
    """How busy the machine is right now (all cores, per cent), sampled over `seconds`."""
    a = cpu_jiffies()
    time.sleep(seconds)
    b = cpu_jiffies()
    if not a or not b or b[1] == a[1]:
        return None
    return round(100.0 * (b[0] - a[0]) / (b[1] - a[1]), 1)


@dataclass
class _Op:
    end: float
    latency: float
    error: str | None
    tag: str | None = None


@dataclass
class _Shared:
    stop_at: float = 0.0
    ops_started: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def run(base_url: str, scenario: Scenario, clients: int, *, duration: float, warmup: float,
        timeout: float = 60.0, max_ops: int = 1_000_000, seed: int = 1) -> dict:
    """Run `clients` closed-loop clients; return throughput and latency of the window."""
    _refuse_non_loopback(base_url)
    shared = _Shared()
    ready = threading.Barrier(clients + 1)
    go = threading.Barrier(clients + 1)
    per_worker: list[list[_Op]] = [[] for _ in range(clients)]
    setup_errors: list[str] = []

    def worker(index: int) -> None:
        rng = random.Random(seed * 7919 + index)
        client = HttpClient(base_url, timeout)
        try:
            scenario.setup(client, index)
            failed = False
        except Exception as exc:  # noqa: BLE001 - reported, the client then sits out
            setup_errors.append(f"client {index}: {type(exc).__name__}: {exc}")
            failed = True
        ready.wait()
        go.wait()
        if failed:
            return
        ops = per_worker[index]
        seq = 0
        while time.perf_counter() < shared.stop_at:
            with shared.lock:
                if shared.ops_started >= max_ops:
                    break
                shared.ops_started += 1
            t0 = time.perf_counter()
            error = tag = None
            try:
                tag = scenario.operation(client, index, seq, rng)
            except CheckFailed as exc:
                error = str(exc)
            except (OSError, http.client.HTTPException) as exc:
                error = type(exc).__name__
            t1 = time.perf_counter()
            ops.append(_Op(t1, t1 - t0, error, tag if isinstance(tag, str) else None))
            seq += 1

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    ready.wait()
    begin = time.perf_counter()
    window_start, window_end = begin + warmup, begin + warmup + duration
    shared.stop_at = window_end
    go.wait()
    time.sleep(max(0.0, window_start - time.perf_counter()))
    cpu0, own0 = cpu_jiffies(), os.times()
    time.sleep(max(0.0, window_end - time.perf_counter()))
    cpu1, own1 = cpu_jiffies(), os.times()
    for thread in threads:
        thread.join(timeout + 10)

    ops = [op for worker_ops in per_worker for op in worker_ops]
    window = [op for op in ops if window_start <= op.end <= window_end]
    ok = sorted(op.latency for op in window if op.error is None)
    errors = Counter(op.error for op in window if op.error is not None)
    result = {
        "scenario": scenario.name,
        "clients": clients,
        "window_s": duration,
        "warmup_s": warmup,
        "ok": len(ok),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "ok_per_s": round(len(ok) / duration, 1),
        "p50_ms": _ms(percentile(ok, 50)),
        "p95_ms": _ms(percentile(ok, 95)),
        "p99_ms": _ms(percentile(ok, 99)),
        "mean_ms": _ms(statistics.fmean(ok) if ok else None),
        "max_ms": _ms(ok[-1] if ok else None),
        "total_ok": sum(1 for op in ops if op.error is None),
        "total_errors": sum(1 for op in ops if op.error is not None),
        "setup_errors": setup_errors[:5],
        "max_ops_reached": shared.ops_started >= max_ops,
    }
    tags: dict[str, list[float]] = {}
    for op in window:
        if op.error is None and op.tag is not None:
            tags.setdefault(op.tag, []).append(op.latency)
    if tags:
        result["by_tag"] = {}
        for tag, values in tags.items():
            values.sort()
            result["by_tag"][tag] = {"ok": len(values), "p50_ms": _ms(percentile(values, 50)),
                                     "p95_ms": _ms(percentile(values, 95)),
                                     "p99_ms": _ms(percentile(values, 99))}
    if cpu0 and cpu1 and cpu1[1] > cpu0[1]:
        result["machine_cpu_pct"] = round(100.0 * (cpu1[0] - cpu0[0]) / (cpu1[1] - cpu0[1]), 1)
    result["loadgen_cpu_s"] = round((own1.user + own1.system) - (own0.user + own0.system), 2)
    return result


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def _refuse_non_loopback(base_url: str) -> None:
    host = urllib.parse.urlsplit(base_url).hostname or ""
    address = ipaddress.ip_address(socket.gethostbyname(host))
    if not address.is_loopback:
        raise SystemExit(f"refusing a non-loopback target: {host} ({address})")


def format_row(r: dict) -> str:
    return (f"{r['scenario']:<18} N={r['clients']:<3} ok/s={r['ok_per_s']:>8} "
            f"p50={r['p50_ms']}ms p95={r['p95_ms']}ms p99={r['p99_ms']}ms "
            f"ok={r['ok']} err={r['errors']}{' ' + str(r['error_kinds']) if r['errors'] else ''}"
            f" cpu={r.get('machine_cpu_pct')}% loadgen_cpu={r['loadgen_cpu_s']}s"
            + (f" SETUP_ERRORS={r['setup_errors']}" if r["setup_errors"] else ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("url", help="http://127.0.0.1:PORT/path (more paths: --path)")
    ap.add_argument("--path", action="append", default=[], help="another path to GET")
    ap.add_argument("--clients", default="1,4,16", help="comma-separated client counts")
    ap.add_argument("--duration", type=float, default=10.0)
    ap.add_argument("--warmup", type=float, default=2.0)
    ap.add_argument("--status", type=int, default=200)
    ap.add_argument("--json", action="store_true", help="print JSON lines instead of text")
    args = ap.parse_args()
    parts = urllib.parse.urlsplit(args.url)
    base = f"{parts.scheme}://{parts.netloc}"
    first = parts.path + (f"?{parts.query}" if parts.query else "")
    scenario = GetScenario([first or "/", *args.path], status=args.status)
    for n in (int(x) for x in args.clients.split(",") if x):
        result = run(base, scenario, n, duration=args.duration, warmup=args.warmup)
        print(json.dumps(result) if args.json else format_row(result), flush=True)


if __name__ == "__main__":
    sys.exit(main())
