"""`make run`'s embedded database keeps every write it acknowledged through a crash."""

from __future__ import annotations

from pathlib import Path

from pymongo import MongoClient

from api_core.devtools.builders import student_body
from api_core.devtools.invoke import invoke, pointed_at
from api_core.devtools.wire_server import WireServer, embedded_db_options
from api_core.lambda_handler import resource_handler
from api_core.resources import STUDENTS
from api_core.settings import Settings
from tests.conftest import close_cached_client

WRITES = 60


def test_writes_answered_201_survive_kill_9_of_the_embedded_database(
    settings: Settings, tmp_path: Path
) -> None:
    server = WireServer(None, tmp_path, *embedded_db_options())
    with server:
        students = resource_handler(STUDENTS, pointed_at(settings, server.uri, 2000, "durable"))
        try:
            answers = [
                invoke(students, "POST", "/api/students", student_body())["statusCode"]
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
