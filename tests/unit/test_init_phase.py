"""Every function loads without the garbage collector, then freezes what it loaded
(api_core/init_phase.py)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from api_core.init_phase import init_phase

ROOT = Path(__file__).resolve().parents[2]
FUNCTIONS = sorted(
    path.stem for path in (ROOT / "functions").glob("*.py") if path.stem != "__init__"
)

# Counts the collections that start during the function's init: after its module has
# imported init_phase, before it has a handler. (Compiling the module comes before.)
LOAD = """
import gc, json, sys
name = "functions." + sys.argv[1]
during_init = []

def count(phase, info):
    module = sys.modules.get(name)
    if phase == "start" and hasattr(module, "init_phase") and not hasattr(module, "handler"):
        during_init.append(info)

gc.callbacks.append(count)
__import__(name)
print(json.dumps({"collections": len(during_init), "enabled": gc.isenabled(),
                  "frozen": gc.get_freeze_count()}))
"""


@pytest.fixture
def collector_restored() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()  # this test process should go on collecting what it made
    if enabled:
        gc.enable()


@pytest.mark.parametrize("name", FUNCTIONS)
def test_a_function_loads_without_a_collection_and_freezes_what_it_made(name: str) -> None:
    loaded = subprocess.run(
        [sys.executable, "-c", LOAD, name],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    state = json.loads(loaded.stdout.splitlines()[-1])
    # Without init_phase, a resource function's load runs about 130 collections.
    assert state["collections"] == 0
    assert state["enabled"]
    assert state["frozen"] > 50_000  # FastAPI, pydantic, pymongo and the app: about 90,000


@pytest.mark.usefixtures("collector_restored")
def test_the_collector_is_off_inside_and_on_after() -> None:
    gc.enable()
    with init_phase():
        assert not gc.isenabled()
        made = [[] for _ in range(10)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(made)


@pytest.mark.usefixtures("collector_restored")
def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    with init_phase():
        pass
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector_restored")
def test_an_init_that_fails_still_gives_the_collector_back() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), init_phase():
        raise RuntimeError("a broken setting")
    assert gc.isenabled()
