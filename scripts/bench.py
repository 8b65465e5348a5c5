#!/usr/bin/env python3
"""Server benchmarks (issue 11), run by scripts/bench: requests/s and p50/p99 latency of the
release server under wrk for five endpoints, each next to pgbench running the SQL that the
server itself sent to PostgreSQL for one request of that endpoint (captured from the server
log, parameters included), printed as ratios; RSS idle and under load; time from process
start to the first 200 on /api/health. Writes docs/BENCHMARKS.md.

Everything runs on this machine at once (server, PostgreSQL, wrk/pgbench), so the ratio says
how close the server comes to the database's own limit on the same hardware."""

import datetime
import json
import os
import platform
import re
import socket
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target/release/spymeo")
DIR = os.path.join(ROOT, "target/bench/.spymeo")
DURATION = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SLUG = "claire-moreau-naturopathe"
ENDPOINTS = [
    ("liveness", "/api/health/live"),
    ("health (database + storage)", "/api/health"),
    ("search `sophro`", "/api/search?q=sophro"),
    ("practitioner profile page", f"/praticiens/{SLUG}"),
    # The motif is the practitioner's first online-bookable one, looked up at run time.
    ("slots of a week", f"/api/public/practitioners/{SLUG}/availabilities?appointmentTypeId={{type}}"),
]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, r.read()


def wait_200(url, limit):
    deadline = time.time() + limit
    while time.time() < deadline:
        try:
            if get(url, 1)[0] == 200:
                return True
        except Exception:
            pass
        time.sleep(0.02)
    return False


def pg():
    data = os.path.join(DIR, "pg/data")
    port = open(os.path.join(data, "postmaster.pid")).read().splitlines()[3].strip()
    password = open(os.path.join(DIR, "pg.password")).read().strip()
    return port, password


def psql(url, sql):
    subprocess.run(["psql", "-X", "-q", "-c", sql], check=True, stdout=subprocess.DEVNULL)


def capture_sql(url, db_url, path):
    """The statements the server executes for one GET of `path`, parameters substituted."""
    log = os.path.join(DIR, "pg/postgres.log")
    get(url + path)  # warm: prepared statements, caches
    psql(db_url, "ALTER SYSTEM SET log_min_duration_statement = 0")
    psql(db_url, "SELECT pg_reload_conf()")
    time.sleep(0.3)
    start = os.path.getsize(log)
    get(url + path)
    time.sleep(0.3)
    psql(db_url, "ALTER SYSTEM RESET log_min_duration_statement")
    psql(db_url, "SELECT pg_reload_conf()")
    time.sleep(0.3)
    with open(log, encoding="utf-8", errors="replace") as f:
        f.seek(start)
        text = f.read()
    entries = re.split(r"\n(?=\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", text)
    statements = []
    for i, e in enumerate(entries):
        m = re.search(r"LOG:\s+duration: [\d.]+ ms\s+(?:execute [^:]*|statement): (.*)", e, re.S)
        if not m:
            continue
        sql = m.group(1).strip()
        if "log_min_duration_statement" in sql or "pg_reload_conf" in sql:
            continue
        params = {}
        nxt = entries[i + 1] if i + 1 < len(entries) else ""
        if re.search(r"DETAIL:\s+parameters:", nxt, re.I):
            detail = re.split(r"parameters:", nxt, 1, flags=re.I)[1]
            for k, v in re.findall(r"\$(\d+) = ((?:'(?:[^']|'')*')|NULL)", detail):
                params[int(k)] = v
        for k in sorted(params, reverse=True):
            sql = re.sub(r"\$%d(?!\d)" % k, params[k], sql)
        statements.append(sql.rstrip(";") + ";")
    return statements


def wrk(url):
    out = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency", url],
        check=True, capture_output=True, text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label):
        v = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out)
        n, unit = float(v.group(1)), v.group(2)
        return n / 1000 if unit == "us" else n * 1000 if unit == "s" else n

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, ms("50"), ms("99"), int(errors.group(1)) if errors else 0


def pgbench(db_url, statements, script):
    with open(script, "w") as f:
        f.write("\n".join(s.replace("\n", " ") for s in statements) + "\n")
    out = subprocess.run(
        ["pgbench", "-n", f"-c{CONNECTIONS}", "-j2", f"-T{DURATION}", "-f", script],
        check=True, capture_output=True, text=True,
    ).stdout
    return float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", out).group(1))


def rss_kib(pid, field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def main():
    if not os.path.exists(BIN):
        sys.exit("target/release/spymeo missing (scripts/bench builds it)")
    os.makedirs(DIR, exist_ok=True)
    # The private cluster with the demo data: spymeo dev creates and seeds it once, and keeps
    # it running while it lives (its own server idles meanwhile).
    port = free_port()
    dev = subprocess.Popen([BIN, "dev", "--dir", DIR, "--bind", f"127.0.0.1:{port}"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_200(f"http://127.0.0.1:{port}/api/health", 600):
            sys.exit("spymeo dev did not come up")
        measure()
    finally:
        dev.terminate()
        dev.wait()


def measure():
    pg_port, pg_password = pg()
    db_url = f"postgres://spymeo:{pg_password}@127.0.0.1:{pg_port}/spymeo"
    # psql and pgbench get the password from the environment, never in their arguments.
    os.environ.update(PGHOST="127.0.0.1", PGPORT=pg_port, PGUSER="spymeo", PGPASSWORD=pg_password,
                      PGDATABASE="spymeo")

    # The measured server: `spymeo serve` as in production (no dev middleware).
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    storage = os.path.join(DIR, "files")
    env = dict(os.environ, DATABASE_URL=db_url, APP_ENV="staging", RUST_LOG="warn",
               SESSION_SECRET="bench-" + "0" * 32, SMTP_URL="smtp://127.0.0.1:1",  # pragma: allowlist secret
               APP_URL=url)
    t0 = time.monotonic()
    server = subprocess.Popen([BIN, "serve", "--bind", f"127.0.0.1:{port}", "--storage-dir", storage],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_200(url + "/api/health", 60):
            sys.exit("spymeo serve did not answer /api/health")
        startup_ms = (time.monotonic() - t0) * 1000
        time.sleep(1)
        rss_idle = rss_kib(server.pid, "VmRSS")
        rows = []
        _, body = get(f"{url}/api/public/practitioners/{SLUG}")
        types = json.loads(body)["appointmentTypes"]
        motif = next(t["id"] for t in types if t.get("onlineBookable", True))
        for name, path in ENDPOINTS:
            path = path.replace("{type}", motif)
            status, _ = get(url + path)
            assert status == 200, f"{path}: {status}"
            statements = capture_sql(url, db_url, path)
            rps, p50, p99, non2xx = wrk(url + path)
            tps = pgbench(db_url, statements, os.path.join(DIR, "bench.sql")) if statements else None
            rows.append((name, path, rps, p50, p99, non2xx, len(statements), tps))
            print(f"{path}: {rps:.0f} req/s p50 {p50:.2f} ms p99 {p99:.2f} ms; "
                  f"pgbench {len(statements)} statement(s): {tps and f'{tps:.0f} tps' or '-'}"
                  f"{'; ratio %.2f' % (rps / tps) if tps else ''}", flush=True)
        rss_peak = rss_kib(server.pid, "VmHWM")
    finally:
        server.terminate()
        server.wait()

    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next((int(l.split()[1]) // 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    pg_version = subprocess.run(["psql", "-X", "-At", "-c", "SHOW server_version"],
                                capture_output=True, text=True).stdout.strip()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        f"Run by `scripts/bench` on {now}: {os.cpu_count()} CPU ({cpu}), {mem} MiB RAM, "
        f"{platform.system()} {platform.release()}, PostgreSQL {pg_version}, release build. "
        f"wrk: 2 threads, {CONNECTIONS} connections, {DURATION} s per endpoint; pgbench: the same "
        f"{CONNECTIONS} clients and duration, running the SQL the server sent for one request of the "
        "endpoint (captured from PostgreSQL's log, parameters substituted). Server, database and load "
        "generator share the machine, so absolute numbers are low; the ratio is the point: how much of "
        "the database's own throughput on the same SQL the HTTP server delivers.",
        "",
        "| Endpoint | Path | req/s | p50 ms | p99 ms | non-2xx | SQL statements | pgbench tps | server / pgbench |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, path, rps, p50, p99, non2xx, n, tps in rows:
        lines.append(f"| {name} | `{path}` | {rps:.0f} | {p50:.2f} | {p99:.2f} | {non2xx} | {n} | "
                     f"{f'{tps:.0f}' if tps else '—'} | {f'{rps / tps:.2f}' if tps else '—'} |")
    lines += [
        "",
        f"- Time from process start to the first 200 on `/api/health`: {startup_ms:.0f} ms "
        "(migrations already applied, database running).",
        f"- Server RSS: {rss_idle / 1024:.1f} MiB idle after start, {rss_peak / 1024:.1f} MiB peak over the whole run.",
        "- Liveness does not touch the database, so it has no pgbench counterpart.",
        "",
        "Mock import throughput (`spymeo mocks import` against `psql \\copy` of the same rows) is "
        "measured by `scripts/bench-mocks` (see the README).",
        "",
    ]
    os.makedirs(os.path.join(ROOT, "docs"), exist_ok=True)
    with open(os.path.join(ROOT, "docs/BENCHMARKS.md"), "w") as f:
        f.write("\n".join(lines))
    print("docs/BENCHMARKS.md written")


if __name__ == "__main__":
    main()
