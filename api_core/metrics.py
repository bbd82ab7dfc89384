"""A request's metrics, as members of its log line in CloudWatch Embedded Metric Format.

Lambda sends every line a function writes to CloudWatch Logs, which turns a JSON
line with an `_aws` member into metrics: no API call, nothing to wait for. One
line per request carries its log fields and its metrics together, so the metrics
cost the request a few more members of a line it writes anyway
(https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).

Each metric is filed twice under the namespace (the stack's name on AWS, so two
stacks never mix): per function (dimension `function_name`) and for the whole API
(no dimension), which is what the alarms watch. `duration_ms`, and 0-or-1 counts
whose Sum is how many and whose Average is the rate: `cold_starts`, `status_4xx`,
`status_5xx` (503s included) and `status_503`.
"""

from __future__ import annotations

import json
import time
from typing import Any

DIMENSION = "function_name"  # Lambda's function name, as the template's !Ref gives it
DURATION = "duration_ms"
COUNTS = ("cold_starts", "status_4xx", "status_5xx", "status_503")


class RequestMetrics:
    """The EMF members of a request's line, for one namespace."""

    def __init__(self, namespace: str) -> None:
        directives = [
            {
                "Namespace": namespace,
                "Dimensions": [[DIMENSION], []],
                "Metrics": [
                    {"Name": DURATION, "Unit": "Milliseconds"},
                    *({"Name": name, "Unit": "Count"} for name in COUNTS),
                ],
            }
        ]
        self._directives = json.dumps(directives)  # the same for every line: encoded once

    def members(
        self, function_name: object, status: int | None, duration_ms: float, cold_start: bool
    ) -> tuple[dict[str, Any], str]:
        """The metrics' members of the line, and its `_aws` member (which names them)
        as JSON text. Neither (empty) without a function name (not on Lambda: the metrics
        are filed under it), nor for a keep-warm ping (no status), which is not a request."""
        if not isinstance(function_name, str) or status is None:
            return {}, ""
        metadata = (
            f'"_aws": {{"Timestamp": {int(time.time() * 1000)}, '
            f'"CloudWatchMetrics": {self._directives}}}'
        )
        values = {
            DIMENSION: function_name,
            DURATION: duration_ms,
            "cold_starts": int(cold_start),
            "status_4xx": int(400 <= status < 500),
            "status_5xx": int(status >= 500),
            "status_503": int(status == 503),
        }
        return values, metadata
