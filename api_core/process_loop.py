"""The one event loop a Lambda process runs every invocation on.

The cached MongoDB client is bound to the loop it first ran on (api_core/database.py),
so every handler of a process, Mangum's and the import functions' alike, must run
on the same loop for warm invocations to reuse it.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def process_loop() -> asyncio.AbstractEventLoop:
    """This thread's event loop, made once and kept for the life of the process.

    Mangum asks `asyncio.get_event_loop()`, which since Python 3.12 warns when it
    has to create the loop and since 3.14 refuses: so the loop is set here first.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return asyncio.get_event_loop()
    except RuntimeError:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        return loop


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to the end on the process's loop (as Mangum runs a request)."""
    return process_loop().run_until_complete(coroutine)
