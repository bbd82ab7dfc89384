"""Cold starts and memory of the built functions, against the references built the same way.

    .venv/bin/python -m bench.coldstart [--runs 30] [--invocations 10000]

Everything runs from one `sam build` (bench/lambda_build.py): each function's package
and the layer, python3.12, runtime dependencies only; (a) and (b) are packaged beside
them and run the same way.

Cold start: from launching AWS's runtime interface emulator, which starts
`python3.12 -m awslambdaric <handler>` as AWS's python3.12 image does, to the first
response of one GET (the invocation is sent as soon as the emulator listens). Without
the emulator, from spawning `python3.12 bench/_cold_child.py` to its first response
(the report says which). `runs` rounds, each one cold start of every target in an
order shuffled every round; per round, each target's time over (b)'s; the median of
those ratios with a distribution-free 95% confidence interval.
Import breakdown: `python -X importtime` of each built handler, self time summed per
package, and the heaviest modules of the students function.
Memory: peak RSS after the cold start and after `invocations` warm invocations.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from api_core.devtools.claims import CLIENT_ID, STUDENT
from api_core.devtools.events import build_event
from api_core.devtools.wire_server import WireServer, free_port
from bench.common import ROOT, interleaved, markdown_table, median, use_database
from bench.lambda_build import Built, build, find_rie, runtime_client
from bench.warm import median_interval

CHILD = ROOT / "bench" / "_cold_child.py"
# label -> (package, handler as Lambda names it, resource whose record it GETs)
TARGETS: dict[str, tuple[str, str, str | None]] = {
    "(a) hand-written": ("references", "bench._reference_functions.handwritten", "students"),
    "(b) bare FastAPI+Mangum": ("references", "bench._reference_functions.bare", "students"),
    "students": ("students", "functions.students.handler", "students"),
    "courses": ("courses", "functions.courses.handler", "courses"),
    "enrollments": ("enrollments", "functions.enrollments.handler", "enrollments"),
    "health": ("health", "functions.health.handler", None),
}
REFERENCE = "(b) bare FastAPI+Mangum"
HANDWRITTEN = "(a) hand-written"
IMPORTTIME_RUNS = 5
INVOKE_PATH = "/2015-03-31/functions/function/invocations"
GROUPS = {
    "pydantic_core": "pydantic",
    "annotated_types": "pydantic",
    "typing_inspection": "pydantic",
    "typing_extensions": "pydantic",
    "bson": "pymongo",
    "gridfs": "pymongo",
    "functions": "our code",
    "api_core": "our code",
    "bench": "our code",
    "dns": "dnspython",
}


class Runner:
    """Starts one target cold, the way this machine can: under the RIE or bare."""

    def __init__(self, built: Built, client: Path, rie: Path | None, env: dict[str, str]):
        self.built, self.client, self.rie, self.variables = built, client, rie, env

    def env(self, label: str) -> dict[str, str]:
        package = TARGETS[label][0]
        return self.built.env(package, self.client, **self.variables)

    def task_root(self, label: str) -> Path:
        """The function's package, Lambda's working directory (/var/task)."""
        return self.built.package(TARGETS[label][0])

    def child(
        self,
        label: str,
        event: dict[str, Any],
        invocations: int = 1,
        *flags: str,
        count_collections: bool = False,
    ) -> tuple[dict[str, float], float, str]:
        """bench/_cold_child.py in a fresh runtime interpreter: its stamps, its spawn, stderr."""
        spawned = time.time()
        command = [self.built.python, "-S", "-P", *flags, CHILD, TARGETS[label][1]]
        command += [str(invocations), *(["gc"] if count_collections else [])]
        result = subprocess.run(
            command,
            input=json.dumps(event),
            capture_output=True,
            text=True,
            env=self.env(label),
            cwd=self.task_root(label),
            timeout=600,
        )
        lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH ")]
        if result.returncode != 0 or not lines:
            raise RuntimeError(f"{label} failed: {result.stdout[-2000:]} {result.stderr[-2000:]}")
        stamps = json.loads(lines[-1][6:])
        if not Path(stamps.pop("handler_file")).is_relative_to(self.task_root(label)):
            raise RuntimeError(f"{label} was not loaded from the built package")
        return stamps, spawned, result.stderr

    def cold_start_ms(self, label: str, event: dict[str, Any]) -> float:
        if self.rie is None:
            stamps, spawned, _ = self.child(label, event)
            return (stamps["first_response"] - spawned) * 1000
        return self._under_rie(label, event)

    def _under_rie(self, label: str, event: dict[str, Any]) -> float:
        for _ in range(3):
            elapsed = self._under_rie_once(label, event, free_port())
            if elapsed is not None:
                return elapsed
        raise RuntimeError(f"{label}: the emulator never kept a free port")

    def _under_rie_once(self, label: str, event: dict[str, Any], port: int) -> float | None:
        """Milliseconds to the first answer; None if another process took the port first."""
        command = [str(self.rie), "--runtime-interface-emulator-address", f"127.0.0.1:{port}"]
        command += [self.built.python, "-S", "-m", "awslambdaric", TARGETS[label][1]]
        body = json.dumps(event)
        started = time.perf_counter()
        process = subprocess.Popen(
            command,
            env=self.env(label),
            cwd=self.task_root(label),  # `python -m` puts the working directory first
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            try:
                payload = _invoke_when_listening(port, body, process)
            except PortTaken:
                return None
            elapsed = time.perf_counter() - started
        finally:
            os.killpg(process.pid, signal.SIGKILL)  # the emulator and the runtime it started
            process.wait()
            _wait_until_gone(process.pid)
        status = payload.get("statusCode") if isinstance(payload, dict) else None
        if status != 200:
            raise RuntimeError(f"{label} answered {str(payload)[:500]}")
        return elapsed * 1000


def _wait_until_gone(group: int) -> None:
    """Wait until every process of the group has exited and been reaped.

    The runtime is the emulator's child, so it is reaped by init, not by us: it may
    still be exiting when the next cold start launches, and then slows that one.
    Without this wait, whatever ran right after (b) took 60-100 ms longer here.
    """
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.001)
    raise RuntimeError(f"process group {group} still exists 10 s after SIGKILL")


class PortTaken(Exception):
    """Raised when the emulator does not listen on its port: another process took it."""


def _invoke_when_listening(port: int, body: str, process: subprocess.Popen[bytes]) -> Any:
    """POST the event once this emulator listens on `port`; the parsed answer.

    Another process may listen on the same port on another address (0.0.0.0), and
    would answer until ours listens: so the wait is for our own listening socket.
    """
    deadline = time.monotonic() + 10  # it listens within milliseconds when it can
    while not _listens(process.pid, port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise PortTaken
        time.sleep(0.001)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("POST", INVOKE_PATH, body)
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


def _listens(pid: int, port: int) -> bool:
    """Whether process `pid` has a TCP socket listening on `port` (Linux /proc)."""
    try:
        links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
    except OSError:  # exited, or an fd closed meanwhile: look again
        return False
    sockets = {link[len("socket:[") : -1] for link in links if link.startswith("socket:[")}
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            listening = fields[3] == "0A"
            if listening and int(fields[1].split(":")[1], 16) == port and fields[9] in sockets:
                return True
    return False


def import_breakdown(stderr: str) -> dict[str, float]:
    """Milliseconds of import self time per top-level package, from -X importtime."""
    return _grouped(stderr, lambda name: _package(name.split(".")[0]))


def heaviest_modules(stderr: str) -> dict[str, float]:
    """Milliseconds of import self time per module, two name levels deep."""
    return _grouped(stderr, lambda name: ".".join(name.split(".")[:2]))


def _package(top: str) -> str:
    import sys

    if top in sys.stdlib_module_names or top.startswith("_") or top == "encodings":
        return "stdlib"
    return GROUPS.get(top, top)


def _grouped(stderr: str, key: Any) -> dict[str, float]:
    groups: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = (part.strip() for part in line[len("import time:") :].split("|"))
        groups[key(name)] += int(self_us) / 1000
    return dict(sorted(groups.items(), key=lambda item: -item[1]))


def _environment(server: WireServer) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    # The parent only seeds; its log lines would drown the report.
    use_database(MONGODB_URI=server.uri, MONGODB_DB="bench_cold", LOG_LEVEL="ERROR")
    from bench.warm import seed

    ids = seed()
    # The functions run as template.yaml deploys them: behind the gateway's authorizer.
    variables = {
        "MONGODB_URI": server.uri,
        "MONGODB_DB": "bench_cold",
        "MONGODB_MAX_POOL_SIZE": "1",
        "AUTH_MODE": "gateway",
        "AUTH_AUDIENCE": CLIENT_ID,
    }
    events = {}
    for label, (_, _, resource) in TARGETS.items():
        path = f"/api/{resource}/{ids[resource]}" if resource else "/api/health"
        events[label] = build_event("http_api_v2", "GET", path, claims=STUDENT)
    return variables, events


def _median_row(samples: list[float], reference: list[float]) -> dict[str, float]:
    ratios = [sample / base for sample, base in zip(samples, reference, strict=True)]
    low, high = median_interval(ratios)
    return {
        "total_ms": median(samples),
        "min_total_ms": min(samples),
        # Load only ever adds time, to both sides of a ratio, which it pulls towards
        # 1: the fastest runs show the costs with the least of it.
        "min_ratio_to_b": min(samples) / min(reference),
        "ratio_to_b": median(ratios),
        "ratio_low": low,
        "ratio_high": high,
    }


def run(
    runs: int = 30, invocations: int = 10_000, labels: list[str] | None = None
) -> dict[str, Any]:
    order = [label for label in TARGETS if label in (labels or TARGETS)]
    if REFERENCE not in order:
        raise ValueError(f"the reference {REFERENCE} must be among the targets")
    with tempfile.TemporaryDirectory(prefix="bench-cold-") as scratch, WireServer() as server:
        built = build(Path(scratch))
        client, rie = runtime_client(built.python), find_rie()
        variables, events = _environment(server)
        runner = Runner(built, client, rie, variables)
        for label in order:  # unmeasured: the page cache, as a warm machine has it
            runner.cold_start_ms(label, events[label])
        totals: dict[str, list[float]] = {label: [] for label in order}
        # Shuffled: a rotation kept the students function behind (b), whose runtime was
        # still exiting then (see _wait_until_gone).
        for label in interleaved(order, runs):
            totals[label].append(runner.cold_start_ms(label, events[label]))
        by_group: dict[str, dict[str, list[float]]] = {label: defaultdict(list) for label in order}
        by_module: dict[str, dict[str, list[float]]] = {label: defaultdict(list) for label in order}
        collections: dict[str, dict[str, list[float]]] = {
            label: defaultdict(list) for label in order
        }
        for _ in range(IMPORTTIME_RUNS):  # interleaved too
            for label in order:
                stamps, _, stderr = runner.child(
                    label, events[label], 1, "-X", "importtime", count_collections=True
                )
                for name in ("collections", "collection_ms"):
                    collections[label][name].append(stamps[name])
                for group, ms in import_breakdown(stderr).items():
                    by_group[label][group].append(ms)
                for module, ms in heaviest_modules(stderr).items():
                    by_module[label][module].append(ms)
        imports = {label: _fastest(by_group[label]) for label in order}
        modules = {label: _fastest(by_module[label]) for label in order}
        memory = {}
        for label in order:
            stamps, _, _ = runner.child(label, events[label], invocations)
            memory[label] = {k: v for k, v in stamps.items() if "_mb" in k}

    cold = {label: _median_row(totals[label], totals[REFERENCE]) for label in order}
    if HANDWRITTEN in cold:
        for label in order:
            ratios = [a / b for a, b in zip(totals[label], totals[HANDWRITTEN], strict=True)]
            cold[label]["ratio_to_a"] = median(ratios)
    return {
        "runs": runs,
        "invocations": invocations,
        "method": "rie" if rie else "bare",
        "rie": str(rie) if rie else None,
        "runtime_client": client.name,
        "python": built.python,
        "cold": cold,
        "samples_ms": totals,
        "imports": imports,
        "heaviest_modules": modules,
        "collections": {label: _fastest(collections[label]) for label in order},
        "memory": memory,
    }


def _fastest(runs_by_key: dict[str, list[float]]) -> dict[str, float]:
    """Per key the fastest run: load only ever adds time, and on a shared machine the
    median of a handful of runs still moves by a factor of two."""
    fastest = {key: min(values) for key, values in runs_by_key.items()}
    return dict(sorted(fastest.items(), key=lambda item: -item[1]))


def how_measured(result: dict[str, Any]) -> str:
    if result["method"] == "rie":
        return (
            f"launching AWS's runtime interface emulator ({result['rie']}), which starts "
            f"`python3.12 -m awslambdaric` ({result['runtime_client']}) on the built "
            "function, to its first response"
        )
    return (
        "spawning `python3.12 bench/_cold_child.py` on the built function to its first "
        "response. **AWS's runtime interface emulator was not found** (AWS_LAMBDA_RIE, "
        "../shared/tools/aws-lambda-rie or aws-lambda-rie on PATH): these figures leave "
        "out the runtime interface client's own start"
    )


def markdown(result: dict[str, Any]) -> str:
    cold, imports = result["cold"], result["imports"]
    with_a = all("ratio_to_a" in row for row in cold.values())
    rows = [
        [
            label,
            f"**{row['total_ms']:.0f}**",
            f"{row['min_total_ms']:.0f}",
            f"**{row['ratio_to_b']:.2f}**",
            f"{row['ratio_low']:.2f}–{row['ratio_high']:.2f}",
            f"{row['min_ratio_to_b']:.2f}",
            *([f"{row['ratio_to_a']:.2f}"] if with_a else []),
        ]
        for label, row in cold.items()
    ]
    header = ["target", "median ms", "fastest ms", "median of per-round / (b)", "95% CI"]
    text = [
        f"From one `sam build` (python3.12, the function package plus the layer, runtime "
        f"dependencies only), {result['runs']} interleaved rounds, each a cold start of "
        f"every target: from {how_measured(result)}. Per round each target over (b), "
        "then the median of those ratios with its 95% confidence interval. The load "
        "of a shared machine adds time to both sides of a ratio and so pulls it towards "
        "1; the fastest runs, with the least of it, are shown beside.",
        "",
        markdown_table(
            [*header, "fastest / fastest (b)", *(["median / (a)"] if with_a else [])], rows
        ),
        "",
        f"Import self time per package, ms (`python -X importtime` inside the built "
        f"artifact, the fastest of {IMPORTTIME_RUNS} interleaved runs; the instrumentation "
        "inflates every figure a little):",
        "",
    ]
    packages = sorted(
        {p for groups in imports.values() for p in groups},
        key=lambda p: -max(groups.get(p, 0) for groups in imports.values()),
    )[:10]
    text.append(
        markdown_table(
            ["target", *packages, "all"],
            [
                [
                    label,
                    *(f"{groups.get(p, 0):.0f}" for p in packages),
                    f"{sum(groups.values()):.0f}",
                ]
                for label, groups in imports.items()
            ],
        )
    )
    students = result["heaviest_modules"].get("students")
    bare = result["heaviest_modules"].get(REFERENCE, {})
    if students:
        ours = {module: ms for module, ms in students.items() if module not in bare}
        text += [
            "",
            f"What is left to cut: the imports of the students function that (b) does not "
            f"have, {sum(ours.values()):.0f} ms of self time in all (same runs; "
            "`functions.students` includes building the app); the heaviest:",
            "",
            markdown_table(
                ["module", "ms"], [[module, f"{ms:.1f}"] for module, ms in list(ours.items())[:12]]
            ),
        ]
    return "\n".join(text) + "\n\n" + collections_markdown(result) + memory_markdown(result)


def collections_markdown(result: dict[str, Any]) -> str:
    """The garbage collector's part of a cold start: api_core/init_phase.py holds it off
    while a function loads, which (a) and (b) do not."""
    return "\n".join(
        [
            "Garbage collection from the start of the handler's import to the first "
            "response (same runs, the fewest and the fastest): each function loads with the "
            "collector off (api_core/init_phase.py); (a) and (b) do not.",
            "",
            markdown_table(
                ["target", "collections", "ms"],
                [
                    [label, f"{c['collections']:.0f}", f"{c['collection_ms']:.1f}"]
                    for label, c in result["collections"].items()
                ],
            ),
            "",
            "",
        ]
    )


def memory_markdown(result: dict[str, Any]) -> str:
    memory, invocations = result["memory"], result["invocations"]
    return "\n".join(
        [
            f"Memory: peak RSS (VmHWM) of a fresh built function after its cold start and "
            f"after {invocations:,} warm invocations.",
            "",
            markdown_table(
                [
                    "target",
                    "peak MB after cold start",
                    f"peak MB after {invocations:,}",
                    "growth MB",
                ],
                [
                    [
                        label,
                        f"{m['peak_mb_after_cold']:.1f}",
                        f"{m['peak_mb_after_all']:.1f}",
                        f"{m['peak_mb_after_all'] - m['peak_mb_after_cold']:.1f}",
                    ]
                    for label, m in memory.items()
                ],
            ),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--invocations", type=int, default=10_000)
    parser.add_argument("--targets", nargs="+", choices=list(TARGETS), default=list(TARGETS))
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args.runs, args.invocations, args.targets)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print(markdown(result))


if __name__ == "__main__":
    main()
