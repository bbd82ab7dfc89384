"""A TCP proxy between the API and the wire server that plays the faults of a database.

The API connects to the proxy; the proxy forwards to the real server, or fails the
way a sick database or network does:

- "pass":      forwards both ways.
- "delay":     forwards both ways, each chunk `delay` seconds late (a slow server).
- "hang":      accepts connections, but nothing flows either way (a stopped server).
- "blackhole": new connections never complete their handshake and nothing flows on
               open ones (a network that drops packets, a firewall that drops SYNs).
- "refuse":    new connections are refused and open ones reset (a server that is down).

The mode can change at any time, connections already open included, so a test can
warm the API up through "pass" and then pull the database away under it. When a
hang or a blackhole ends, what was held back flows on, as TCP would deliver it.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Coroutine
from typing import Any, Literal

from api_core.devtools.running import Running
from api_core.devtools.wire_server import HOST, free_port

Mode = Literal["pass", "delay", "hang", "blackhole", "refuse"]
MODES: tuple[Mode, ...] = ("pass", "delay", "hang", "blackhole", "refuse")
_SILENT: frozenset[Mode] = frozenset({"hang", "blackhole"})


class FaultProxy(Running):
    def __init__(self, upstream_port: int, delay: float = 0.0) -> None:
        self.upstream_port = upstream_port
        self.port = free_port()
        self.delay = delay
        self.mode: Mode = "pass"
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._blackhole: list[socket.socket] = []
        self._open: set[asyncio.StreamWriter] = set()
        self._flowing = asyncio.Event()

    @property
    def uri(self) -> str:
        # directConnection: the wire server presents itself as a replica set member
        # at its own address, and the driver would otherwise go there around the proxy.
        return f"mongodb://{HOST}:{self.port}/?directConnection=true"

    def set_mode(self, mode: Mode, delay: float | None = None) -> None:
        if delay is not None:
            self.delay = delay
        self._run(self._set_mode(mode))

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _set_mode(self, mode: Mode) -> None:
        self.mode = mode
        if mode in _SILENT:
            self._flowing.clear()
        else:
            self._flowing.set()
        await self._stop_listening()
        if mode == "refuse":
            for writer in list(self._open):
                _reset(writer)
        elif mode == "blackhole":
            self._blackhole = _full_backlog(self.port)
        else:
            self._server = await asyncio.start_server(
                self._serve, HOST, self.port, reuse_address=True
            )

    async def _stop_listening(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for sock in self._blackhole:
            sock.close()
        self._blackhole = []

    async def _serve(
        self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter
    ) -> None:
        self._open.add(client)
        upstream: asyncio.StreamWriter | None = None
        try:
            upstream_reader, upstream = await asyncio.open_connection(HOST, self.upstream_port)
            self._open.add(upstream)
            await asyncio.gather(
                self._pump(client_reader, upstream), self._pump(upstream_reader, client)
            )
        except (ConnectionError, OSError):
            pass
        finally:
            for writer in (client, upstream):
                if writer is not None:
                    self._open.discard(writer)
                    writer.close()

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while data := await reader.read(65536):
            await self._flowing.wait()
            if self.mode == "delay":
                await asyncio.sleep(self.delay)
            writer.write(data)
            await writer.drain()
        writer.close()

    def start(self) -> None:
        self._thread.start()
        self.set_mode("pass")

    def stop(self) -> None:
        async def close_all() -> None:
            await self._stop_listening()
            for writer in list(self._open):
                writer.close()
            others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        self._run(close_all())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset, as a server process that died would."""
    sock = writer.get_extra_info("socket")
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    writer.close()


def _full_backlog(port: int) -> list[socket.socket]:
    """A listener that never accepts, its queue filled: further SYNs are dropped.

    Linux drops a SYN when the listen queue is full (tcp_abort_on_overflow is 0 by
    default), so a client's connect hangs until its own timeout, as behind a
    firewall that drops packets.
    """
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((HOST, port))
    listener.listen(0)
    fillers = []
    for _ in range(2):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex((HOST, port))
        fillers.append(filler)
    return [listener, *fillers]
