"""Where a warm invocation's time goes: a profile of one handler, for chasing a ratio.

    .venv/bin/python -m bench.profile_warm [students|courses|enrollments|health|bare|handwritten]
        [--invocations 5000] [--html out.html]

Same set-up as bench.warm (a seeded MongoDB-wire server, logging as configured),
then pyinstrument over `invocations` warm GET-by-id calls of one handler.
Not part of `make bench`: run it by hand when a warm target is missed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from api_core.devtools.events import build_event
from api_core.devtools.lambda_context import FakeLambdaContext
from api_core.devtools.wire_server import WireServer
from bench.common import use_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("target", nargs="?", default="students")
    parser.add_argument("--invocations", type=int, default=5000)
    parser.add_argument("--html", type=Path)
    args = parser.parse_args()
    from pyinstrument import Profiler

    with WireServer() as server:
        use_database(MONGODB_URI=server.uri, MONGODB_DB="bench_profile")
        from bench.baselines import make_bare_framework_handler, make_handwritten_handler
        from bench.warm import seed

        ids = seed()
        if args.target == "bare":
            handler, resource = make_bare_framework_handler(), "students"
        elif args.target == "handwritten":
            handler, resource = make_handwritten_handler(), "students"
        else:
            handler = __import__(f"functions.{args.target}", fromlist=["handler"]).handler
            resource = args.target
        path = "/api/health" if resource == "health" else f"/api/{resource}/{ids[resource]}"
        event, context = build_event("http_api_v2", "GET", path), FakeLambdaContext()
        for _ in range(200):
            handler(event, context)
        profiler = Profiler(interval=0.0002)
        with profiler:
            for _ in range(args.invocations):
                handler(event, context)
    if args.html:
        args.html.write_text(profiler.output_html())
    print(profiler.output_text(unicode=False, color=False, show_all=False))


if __name__ == "__main__":
    main()
