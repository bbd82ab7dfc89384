"""Cold starts and memory: each function in fresh interpreters, against the references.

    .venv/bin/python -m bench.coldstart [--runs 9] [--invocations 10000]

Cold start: from spawning a fresh interpreter to its first 200 response, median of
`runs` interleaved runs per target (one unmeasured run first writes the .pyc files,
as the layer ships them). The import breakdown comes from three extra runs of each
target under `python -X importtime`, self time summed per top-level package.
Memory: peak RSS after the cold start and after `invocations` warm invocations,
one fresh interpreter per target.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from api_core.devtools.events import build_event
from api_core.devtools.wire_server import WireServer
from bench.common import ROOT, markdown_table, median, use_database

CHILD = ROOT / "bench" / "_cold_child.py"
# label -> (target understood by _cold_child.py, resource whose record it GETs)
TARGETS: dict[str, tuple[str, str | None]] = {
    "(a) hand-written": ("handwritten", "students"),
    "(b) bare FastAPI+Mangum": ("bare", "students"),
    "students": ("students", "students"),
    "courses": ("courses", "courses"),
    "enrollments": ("enrollments", "enrollments"),
    "health": ("health", None),
}
REFERENCE = "(b) bare FastAPI+Mangum"
IMPORTTIME_RUNS = 3
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


def _child(
    target: str, event: dict[str, Any], env: dict[str, str], invocations: int = 1, *flags: str
) -> tuple[dict[str, float], float, str]:
    spawned = time.time()
    result = subprocess.run(
        [sys.executable, *flags, str(CHILD), target, str(invocations)],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("BENCH ")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"{target} failed: {result.stdout[-2000:]} {result.stderr[-2000:]}")
    return json.loads(lines[-1][6:]), spawned, result.stderr


def import_breakdown(stderr: str) -> dict[str, float]:
    """Milliseconds of import self time per top-level package, from -X importtime."""
    groups: dict[str, float] = defaultdict(float)
    for line in stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _, name = (part.strip() for part in line[len("import time:") :].split("|"))
        top = name.split(".")[0]
        if top in sys.stdlib_module_names or top.startswith("_") or top == "encodings":
            group = "stdlib"
        else:
            group = GROUPS.get(top, top)
        groups[group] += int(self_us) / 1000
    return dict(sorted(groups.items(), key=lambda item: -item[1]))


def _environment(server: WireServer) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    # The parent only seeds; its log lines would drown the report.
    use_database(MONGODB_URI=server.uri, MONGODB_DB="bench_cold", LOG_LEVEL="ERROR")
    from bench.warm import seed

    ids = seed()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONPATH=str(ROOT), MONGODB_URI=server.uri, MONGODB_DB="bench_cold")
    env.pop("LOG_LEVEL")  # the functions log as they would on Lambda
    events = {}
    for label, (_, resource) in TARGETS.items():
        path = f"/api/{resource}/{ids[resource]}" if resource else "/api/health"
        events[label] = build_event("http_api_v2", "GET", path)
    return env, events


def run(
    runs: int = 9, invocations: int = 10_000, labels: list[str] | None = None
) -> dict[str, Any]:
    targets = {label: TARGETS[label] for label in labels or TARGETS}
    if REFERENCE not in targets:
        raise ValueError(f"the reference {REFERENCE} must be among the targets")
    with WireServer() as server:
        env, events = _environment(server)
        for label, (target, _) in targets.items():  # write .pyc files, unmeasured
            _child(target, events[label], env)
        phases: dict[str, list[dict[str, float]]] = {label: [] for label in targets}
        for _ in range(runs):  # interleaved, so machine noise hits every target alike
            for label, (target, _) in targets.items():
                stamps, spawned, _ = _child(target, events[label], env)
                phases[label].append(
                    {
                        "startup_ms": (stamps["main_started"] - spawned) * 1000,
                        "import_ms": (stamps["imported"] - stamps["main_started"]) * 1000,
                        "first_call_ms": (stamps["first_response"] - stamps["imported"]) * 1000,
                        "total_ms": (stamps["first_response"] - spawned) * 1000,
                    }
                )
        imports = {}
        for label, (target, _) in targets.items():
            runs_by_group: dict[str, list[float]] = defaultdict(list)
            for _ in range(IMPORTTIME_RUNS):
                _, _, stderr = _child(target, events[label], env, 1, "-X", "importtime")
                for group, ms in import_breakdown(stderr).items():
                    runs_by_group[group].append(ms)
            imports[label] = {
                group: median(values + [0.0] * (IMPORTTIME_RUNS - len(values)))
                for group, values in runs_by_group.items()
            }
        memory = {}
        for label, (target, _) in targets.items():
            stamps, _, _ = _child(target, events[label], env, invocations)
            memory[label] = {k: v for k, v in stamps.items() if k.endswith("_mb") or "_mb_" in k}

    cold: dict[str, dict[str, float]] = {}
    for label, samples in phases.items():
        cold[label] = {key: median(s[key] for s in samples) for key in samples[0]}
        # Noise only ever adds time: the fastest run shows the cost without most of it.
        cold[label]["min_total_ms"] = min(s["total_ms"] for s in samples)
    floor, floor_min = cold[REFERENCE]["total_ms"], cold[REFERENCE]["min_total_ms"]
    for row in cold.values():
        row["ratio_to_b"] = row["total_ms"] / floor
        row["min_ratio_to_b"] = row["min_total_ms"] / floor_min
    return {
        "runs": runs,
        "invocations": invocations,
        "cold": cold,
        "imports": imports,
        "memory": memory,
    }


def markdown(result: dict[str, Any]) -> str:
    cold, imports, memory = result["cold"], result["imports"], result["memory"]
    rows = [
        [
            label,
            f"{row['startup_ms']:.0f}",
            f"{row['import_ms']:.0f}",
            f"{row['first_call_ms']:.0f}",
            f"**{row['total_ms']:.0f}**",
            f"**{row['ratio_to_b']:.2f}**",
            f"{row['min_total_ms']:.0f}",
            f"{row['min_ratio_to_b']:.2f}",
        ]
        for label, row in cold.items()
    ]
    header = ["target", "interpreter ms", "import + build ms", "first call ms", "total ms"]
    text = [
        f"Median of {result['runs']} interleaved runs per target, each a fresh "
        "interpreter (spawn to first 200 response); phases and totals are medians, the "
        "fastest run is shown too because the machine's noise only ever adds time.",
        "",
        markdown_table([*header, "total / (b)", "fastest run ms", "fastest / (b)"], rows),
        "",
        f"Import self time per package, ms (`python -X importtime`, median of "
        f"{IMPORTTIME_RUNS} runs; the "
        "instrumentation inflates every figure a little):",
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
    text += [
        "",
        f"Memory: peak RSS (VmHWM) of a fresh interpreter after its cold start and "
        f"after {result['invocations']:,} warm invocations.",
        "",
        markdown_table(
            [
                "target",
                "peak MB after cold start",
                f"peak MB after {result['invocations']:,}",
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
    return "\n".join(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
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
