"""A stand-in for the context object Lambda passes to a handler."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass
class FakeLambdaContext:
    function_name: str = "students"
    function_version: str = "$LATEST"
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:students"
    memory_limit_in_mb: int = 256
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = "/aws/lambda/students"
    log_stream_name: str = "2026/11/26/[$LATEST]0123456789abcdef"
    remaining_time_ms: int = 10_000

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_time_ms
