"""A real MongoDB-wire server (SecantusDB) in a subprocess, on a free loopback port.

Tests, benchmarks and `make run` use it instead of a MongoDB installation. It can
be stopped and started again on the same port, to play a database outage.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from api_core.devtools.running import Running

HOST = "127.0.0.1"
MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def embedded_db_options() -> tuple[str, ...]:
    """The secantusd-py flags `make run` starts its database with (EMBEDDED_DB_OPTIONS)."""
    for line in MAKEFILE.read_text().splitlines():
        if line.startswith("EMBEDDED_DB_OPTIONS :="):
            return tuple(line.split(":=", 1)[1].split())
    raise RuntimeError("the Makefile sets no EMBEDDED_DB_OPTIONS")


def terminate(process: subprocess.Popen[bytes]) -> None:
    """Stop a server process politely, then firmly."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _accepting(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex((HOST, port)) == 0


class WireServer(Running):
    def __init__(self, port: int | None = None, storage: Path | None = None, *options: str) -> None:
        """`options` are more secantusd-py flags, such as --auth."""
        self.options = options
        self.port = port or free_port()
        self._own_storage = storage is None
        self.storage = storage or Path(tempfile.mkdtemp(prefix="wire-server-"))
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def uri(self) -> str:
        return f"mongodb://{HOST}:{self.port}"

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def start(self, timeout: float = 30.0) -> None:
        if self.running:
            return
        command = [
            str(Path(sys.executable).with_name("secantusd-py")),
            *("--host", HOST, "--port", str(self.port)),
            *("--storage-path", str(self.storage), "--log-level", "WARNING"),
            *self.options,
        ]
        self._process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while not _accepting(self.port):
            if self._process.poll() is not None:
                raise RuntimeError(f"the wire server exited with {self._process.returncode}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the wire server did not listen on {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self._process is not None:
            terminate(self._process)
            self._process = None

    def crash(self) -> None:
        """Kill the server at once (SIGKILL), as a power cut or the OOM killer would."""
        if self._process is not None:
            self._process.kill()
            self._process.wait()
            self._process = None

    def close(self) -> None:
        self.stop()
        if self._own_storage:
            shutil.rmtree(self.storage, ignore_errors=True)
