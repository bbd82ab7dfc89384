"""`make run` serves, or fails at once with one line saying why and a non-zero exit.

Each case runs the real target from the repository, with a data directory and a port
of its own (DATA_DIR, PORT), so the developer's .data/ is never touched.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from api_core.devtools.wire_server import HOST, WireServer, free_port

ROOT = Path(__file__).resolve().parents[2]


def make_run(data_dir: Path, port: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["make", "--no-print-directory", "run", f"DATA_DIR={data_dir}", f"PORT={port}"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "MAKEFLAGS"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, to stop it as Ctrl-C would
    )


def failure(process: subprocess.Popen[str]) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=60)
    return process.returncode, stderr


def test_a_port_in_use_stops_make_run_at_once(tmp_path: Path) -> None:
    with socket.create_server((HOST, 0)) as taken:
        port = taken.getsockname()[1]
        code, stderr = failure(make_run(tmp_path / "data", port))

    assert code != 0
    assert f"make run: {HOST}:{port} is in use" in stderr
    assert not (tmp_path / "data").exists()  # it started nothing


def test_a_data_directory_held_by_another_database_stops_make_run(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with WireServer(None, data):  # the first `make run`'s database
        code, stderr = failure(make_run(data, free_port()))

    assert code != 0
    assert f"make run: {data}/ is in use by another embedded database" in stderr


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str]]:
    port = free_port()
    process = make_run(tmp_path / "data", port)
    try:
        yield process, f"http://{HOST}:{port}"
    finally:
        _kill_session(process)
        process.communicate(timeout=60)  # and close its pipes


def test_make_run_serves_the_api_after_the_database_answers_and_stops_cleanly(
    served: tuple[subprocess.Popen[str], str], tmp_path: Path
) -> None:
    process, url = served
    health = _wait_for_health(url, process)
    database = [  # the interpreter running secantusd-py, not the shell line naming it
        row
        for row in map(str.split, _session(process))
        if row[5].endswith("python") and row[6].endswith("secantusd-py")
    ]

    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C, to the terminal's foreground group
    _stopped_within(process, seconds=60)

    assert health == 200
    # Ctrl-C never reaches the database: make run stops it with one signal, as a second
    # one while it stops hangs it.
    [[_, database_group, *_]] = database
    assert database_group != str(process.pid)
    # Nothing left behind: the port is free and the data directory's lock released.
    port = int(url.rsplit(":", 1)[1])
    socket.create_server((HOST, port)).close()
    with WireServer(None, tmp_path / "data"):
        pass


def _stopped_within(process: subprocess.Popen[str], seconds: float) -> None:
    """Waits for `process` to end; if it does not, fails with what was still running
    and the end of what it said."""
    try:
        process.communicate(timeout=seconds)
    except subprocess.TimeoutExpired:
        running = "\n".join(_session(process))
        _kill_session(process)
        _, stderr = process.communicate(timeout=60)
        pytest.fail(f"still running {seconds} s after Ctrl-C:\n{running}\n{stderr[-3000:]}")


def _session(process: subprocess.Popen[str]) -> list[str]:
    """`ps` lines of every process make run started (its session, the database's
    own process group included)."""
    table = subprocess.run(
        ["ps", "-ww", "-eo", "sid=,pgid=,pid=,stat=,etime=,args="], capture_output=True, text=True
    ).stdout
    return [line for line in table.splitlines() if line.split()[0] == str(process.pid)]


def _kill_session(process: subprocess.Popen[str]) -> None:
    for line in _session(process):
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(line.split()[2]), signal.SIGKILL)


def _wait_for_health(url: str, process: subprocess.Popen[str]) -> int:
    """/api/health's status once make run serves it (a state to wait for, not a time)."""
    for _ in range(900):
        try:
            with urllib.request.urlopen(f"{url}/api/health", timeout=2) as response:
                return int(response.status)
        except OSError:
            try:
                process.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                continue
            raise AssertionError(f"make run exited with {process.returncode}") from None
    raise AssertionError("make run never served /api/health")


def make_reset(data_dir: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", "reset", f"DATA_DIR={data_dir}"],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "MAKEFLAGS"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_reset_refuses_while_a_database_holds_the_data_directory(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with WireServer(None, data):  # a running `make run`'s database
        result = make_reset(data)

        assert result.returncode != 0
        assert f"make reset: {data}/ is in use by a make run" in result.stderr
        assert (data / "WiredTiger.lock").exists()


def test_make_reset_removes_the_data_of_a_stopped_database(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with WireServer(None, data):
        pass

    result = make_reset(data)

    assert result.returncode == 0, result.stderr
    assert not data.exists()
