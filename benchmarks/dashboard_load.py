"""Benchmark: the dashboard's latency at N concurrent signed-in sessions, over loopback.

Starts `crimeplan serve` on a free loopback port over a store with stored results, signs in N
sessions (force and LPA accounts), opens every kind of page once to warm the app's caches (timed
apart, as "first view"), then for --seconds each session asks for a random page, waits a think
time and asks again. Prints requests, errors and the latency percentiles; the issue's target is
p95 <= 100 ms at 50 sessions on the demo force.

    make demo   # once: the demo store with stored results
    python benchmarks/dashboard_load.py --store demo-output/crimeplan.duckdb --plan police-and-crime-plan
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from crimeplan.accounts import AccountsDB, Role, Scope
from crimeplan.accounts.users import add_user
from crimeplan.plans import load_plan
from crimeplan.results import read_run, stored_runs
from crimeplan.web.site import lpas, slug

PASSWORD = "benchmark password, loopback only"


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def page_paths(store: Path, plan_name: str) -> tuple[list[str], list[str], str]:
    """Every kind of page of the latest stored month, the LPAs, and that month."""
    plan = load_plan(plan_name)
    runs = stored_runs(store, plan)
    if not runs:
        sys.exit(f"no stored results of {plan_name} in {store}: run `make demo` or `crimeplan compute` first")
    run = max(runs, key=lambda r: (r["to_month"], r["snapshot_id"]))
    results = read_run(store, plan, run)
    period = f"/{run['to_month']:%Y-%m}"
    areas = lpas(results)
    paths = [f"{period}/index.html", f"{period}/areas.html", f"{period}/changes.html", f"{period}/downloads.html",
             f"{period}/results.json"]
    paths += [f"{period}/priority/{a.id}.html" for a in plan.areas_of_focus]
    paths += [f"{period}/measure/{m.id}.html" for _, m in plan.measures()]
    paths += [f"{period}/area/{slug(a)}.html" for a in areas]
    paths += [f"{period}/charts/{m.id}-monthly.svg" for _, m in plan.measures() if results.chart(m.id, "monthly")]
    if plan.msg is not None:
        paths.append(f"{period}/msg.html")
    return paths, areas, period


async def sign_in(client: httpx.AsyncClient, name: str) -> None:
    """Sign a client in through the form, as a person does."""
    form = await client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf is not None, "no sign-in form"
    signed = await client.post("/login", data={"csrf": csrf.group(1), "name": name, "password": PASSWORD,
                                               "next": "/"})
    assert signed.status_code == 303, f"{name}: sign-in answered {signed.status_code}"


async def browse(client: httpx.AsyncClient, paths: list[str], until: float, think: float,
                 latencies: list[float], errors: list[str]) -> None:
    """One signed-in person: open random pages with a think time between them, until the time is up."""
    await asyncio.sleep(random.uniform(0, think))  # sessions do not all start at once
    while time.perf_counter() < until:
        path = random.choice(paths)
        start = time.perf_counter()
        response = await client.get(path)
        latencies.append(time.perf_counter() - start)
        if response.status_code != 200:
            errors.append(f"{path}: {response.status_code}")
        await asyncio.sleep(random.uniform(0.5 * think, 1.5 * think))


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of values, by the inclusive method."""
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if len(values) > 1 else values[0]


async def run(args: argparse.Namespace) -> None:
    """Start the server, warm it, load it, print the figures."""
    paths, areas, period = page_paths(args.store, args.plan)
    work = Path(tempfile.mkdtemp(prefix="crimeplan-load-"))
    accounts = work / "accounts.sqlite"
    db = AccountsDB(accounts)
    names, allowed, scopes = [], [], []
    for i in range(args.sessions):  # half see the force, half one LPA (and every page but other LPAs')
        scope = Scope("force") if i % 2 == 0 or not areas else Scope("lpa", areas[i % len(areas)])
        names.append(f"user{i:03d}")
        add_user(db, names[-1], PASSWORD, Role.VIEWER, scope, by="benchmark")
        scopes.append(str(scope))
        others = {f"{period}/area/{slug(a)}.html" for a in areas if scope.kind == "lpa" and a != scope.name}
        allowed.append([p for p in paths if p not in others])
    db.close()
    port = free_port()
    env = {**os.environ, "CRIMEPLAN_SECRET": secrets.token_urlsafe(48)}
    server = subprocess.Popen([str(Path(sys.executable).parent / "crimeplan"), "serve", "--store", str(args.store),
                               "--plan", args.plan, "--accounts", str(accounts), "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as probe:
            for _ in range(300):
                try:
                    await probe.get("/login")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        clients = [httpx.AsyncClient(base_url=base, timeout=60) for _ in names]
        # signing in hashes a password (argon2, deliberately slow): done for all sessions before timing
        for client, name in zip(clients, names):
            await sign_in(client, name)
        # first views: every page once per scope (the force, each LPA), so the caches hold what the
        # sessions then ask for; timed apart, as a page's first view after a compute
        first: list[float] = []
        warm = [i for i, scope in enumerate(scopes) if scope not in scopes[:i]]
        for client, mine in ((clients[i], allowed[i]) for i in warm):
            for path in mine:
                start = time.perf_counter()
                await client.get(path)
                first.append(time.perf_counter() - start)
        latencies: list[float] = []
        errors: list[str] = []
        until = time.perf_counter() + args.seconds
        started = time.perf_counter()
        await asyncio.gather(*(browse(c, mine, until, args.think, latencies, errors)
                               for c, mine in zip(clients, allowed)))
        took = time.perf_counter() - started
        for client in clients:
            await client.aclose()
    finally:
        server.terminate()
        server.wait(timeout=10)
    ms = sorted(x * 1000 for x in latencies)
    print(f"dashboard load: {args.sessions} sessions, {args.seconds:.0f} s, think time {args.think:.1f} s "
          f"(±50%), {len(paths)} pages of {period}, server `crimeplan serve` (one process) on loopback")
    print(f"first views (cold caches): {len(first)} requests, median {statistics.median(first) * 1000:.0f} ms, "
          f"max {max(first) * 1000:.0f} ms")
    print(f"requests: {len(ms)} ({len(ms) / took:.1f}/s), errors: {len(errors)}")
    print(f"latency ms: p50 {percentile(ms, 50):.1f}, p95 {percentile(ms, 95):.1f}, p99 {percentile(ms, 99):.1f}, "
          f"max {ms[-1]:.1f}")
    print(f"target p95 <= 100 ms: {'met' if percentile(ms, 95) <= 100 else 'NOT met'}")
    for e in errors[:5]:
        print("error:", e)


def main() -> None:
    """Parse the options and run."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, default=Path("demo-output/crimeplan.duckdb"))
    ap.add_argument("--plan", default="police-and-crime-plan")
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--think", type=float, default=1.0, help="mean seconds between a session's requests")
    asyncio.run(run(ap.parse_args()))


if __name__ == "__main__":
    main()
