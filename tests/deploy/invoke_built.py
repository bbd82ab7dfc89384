"""Invoke one built function the way Lambda's Python runtime would.

Run as `python3.12 -S -P invoke_built.py HANDLER RESULTS_FILE [TIMEOUT_SECONDS]` with
PYTHONPATH set to the function's built package, then the layer's python/ folder
(Lambda's /var/task and /opt/python), and nothing else: no site-packages, no
repository checkout. Reads a JSON list of events on stdin, calls the handler once per
event in this one process (the first call is the cold start), each with the
function's timeout (20 s unless given) counting down in its context, and writes the
responses (or, as the runtime reports a handler that raised, its errorType and
errorMessage) and the files the handler's modules were loaded from to RESULTS_FILE.
The handler's own log lines go to stdout, as on Lambda.
"""

from __future__ import annotations

import importlib
import json
import sys
import sysconfig
import time
import uuid
from typing import Any


class Context:
    function_name = "deploy-test"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:deploy-test"
    memory_limit_in_mb = 512
    log_group_name = "/aws/lambda/deploy-test"
    log_stream_name = "2026/01/01/[$LATEST]0123456789abcdef"

    def __init__(self, timeout_seconds: float) -> None:
        self.aws_request_id = str(uuid.uuid4())
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return int((self._deadline - time.monotonic()) * 1000)


def main() -> None:
    handler_name, results_file = sys.argv[1:3]
    timeout_seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 20
    module_name, _, attribute = handler_name.rpartition(".")
    handler = getattr(importlib.import_module(module_name), attribute)
    results: list[dict[str, Any]] = []
    for event in json.load(sys.stdin):
        context = Context(timeout_seconds)
        result: dict[str, Any] = {"request_id": context.aws_request_id}
        try:
            result["response"] = handler(event, context)
        except Exception as error:  # what the runtime reports for a failed invocation
            result["error"] = {"errorType": type(error).__name__, "errorMessage": str(error)}
        results.append(result)
    modules = {
        name: getattr(module, "__file__", None)
        for name, module in sys.modules.items()
        if "." not in name and getattr(module, "__file__", None)
    }
    report = {
        "results": results,
        "modules": modules,
        "version": sys.version,
        "stdlib": sysconfig.get_path("stdlib"),
    }
    with open(results_file, "w") as out:
        json.dump(report, out)


if __name__ == "__main__":
    main()
