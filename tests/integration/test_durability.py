"""`make run`'s embedded database keeps every write it acknowledged through a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from pymongo import MongoClient

from functions import students
from tests.conftest import close_cached_client
from tests.support.builders import student_body
from tests.support.invoke import invoke, point_api_at
from tests.support.wire_server import WireServer, embedded_db_options

WRITES = 60


def test_writes_answered_201_survive_kill_9_of_the_embedded_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = WireServer(None, tmp_path, *embedded_db_options())
    with server:
        point_api_at(monkeypatch, server.uri, 2000, database="durable")
        try:
            answers = [
                invoke(students.handler, "POST", "/api/students", student_body())["statusCode"]
                for _ in range(WRITES)
            ]
        finally:
            close_cached_client()
        server.crash()  # SIGKILL right after the last 201: no shutdown, no flush
        server.start()
        with MongoClient(server.uri) as client:
            kept = client.durable.students.count_documents({})

    assert answers == [201] * WRITES
    assert kept == WRITES
