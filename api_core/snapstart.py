"""Lambda SnapStart: what a process restored from a snapshot must not keep.

SnapStart runs the init phase once per published version, snapshots the process, and
starts every later execution environment from that one snapshot. So whatever init
left in memory is shared by all of them:

- the cached MongoDB client and its sockets, dead after a restore: dropped, and the
  next request reconnects (api_core/database.py);
- bson's ObjectId state: 5 process-unique random bytes and a counter, both made at
  import. ObjectId renews the random bytes when the pid changes (after a fork), but
  restored environments may share the snapshot's pid, and two of them would then
  mint the same ids in the same second: both are renewed;
- the `random` module's state (seeded at import): reseeded from os.urandom. (uuid4,
  `secrets` and os.urandom read the kernel at every call, which a restore renews.)

Settings read from the environment at init stay: they are the same for every
environment of a version, and a new version is a new snapshot.
"""

from __future__ import annotations

import os
import random
from random import SystemRandom

from bson.objectid import _MAX_COUNTER_VALUE, ObjectId

from api_core import database


def after_restore() -> None:
    """Forget what this process shares with every other restore of the same snapshot."""
    database.forget_client()
    _renew_object_id_state()
    random.seed()


def _renew_object_id_state() -> None:
    # bson keeps these in private class attributes; tests/unit/test_snapstart.py
    # checks that renewing them changes the ids a process mints.
    with ObjectId._inc_lock:
        ObjectId._pid = os.getpid()
        ObjectId._ObjectId__random = os.urandom(5)  # type: ignore[attr-defined]  # name-mangled
        ObjectId._inc = SystemRandom().randint(0, _MAX_COUNTER_VALUE)


def register() -> bool:
    """Have Lambda's runtime call `after_restore` after every restore; False where the
    runtime's snapshot_restore_py module is absent (not on Lambda)."""
    try:
        from snapshot_restore_py import register_after_restore  # type: ignore[import-not-found]
    except ImportError:
        return False
    register_after_restore(after_restore)
    return True
