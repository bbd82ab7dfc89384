"""The all-in-one app under uvicorn in a subprocess, on a free loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from api_core.devtools.running import Running
from api_core.devtools.wire_server import HOST, free_port, terminate

ROOT = Path(__file__).resolve().parents[2]


class AppServer(Running):
    def __init__(self, env: dict[str, str], log_path: Path | None = None, workers: int = 1) -> None:
        """`workers` > 1 serves from that many processes, as separate containers would."""
        self.workers = workers
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self._env = {**os.environ, **env}
        self._log_path = log_path
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30.0) -> None:
        # The deploy step first, as `make run` does: indexes are not made on first use.
        subprocess.run(
            [sys.executable, "-m", "api_core.migrate"],
            cwd=ROOT,
            env=self._env,
            check=True,
            capture_output=True,
            timeout=timeout,
        )
        output = self._log_path.open("wb") if self._log_path else subprocess.DEVNULL
        command = [sys.executable, "-m", "uvicorn", "api_core.app:app"]
        self._process = subprocess.Popen(
            [*command, "--host", HOST, "--port", str(self.port), "--no-access-log"]
            + (["--workers", str(self.workers)] if self.workers > 1 else []),
            cwd=ROOT,
            env=self._env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        if self._log_path:
            output.close()  # type: ignore[union-attr]
        try:
            self.wait_until_healthy(timeout)
        except RuntimeError:
            self.stop()
            raise

    @property
    def database_name(self) -> str:
        """The database the app serves (MONGODB_DB), for tests that seed it directly."""
        return self._env.get("MONGODB_DB", "")

    @property
    def pid(self) -> int:
        assert self._process is not None, "the app server is not running"
        return self._process.pid

    def wait_until_healthy(self, timeout: float = 30.0) -> None:
        """Wait for GET /api/health to answer 200 (the database reachable too)."""
        deadline = time.monotonic() + timeout
        while not self._healthy():
            exited = self._process is None or self._process.poll() is not None
            if exited or time.monotonic() > deadline:
                raise RuntimeError("the app server did not become healthy")
            time.sleep(0.1)

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/api/health", timeout=2) as reply:
                return bool(reply.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        if self._process is not None:
            terminate(self._process)
            self._process = None
