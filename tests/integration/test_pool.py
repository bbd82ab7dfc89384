"""Connections at scale: what one Lambda container holds open, counted by the server.

Twenty containers (processes importing the functions, with Lambda's environment
and the template's MONGODB_MAX_POOL_SIZE=1) warm up side by side against one wire
server; the server's own count of open connections then tells what each holds.
The README's arithmetic for Atlas tiers rests on this figure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pymongo import MongoClient

from api_core.devtools.wire_server import WireServer
from api_core.settings import Settings
from tests.conftest import migrate

ROOT = Path(__file__).resolve().parents[2]
CONTAINERS = 20
# One pooled connection (MONGODB_MAX_POOL_SIZE=1: a container serves one request at
# a time, one operation at a time) and one monitoring connection: on Lambda pymongo
# polls the server from the monitor's connection instead of streaming on a second.
PER_CONTAINER = 1 + 1


@contextmanager
def containers_running(server: WireServer) -> Iterator[list[subprocess.Popen[str]]]:
    env = {
        **os.environ,
        "MONGODB_URI": server.uri,
        "MONGODB_DB": "pool",
        "MONGODB_MAX_POOL_SIZE": "1",
        "AUTH_MODE": "off",
        "LOG_LEVEL": "ERROR",
        # Counting, not timing: a loaded machine must not turn a slow check into a
        # reconnection.
        "MONGODB_TIMEOUT_MS": "20000",
        # What Lambda's Python runtime sets, and pymongo reads to pick its FaaS defaults.
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
    }
    migrate(Settings(mongodb_uri=server.uri, mongodb_db="pool"))
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.support.warm_container"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(CONTAINERS)
    ]
    try:
        yield processes
    finally:
        for process in processes:
            process.communicate(timeout=60)


def open_connections(client: MongoClient[dict[str, object]]) -> int:
    return int(client.admin.command("serverStatus")["connections"]["current"])


def test_each_warm_container_holds_one_pooled_and_one_monitoring_connection() -> None:
    # A server of its own: connections other tests leave closing would blur the count.
    # The observer polls too: a streaming monitor would open its second connection at
    # some moment of its own, and blur the count.
    with (
        WireServer() as server,
        MongoClient(server.uri, maxPoolSize=1, serverMonitoringMode="poll") as observer,
    ):
        before = settled(lambda: open_connections(observer))
        with containers_running(server) as processes:
            for process in processes:
                assert process.stdout is not None
                assert "warm\n" in iter(process.stdout.readline, ""), "a container did not warm up"
            during = settled(lambda: open_connections(observer) - before)

    # The count is the server's own, not the clients' bookkeeping.
    assert during == CONTAINERS * PER_CONTAINER


def settled(count: Callable[[], int], reads: int = 50) -> int:
    """The count once two reads in a row agree: a socket a client has just closed
    is still counted by the server until it reads the close."""
    previous = count()
    for _ in range(reads):
        time.sleep(0.1)
        current = count()
        if current == previous:
            return current
        previous = current
    return previous
