"""A Lambda function's init phase, run without the garbage collector.

Importing FastAPI, pydantic and pymongo and building the app makes some ninety
thousand objects that the collector tracks, and they live as long as the process.
While they are being made the collector runs again and again (about 125 times),
scanning them, and finds almost nothing to free: about a tenth of a cold start
(`python -m bench.coldstart`). So it waits until init is over. Then gc.freeze()
moves everything init made out of its sight for good: a warm invocation's
collections no longer scan it, and the memory pages it lives on stay untouched
(shared after a fork, as under SnapStart's snapshot).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def init_phase() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
