"""Throwaway engines for the backend tests and benchmarks: a PostgreSQL cluster and a Spark session.

PostgreSQL is Debian's package run from a temporary data directory on a free loopback port
(as root, the server runs as the `postgres` user: it refuses to run as root).  Spark runs in
local mode with its web UI off, on loopback only, set for tiny tables (`TEST_SETTINGS`).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def pg_bindir() -> Path | None:
    """The newest installed PostgreSQL's bin folder (None: PostgreSQL is not installed)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def free_port() -> int:
    """A TCP port free on loopback now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """Start a PostgreSQL cluster in a temporary folder; yield its URL; stop and delete it."""
    bindir = pg_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL is not installed: run `make system-deps`")
    data = Path(tempfile.mkdtemp(prefix="crimeplan-pg-"))  # under /tmp: the postgres user can reach it
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    quiet = {"check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE}
    subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                    "--no-sync", "-E", "UTF8"], **quiet)  # type: ignore[call-overload]
    subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(data / "server.log"),
                    "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {data} -c fsync=off", "-w", "start"],
                   **quiet)  # type: ignore[call-overload]
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        shutil.rmtree(data, ignore_errors=True)


# Settings for the tests' tiny tables (a few thousand rows; a compute is ~17 small queries, each
# a Spark job whose cost is the JVM's own work, not the data's).  The demo plan's first compute
# in a fresh JVM (JVM CPU time, wall): crimeplan's session 122 s, 139 s; one partition 110 s;
# no whole-stage code generation 91 s; the JIT's first tier only and the serial collector 49 s,
# 45 s; results as Arrow (now crimeplan's own) 43 s, 39 s; no code generation at all and no
# broadcast joins 34 s, 31 s.  Code generation and C2 pay off only for big data; the results are
# the same either way.
TEST_SETTINGS = {
    "spark.sql.shuffle.partitions": "1", "spark.default.parallelism": "1",
    "spark.sql.codegen.wholeStage": "false",
    "spark.sql.codegen.factoryMode": "NO_CODEGEN",  # interpreted expressions: nothing compiled
    "spark.sql.autoBroadcastJoinThreshold": "-1",  # a broadcast is one more job per join
    "spark.driver.extraJavaOptions": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC",
}


@contextmanager
def local_spark() -> Iterator[Any]:
    """crimeplan's Spark session (`store.spark.session`: local[2], UI off, loopback, UTC) with the
    tests' settings, which the Spark stores then use; stopped after."""
    from crimeplan.store.spark import session

    spark = session(**TEST_SETTINGS)
    try:
        yield spark
    finally:
        spark.stop()
