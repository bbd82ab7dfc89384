"""The deploy step against a sick database: it fails within the connect budget.

Index builds get minutes (DEADLINE_SECONDS), but a database that cannot be reached
must fail the migration (and with it a deploy) in about MONGODB_TIMEOUT_MS.
"""

from __future__ import annotations

import asyncio
import gc
import time

import pytest
from pymongo.errors import PyMongoError

from api_core.devtools.loops import run_in_own_loop
from api_core.devtools.wire_server import WireServer
from api_core.migrate import migrate_configured_database
from api_core.settings import Settings
from tests.support.fault_proxy import FaultProxy, Mode

BUDGET_MS = 1000
FAULTS: tuple[Mode, ...] = ("hang", "blackhole", "refuse", "delay")
# Far less than the migration's deadline, so a test that waits for that fails fast.
GIVE_UP_AFTER_S = 10


# With a slow server, closing the client can catch its monitor halfway through
# connecting, and pymongo then leaves that socket to the garbage collector: collected
# here, under this filter, rather than at some later test's or the session's end.
@pytest.mark.filterwarnings(
    "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning"
)
@pytest.mark.parametrize("fault", FAULTS)
def test_migration_against_a_sick_database_fails_within_the_budget(
    wire_server: WireServer, fault: Mode
) -> None:
    with FaultProxy(wire_server.port, delay=3 * BUDGET_MS / 1000) as proxy:
        proxy.set_mode(fault)
        settings = Settings(
            mongodb_uri=proxy.uri, mongodb_db="migrate_faults", mongodb_timeout_ms=BUDGET_MS
        )
        started = time.monotonic()
        with pytest.raises(PyMongoError):
            migration = migrate_configured_database(settings)
            run_in_own_loop(asyncio.wait_for(migration, GIVE_UP_AFTER_S))
        # The budget, plus up to one of the driver's 500 ms server-selection steps.
        assert time.monotonic() - started < BUDGET_MS / 1000 + 1
    gc.collect()
