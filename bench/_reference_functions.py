"""The references (a) and (b) as Lambda handlers: `bench._reference_functions.handwritten`
and `bench._reference_functions.bare`, for runtimes that load a handler by its name.

Each is built when first asked for, so importing this module costs (a) nothing of
(b)'s and neither anything of the other's.
"""

from __future__ import annotations

from typing import Any

from bench import baselines

_FACTORIES = {
    "handwritten": baselines.make_handwritten_handler,
    "bare": baselines.make_bare_framework_handler,
}


def __getattr__(name: str) -> Any:
    if name not in _FACTORIES:
        raise AttributeError(name)
    handler = globals()[name] = _FACTORIES[name]()
    return handler
