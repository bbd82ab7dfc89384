"""What a process restored from a SnapStart snapshot renews: every environment restored
from one snapshot starts with the same memory, so without the hook they would mint the
same ObjectIds and draw the same random numbers."""

from __future__ import annotations

import random
import sys
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from bson.objectid import ObjectId

from api_core import snapstart

OBJECT_ID_STATE = ("_pid", "_ObjectId__random", "_inc")


@pytest.fixture
def snapshot() -> Iterator[dict[str, Any]]:
    """This process's ObjectId and random state, as a snapshot would hold it; put back after."""
    saved = {name: getattr(ObjectId, name) for name in OBJECT_ID_STATE}
    saved["random"] = random.getstate()
    yield saved
    restore(saved)


def restore(state: dict[str, Any]) -> None:
    """Become one more environment restored from `state` (same pid, as on SnapStart)."""
    for name in OBJECT_ID_STATE:
        setattr(ObjectId, name, state[name])
    random.setstate(state["random"])


def first_id_after_restore(
    state: dict[str, Any], hook: Callable[[], None] | None, monkeypatch: pytest.MonkeyPatch
) -> ObjectId:
    restore(state)
    if hook:
        hook()
    monkeypatch.setattr("bson.objectid.time.time", lambda: 1_800_000_000.0)  # the same second
    return ObjectId()


def test_restores_without_the_hook_mint_the_same_object_id(
    snapshot: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # What the hook is for: this is what two restored environments would do.
    first = first_id_after_restore(snapshot, None, monkeypatch)
    second = first_id_after_restore(snapshot, None, monkeypatch)

    assert first == second


def test_after_restore_gives_each_restore_its_own_object_ids(
    snapshot: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = first_id_after_restore(snapshot, snapstart.after_restore, monkeypatch)
    second = first_id_after_restore(snapshot, snapstart.after_restore, monkeypatch)

    assert first != second
    assert first.binary[4:9] != second.binary[4:9]  # the process-unique random bytes
    assert first.binary[:4] == second.binary[:4]  # the same second: only the hook differs


def test_after_restore_reseeds_random(snapshot: dict[str, Any]) -> None:
    restore(snapshot)
    without = [random.random() for _ in range(3)]
    restore(snapshot)
    again = [random.random() for _ in range(3)]
    restore(snapshot)
    snapstart.after_restore()
    reseeded = [random.random() for _ in range(3)]

    assert without == again
    assert reseeded != without


def test_register_hands_after_restore_to_the_runtime(monkeypatch: pytest.MonkeyPatch) -> None:
    registered: list[Callable[..., Any]] = []
    runtime = types.ModuleType("snapshot_restore_py")
    runtime.register_after_restore = registered.append  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", runtime)

    assert snapstart.register() is True
    assert registered == [snapstart.after_restore]


def test_register_without_the_runtime_module_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", None)  # import raises ImportError

    assert snapstart.register() is False
