"""The deploy step against a sick database: it fails within the connect budget.

Index builds get minutes (DEADLINE_SECONDS), but a database that cannot be reached
must fail the migration (and with it a deploy) in about MONGODB_TIMEOUT_MS.
"""

from __future__ import annotations

import asyncio
import gc
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from pymongo import MongoClient
from pymongo.errors import PyMongoError

from api_core.devtools.loops import run_in_own_loop
from api_core.devtools.wire_server import WireServer
from api_core.migrate import RecordsElsewhere, migrate_configured_database
from api_core.settings import DATABASE, Settings
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


@pytest.fixture(scope="module")
def former_install() -> Iterator[WireServer]:
    """A server of its own where the default database, "school", holds a student."""
    with WireServer() as server, MongoClient(server.uri) as client:
        client[DATABASE]["students"].insert_one({"name": "Ada"})
        yield server


def test_migration_refuses_an_empty_default_database_when_school_holds_records(
    former_install: WireServer,
) -> None:
    settings = Settings(mongodb_uri=former_install.uri, app_name="Loans refused")

    with pytest.raises(RecordsElsewhere, match="MONGODB_DB=school"):
        run_in_own_loop(migrate_configured_database(settings))
    with MongoClient(former_install.uri) as client:
        assert client["loans_refused"].list_collection_names() == []


def test_migrate_command_says_where_the_records_are_in_one_line(
    former_install: WireServer,
) -> None:
    env = {k: v for k, v in os.environ.items() if k.lower() not in Settings.model_fields}
    command = [sys.executable, "-m", "api_core.migrate"]
    result = subprocess.run(
        command,
        env={**env, "MONGODB_URI": former_install.uri, "APP_NAME": "Loans refused"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "python -m api_core.migrate: database 'loans_refused' (the default from APP_NAME) is "
        "empty, but 'school', the default database, holds records (students): set "
        "MONGODB_DB=school (template: MongoDbName=school) to keep using them, or drop that "
        "database to start afresh"
    ]


@pytest.mark.parametrize("database", [DATABASE, "chosen_elsewhere"])
def test_migration_with_mongodb_db_set_goes_ahead(
    former_install: WireServer, database: str
) -> None:
    settings = Settings(mongodb_uri=former_install.uri, mongodb_db=database)

    run_in_own_loop(migrate_configured_database(settings))

    with MongoClient(former_install.uri) as client:
        assert "students" in client[database].list_collection_names()


def test_migration_goes_ahead_when_school_holds_no_records() -> None:
    """A former `make run` that was never used: migrated (indexes), but no records."""
    with WireServer() as server, MongoClient(server.uri) as client:
        client[DATABASE].create_collection("students")
        settings = Settings(mongodb_uri=server.uri, app_name="Fresh start")

        run_in_own_loop(migrate_configured_database(settings))

        assert "students" in client["fresh_start"].list_collection_names()
