"""CloudFormation custom-resource requests, and a stand-in for the presigned URL they answer."""

from __future__ import annotations

import copy
import json
import threading
from dataclasses import dataclass
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import urlsplit

from api_core.devtools.events import EVENTS_DIR
from api_core.devtools.running import Running

RequestType = Literal["Create", "Update", "Delete"]
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Answer:
    """One PUT the server received."""

    path: str  # with the query string
    headers: dict[str, str]  # names lowercased
    body: bytes

    def json(self) -> dict[str, Any]:
        answer: dict[str, Any] = json.loads(self.body)
        return answer


class ResponseServer(Running):
    """Records every PUT, as S3 would store it behind CloudFormation's presigned URL."""

    def __init__(self, status: int = 200) -> None:
        self.answers: list[Answer] = []
        answers, reply = self.answers, status

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                headers = {name.lower(): value for name, value in self.headers.items()}
                answers.append(Answer(self.path, headers, self.rfile.read(length)))
                self.send_response(reply)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass  # quiet: the test reads the answers instead

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def origin(self) -> str:
        return f"http://{HOST}:{self._server.server_address[1]}"

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@cache
def _template(request_type: RequestType) -> dict[str, Any]:
    path = EVENTS_DIR / f"cloudformation_{request_type.lower()}.json"
    return dict(json.loads(path.read_text()))


def custom_resource_event(request_type: RequestType, server: ResponseServer) -> dict[str, Any]:
    """The request CloudFormation sends, answering to `server` at the presigned URL's path."""
    event = copy.deepcopy(_template(request_type))
    presigned = urlsplit(event["ResponseURL"])
    event["ResponseURL"] = f"{server.origin}{presigned.path}?{presigned.query}"
    return event


def response_path(event: dict[str, Any]) -> str:
    """The path and query an answer to `event` is PUT to."""
    url = urlsplit(event["ResponseURL"])
    return f"{url.path}?{url.query}"
