"""A fully initialised function that forks on demand: SnapStart's restore, simulated.

    python3.12 -S -P bench/_restore_child.py <module.handler>   (event as JSON, one line, on stdin)

Run by bench/restore.py with PYTHONPATH set to a built function, the layer and
awslambdaric. It does what Lambda's init phase does (import the handler, which builds
the app), then answers one event so that the client is connected, as it would be in
a process that served requests before its snapshot. Then, for every "fork" line on
stdin, it forks; the child does what the runtime does after a restore (awslambdaric
runs the registered after-restore hooks), answers the event and reports, on one
"BENCH " line, the milliseconds from the fork and from its own start to that answer.
"""

import json
import os
import sys
import time
import warnings

# A fork keeps only the calling thread (a snapshot keeps them all). Nothing on the
# request path needs another here: pymongo's resolver thread is not used for the
# IP address of a loopback server.
warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)


def main() -> None:
    module_name, _, attribute = sys.argv[1].rpartition(".")
    handler = getattr(__import__(module_name, fromlist=[attribute]), attribute)
    from awslambdaric import lambda_runtime_hooks_runner

    sys.path.append(os.path.dirname(__file__))  # last: it must shadow nothing
    from _cold_child import Context

    context = Context()

    event = json.loads(sys.stdin.readline())
    if handler(event, context)["statusCode"] != 200:
        raise SystemExit("the warm-up request failed")
    sys.stdout.write("READY\n")
    sys.stdout.flush()
    for command in sys.stdin:
        if command.strip() != "fork":
            raise SystemExit(f"unknown command {command!r}")
        forked = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            started = time.perf_counter()
            lambda_runtime_hooks_runner.run_after_restore()
            status = handler(event, context)["statusCode"]
            answered = time.perf_counter()
            result = {
                "status": status,
                "with_fork_ms": (answered - forked) * 1000,
                "after_fork_ms": (answered - started) * 1000,
            }
            sys.stdout.write("BENCH " + json.dumps(result) + "\n")
            sys.stdout.flush()
            os._exit(0)
        os.waitpid(pid, 0)


main()
