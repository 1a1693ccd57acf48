"""A small load test: readers of an athlete page and writers logging workouts, at once, over
HTTP against a threaded server on 127.0.0.1 (a throwaway, migrated database: a SQLite file by
default, PostgreSQL with --database-url). Bounded in requests and in time.

    .venv/bin/python bench/load.py                  # 4 readers, 2 writers, 25 requests each
    .venv/bin/python bench/load.py --readers 8 --writers 4 --requests 50 \\
        --database-url postgres://replog:replog@127.0.0.1:5432/replog

Reports per kind: requests, errors (any answer but 200 for a page, 302 for a logged workout, or
a failed connection), p50/p95 latency, and whether every workout posted was kept. Prints a table
and the JSON; writes bench/results/load-<sqlite|postgresql>.json. Exits 1 on any error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.harness import open_throwaway  # noqa: E402
from bench.stats import pct  # noqa: E402

RESULTS = ROOT / "bench" / "results"


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:  # one line per request would drown the figures
        pass


class Session:
    """One logged-in browser: its session and CSRF cookies, against the server."""

    def __init__(self, base: str, session_id: str) -> None:
        self.base = base
        self.cookies = {"sessionid": session_id, "csrftoken": "b" * 32}
        self.opener = urllib.request.build_opener(_NoRedirect)

    def request(self, path: str, data: dict[str, Any] | None = None) -> int:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        req = urllib.request.Request(self.base + path, data=body)
        req.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body is not None:
            req.add_header("X-CSRFToken", self.cookies["csrftoken"])
        try:
            with self.opener.open(req, timeout=30) as response:
                response.read()
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return int(exc.code)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _seed() -> dict[str, Any]:
    from django.test import Client

    from athletes.models import Athlete, Role, User
    from programs.models import Exercise

    # No password: the session is made with force_login, nobody can log in as this coach.
    coach = User.objects.create_user("loadcoach", role=Role.COACH)
    athlete = Athlete.objects.create(name="Tommy", coach=coach)
    exercise = Exercise.objects.order_by("pk").first() or Exercise.objects.create(name="Squat")
    client = Client()
    client.force_login(coach)
    return {
        "athlete": athlete.pk,
        "exercise": exercise.pk,
        "session": client.cookies["sessionid"].value,
    }


def _workout(exercise: int, day: dt.date) -> dict[str, Any]:
    return {
        "date": day.isoformat(),
        "notes": "",
        "row": ["0"],
        "set-0-exercise": exercise,
        "set-0-reps": 5,
        "set-0-rep_type": "reps",
        "set-0-weight": "100",
    }


def run_load(args: argparse.Namespace, seed: dict[str, Any], base: str) -> dict[str, Any]:
    page = f"/athletes/{seed['athlete']}/"
    log = f"/athletes/{seed['athlete']}/workouts/log/"
    first = dt.date.today() - dt.timedelta(days=args.writers * args.requests + 10)
    timings: dict[str, list[float]] = {"read": [], "write": []}
    errors: dict[str, list[str]] = {"read": [], "write": []}
    lock = threading.Lock()
    deadline = time.monotonic() + args.timeout

    def worker(kind: str, calls: Callable[[int], tuple[str, dict[str, Any] | None, int]]) -> None:
        session = Session(base, seed["session"])
        for n in range(args.requests):
            if time.monotonic() > deadline:
                with lock:
                    errors[kind].append("not run: the time bound was reached")
                continue
            path, data, expected = calls(n)
            started = time.perf_counter()
            try:
                status: int | str = session.request(path, data)
            except OSError as exc:
                status = f"{type(exc).__name__}: {exc}"
            elapsed = time.perf_counter() - started
            with lock:
                timings[kind].append(elapsed)
                if status != expected:
                    errors[kind].append(f"{kind} {path}: {status}")

    def writer(w: int) -> Callable[[int], tuple[str, dict[str, Any] | None, int]]:
        def call(n: int) -> tuple[str, dict[str, Any] | None, int]:
            day = first + dt.timedelta(days=w * args.requests + n)
            return log, _workout(seed["exercise"], day), 302

        return call

    threads = [
        threading.Thread(target=worker, args=("read", lambda n: (page, None, 200)))
        for _ in range(args.readers)
    ] + [threading.Thread(target=worker, args=("write", writer(w))) for w in range(args.writers)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.monotonic() - started
    return _report(args, seed, timings, errors, wall)


def _report(
    args: argparse.Namespace,
    seed: dict[str, Any],
    timings: dict[str, list[float]],
    errors: dict[str, list[str]],
    wall: float,
) -> dict[str, Any]:
    from athletes.models import Workout

    kept = Workout.objects.filter(athlete_id=seed["athlete"]).count()
    posted = len(timings["write"]) - len(errors["write"])
    return {
        "readers": args.readers,
        "writers": args.writers,
        "requests_each": args.requests,
        "seconds": round(wall, 2),
        "kinds": {
            kind: {
                "requests": len(values),
                "errors": len(errors[kind]),
                "p50_ms": round(pct(values, 50) * 1000, 1),
                "p95_ms": round(pct(values, 95) * 1000, 1),
                "first_errors": errors[kind][:5],
            }
            for kind, values in timings.items()
        },
        "workouts_posted_ok": posted,
        "workouts_kept": kept,
    }


def print_table(report: dict[str, Any]) -> None:
    print(f"load: {report['readers']} readers + {report['writers']} writers on {report['vendor']}")
    print(f"{'kind':<6} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for kind, row in report["kinds"].items():
        print(
            f"{kind:<6} {row['requests']:>8} {row['errors']:>6} "
            f"{row['p50_ms']:>8} {row['p95_ms']:>8}"
        )
    print(f"workouts posted {report['workouts_posted_ok']}, kept {report['workouts_kept']}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--readers", type=int, default=4)
    parser.add_argument("--writers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=25, help="per reader and per writer")
    parser.add_argument("--timeout", type=float, default=120, help="seconds for the whole load")
    parser.add_argument("--database-url", help="postgres://… (default: a SQLite file)")
    args = parser.parse_args(argv)
    if min(args.readers, args.writers, args.requests) < 1 or args.timeout <= 0:
        parser.error("--readers, --writers and --requests must be at least 1")
    env = {"ALLOWED_HOSTS": "127.0.0.1,localhost"}
    with open_throwaway(args.database_url, name="replog_load", env=env) as db:
        from django.core.management import call_command
        from django.core.wsgi import get_wsgi_application

        # Served as in production (DEBUG off): the pages need the static files' manifest.
        call_command("collectstatic", interactive=False, verbosity=0)
        seed = _seed()
        server = make_server("127.0.0.1", 0, get_wsgi_application(), _Server, _Quiet)
        serving = threading.Thread(target=server.serve_forever, daemon=True)
        serving.start()
        try:
            report = run_load(args, seed, f"http://127.0.0.1:{server.server_port}")
        finally:
            server.shutdown()
        report["vendor"] = db.vendor
    print_table(report)
    print(json.dumps(report))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"load-{report['vendor']}.json").write_text(json.dumps(report, indent=2) + "\n")
    failed = sum(row["errors"] for row in report["kinds"].values())
    return 1 if failed or report["workouts_kept"] != report["workouts_posted_ok"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
