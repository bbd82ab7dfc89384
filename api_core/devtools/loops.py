"""Running a coroutine from a test without disturbing the loop Lambda handlers run on."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_in_own_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Like asyncio.run(), which would also unset the thread's event loop.

    The functions' handlers run on that loop for the life of the process (as
    Mangum does on Lambda); unsetting it would orphan the loop and its client.
    """
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        loop.close()
