"""One fresh interpreter: import a handler, answer one event, optionally many more.

    python3.12 -S -P bench/_cold_child.py <module.handler> <invocations> [gc]   (event on stdin)

Run by bench/coldstart.py with PYTHONPATH set to a built function and the layer
(bench/lambda_build.py). It imports as little as it can itself (the same for every
target) and prints one line that starts with "BENCH " holding wall-clock stamps and
peak RSS (VmHWM); with `gc`, also the garbage collections from the start of the
handler's import to its first response, and the milliseconds they took.
"""

import json
import sys
import time

main_started = time.time()


class Context:
    function_name = "bench"
    memory_limit_in_mb = 128
    aws_request_id = "bench"

    def get_remaining_time_in_millis(self) -> int:
        return 10_000


def load(name: str):  # noqa: ANN201 - kept free of typing imports
    """The handler `module.attribute` names, loaded as Lambda's runtime loads it."""
    module_name, _, attribute = name.rpartition(".")
    return getattr(__import__(module_name, fromlist=[attribute]), attribute)


def _status_mb(field: str) -> float:
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec from the forking parent.
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def rss_mb() -> float:
    return _status_mb("VmRSS")


def peak_mb() -> float:
    return _status_mb("VmHWM")


def count_collections():  # noqa: ANN201
    """Counts every collection from now on, and the time it takes (gc.callbacks)."""
    import gc

    totals = {"collections": 0, "collection_ms": 0.0}
    started = [0.0]

    def note(phase, _info):  # noqa: ANN001, ANN202
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            totals["collections"] += 1
            totals["collection_ms"] += (time.perf_counter() - started[0]) * 1000

    gc.callbacks.append(note)
    return totals


def main() -> None:
    target, invocations = sys.argv[1], int(sys.argv[2])
    event = json.loads(sys.stdin.read())
    collections = count_collections() if sys.argv[3:] == ["gc"] else {}
    handler = load(target)
    imported = time.time()
    context = Context()
    response = handler(event, context)
    first = time.time()
    if response["statusCode"] != 200:
        raise SystemExit(f"first response was {response['statusCode']}: {response}")
    result = {
        "handler_file": sys.modules[target.rpartition(".")[0]].__file__,
        "main_started": main_started,
        "imported": imported,
        "first_response": first,
        "peak_mb_after_cold": peak_mb(),
        "rss_mb_after_cold": rss_mb(),
        **collections,  # up to the first response
    }
    if invocations > 1:
        for _ in range(invocations - 1):
            if handler(event, context)["statusCode"] != 200:
                raise SystemExit("a warm invocation failed")
        result.update(peak_mb_after_all=peak_mb(), rss_mb_after_all=rss_mb())
    sys.stdout.flush()
    sys.stdout.write("BENCH " + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
