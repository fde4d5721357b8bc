"""Serve matcher with gunicorn on loopback and let N coordinators work at once for S seconds.

Each simulated coordinator logs in once (argon2 is slow by design), then loops over the pages
of daily work, reading each for MIN-MAX seconds (`--think`): the families list (pages, search),
a family's page (an audited view), the contact families list and the start page. Prints
throughput, p50/p95/p99 latency, errors and gunicorn's CPU per request.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/matcher_load \
        .venv/bin/python -m benchmarks.load.run --users 50 --seconds 60 --workers 5 --think 1 5
"""

import argparse
import http.cookiejar
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter

from benchmarks.load.prepare import PASSWORD

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class User:
    """One coordinator with its own cookies (session) and a keep-nothing HTTP opener."""

    def __init__(self, base: str, email: str):
        self.base, self.email = base, email
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> tuple[int, float]:
        """GET a page; return its status and seconds taken."""
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, timeout=30) as r:
                r.read()
                status = r.status
        except urllib.error.HTTPError as e:
            status = e.code
        except OSError:
            status = 0
        return status, time.perf_counter() - started

    def log_in(self) -> None:
        """Log in through the real form (with its CSRF token)."""
        with self.opener.open(self.base + "/login", timeout=60) as r:
            token = TOKEN.search(r.read().decode()).group(1)
        data = urllib.parse.urlencode(
            {"email": self.email, "password": PASSWORD, "csrf_token": token}
        ).encode()
        with self.opener.open(self.base + "/login", data=data, timeout=60) as r:
            if "/login" in r.url:
                raise RuntimeError(f"log-in failed for {self.email}")


def work(
    user: User, family_ids: range, until: float, out: list, seed: int, think: tuple[float, float]
) -> None:
    """Request pages until the deadline; append (page, status, seconds) to `out`."""
    rnd = random.Random(seed)
    while time.perf_counter() < until:
        if think[1] > 0:  # a person reads the page before the next click
            time.sleep(rnd.uniform(*think))
        page = rnd.choices(
            ["list", "search", "family", "contact_families", "start"], [30, 10, 45, 10, 5]
        )[0]
        path = {
            "list": f"/coordinator/families/?page={rnd.randint(1, 40)}",
            "search": f"/coordinator/families/?q={rnd.choice(['Haddad', 'Nur', 'L-00'])}",
            "family": f"/coordinator/families/{rnd.choice(family_ids)}",
            "contact_families": "/contact-families/",
            "start": "/coordinator/",
        }[page]
        status, seconds = user.get(path)
        out.append((page, status, seconds))


def wait_ready(base: str, proc: subprocess.Popen) -> None:
    """Wait until the server answers its health check."""
    for _ in range(120):
        if proc.poll() is not None:
            sys.exit("gunicorn stopped while starting")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    sys.exit("gunicorn did not become ready")


def server_cpu_seconds(master_pid: int) -> float:
    """Return the CPU time (user + system) used so far by gunicorn's master and its workers."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in [master_pid, *_children(master_pid)]:
        try:
            with open(f"/proc/{pid}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a worker that ended meanwhile
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as fh:
            return [int(x) for x in fh.read().split()]
    except OSError:
        return []


def pct(values: list[float], q: float) -> float:
    """Return the q-quantile (0-1) in milliseconds."""
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1] * 1000


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=5, help="2 x cores + 1, as in production")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(0.0, 0.0),
        metavar=("MIN", "MAX"),
        help="seconds a user reads a page before the next click (uniform)",
    )
    parser.add_argument("--server-log", default="/tmp/matcher-load-server.log")
    parser.add_argument(
        "--access-log", default="", help="write gunicorn's access log (path status µs) here"
    )
    args = parser.parse_args()
    base = f"http://127.0.0.1:{args.port}"
    env = {
        **os.environ,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "load-benchmark-" + "k" * 40),
        # 50 users log in from one address in a few seconds: lift the per-address cap for this.
        "MATCHER_LOGIN_ADDRESS_LIMIT": "1000 per 15 minutes",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(args.workers),
        "--threads",
        str(args.threads),
        "-b",
        f"127.0.0.1:{args.port}",
        "--log-level",
        "warning",
        *(
            ["--access-logfile", args.access_log, "--access-logformat", "%(U)s %(s)s %(D)s"]
            if args.access_log
            else []
        ),
        "matcher:create_app()",
    ]
    log = open(args.server_log, "w")  # noqa: SIM115 (open for the server's whole life)
    proc = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_ready(base, proc)
        users = [User(base, f"load{i}@example.dk") for i in range(args.users)]
        started = time.perf_counter()
        for u in users:
            u.log_in()
        print(f"{len(users)} users logged in in {time.perf_counter() - started:.1f} s")
        family_ids = _family_ids()
        results: list[list] = [[] for _ in users]
        until = time.perf_counter() + args.seconds
        threads = [
            threading.Thread(
                target=work, args=(u, family_ids, until, results[i], i, tuple(args.think))
            )
            for i, u in enumerate(users)
        ]
        args.load_before = f"{os.getloadavg()[0]:.2f}"  # of the last minute: other work
        t0, cpu0 = time.perf_counter(), server_cpu_seconds(proc.pid)
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        server_cpu = server_cpu_seconds(proc.pid) - cpu0
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()
    report([r for rs in results for r in rs], elapsed, server_cpu, args)


def _family_ids() -> range:
    from sqlalchemy import func, select

    from matcher import create_app
    from matcher.extensions import db
    from matcher.models import Family

    with create_app().app_context():
        low, high = db.session.execute(select(func.min(Family.id), func.max(Family.id))).one()
    return range(low, high + 1)


def report(rows: list[tuple], elapsed: float, server_cpu: float, args) -> None:
    """Print throughput, latency percentiles and errors, overall and per page."""
    print(
        f"users={args.users} seconds={args.seconds} gunicorn workers={args.workers} "
        f"threads={args.threads} think={args.think[0]}-{args.think[1]} s"
    )
    print(f"requests={len(rows)} throughput={len(rows) / elapsed:.1f} req/s")
    # Python's share only (PostgreSQL's backends are not counted): comparable across runs even
    # when other work shares the machine.
    print(
        f"gunicorn CPU={server_cpu:.1f} s = {server_cpu / max(len(rows), 1) * 1000:.1f} ms "
        f"per request; load average before/after {args.load_before} / {os.getloadavg()[0]:.2f}"
    )
    errors = Counter(s for _, s, _ in rows if s != 200)
    print(f"errors={sum(errors.values())} {dict(errors) if errors else ''}")
    print(f"{'page':<18}{'n':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    pages = sorted({p for p, _, _ in rows})
    for name in [*pages, "ALL"]:
        times = [s for p, _, s in rows if name in (p, "ALL")]
        print(
            f"{name:<18}{len(times):>7}{pct(times, 0.5):>9.0f}{pct(times, 0.95):>9.0f}"
            f"{pct(times, 0.99):>9.0f}{max(times) * 1000:>9.0f}"
        )


if __name__ == "__main__":
    main()
