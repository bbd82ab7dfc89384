"""SnapStart's restore, simulated: the first response of a forked, fully initialised
function against a cold start of the same built function.

    .venv/bin/python -m bench.restore [--rounds 30]

From one `sam build` (bench/lambda_build.py). For each function a long-lived
python3.12 process runs bench/_restore_child.py: the init phase (imports, app),
then one request, so its client is connected. A restore is a fork of it: the child
runs the after-restore hooks as awslambdaric does (the cached client is dropped,
ObjectId and random renewed: api_core/snapstart.py), then answers a GET, reconnect
included; timed from the fork to the answer. A cold start is a fresh interpreter on
the same function, from spawn to its first answer (bench/_cold_child.py). Rounds
interleave a cold start and a restore of every function, in an order shuffled
every round; per round the restore over the cold start, then the median with its
95% confidence interval.

What a fork cannot show: Lambda's own resume of the microVM and the loading of the
snapshot's memory pages, which AWS bills and reports as "Restore Duration".
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from api_core.devtools.wire_server import WireServer
from bench.coldstart import TARGETS, Runner, _environment
from bench.common import ROOT, interleaved, markdown_table, median
from bench.lambda_build import build, runtime_client
from bench.warm import median_interval

CHILD = ROOT / "bench" / "_restore_child.py"
FUNCTIONS = ["students", "courses", "enrollments", "health"]
TARGET = 0.15  # issue 14: the first response after a restore, at most 15% of a cold start


class Snapshot:
    """A fully initialised function process that forks on request."""

    def __init__(self, runner: Runner, label: str, event: dict[str, Any]) -> None:
        self.label = label
        self.process = subprocess.Popen(
            [runner.built.python, "-S", "-P", str(CHILD), TARGETS[label][1]],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=runner.env(label),
            cwd=runner.task_root(label),
            text=True,
        )
        self._send(json.dumps(event))
        line = self._line()
        if line != "READY":
            raise RuntimeError(f"{label} did not initialise: {line}")

    def _send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def _line(self) -> str:
        """The child's next line of ours; the function's own log lines go to stdout too."""
        assert self.process.stdout is not None
        while True:
            line = self.process.stdout.readline()
            if not line:
                raise RuntimeError(f"{self.label} exited ({self.process.wait()})")
            if line.startswith(("READY", "BENCH ")):
                return line.strip()

    def restore(self) -> dict[str, float]:
        self._send("fork")
        line = self._line()
        if not line.startswith("BENCH "):
            raise RuntimeError(f"{self.label}: {line}")
        result: dict[str, float] = json.loads(line[6:])
        if result["status"] != 200:
            raise RuntimeError(f"{self.label} answered {result['status']} after a restore")
        return result

    def close(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def run(rounds: int = 30) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-restore-") as scratch, WireServer() as server:
        built = build(Path(scratch))
        variables, events = _environment(server)
        # Cold starts as bench/_cold_child.py measures them: no emulator, as the fork has none.
        runner = Runner(built, runtime_client(built.python), None, variables)
        snapshots = {label: Snapshot(runner, label, events[label]) for label in FUNCTIONS}
        try:
            for label in FUNCTIONS:  # unmeasured: the page cache
                runner.cold_start_ms(label, events[label])
                snapshots[label].restore()
            cold: dict[str, list[float]] = {label: [] for label in FUNCTIONS}
            restored: dict[str, list[dict[str, float]]] = {label: [] for label in FUNCTIONS}
            for label in interleaved(FUNCTIONS, rounds):
                cold[label].append(runner.cold_start_ms(label, events[label]))
                restored[label].append(snapshots[label].restore())
        finally:
            for snapshot in snapshots.values():
                snapshot.close()
    rows = {}
    for label in FUNCTIONS:
        with_fork = [sample["with_fork_ms"] for sample in restored[label]]
        ratios = [r / c for r, c in zip(with_fork, cold[label], strict=True)]
        low, high = median_interval(ratios)
        rows[label] = {
            "cold_ms": median(cold[label]),
            "restore_ms": median(with_fork),
            "after_fork_ms": median(sample["after_fork_ms"] for sample in restored[label]),
            "ratio": median(ratios),
            "ratio_low": low,
            "ratio_high": high,
        }
    return {"rounds": rounds, "functions": rows, "target": TARGET}


def markdown(result: dict[str, Any]) -> str:
    rows = [
        [
            label,
            f"{row['cold_ms']:.0f}",
            f"{row['restore_ms']:.1f}",
            f"{row['after_fork_ms']:.1f}",
            f"**{row['ratio'] * 100:.1f}%**",
            f"{row['ratio_low'] * 100:.1f}–{row['ratio_high'] * 100:.1f}%",
        ]
        for label, row in result["functions"].items()
    ]
    header = ["function", "cold start ms", "restore ms", "of which after the fork ms"]
    return "\n".join(
        [
            f"{result['rounds']} interleaved rounds on the built functions. Restore: fork of "
            "a fully initialised process with a connected client, the after-restore hooks, "
            "then a GET (reconnect included), from the fork to the answer. Cold start: a "
            "fresh python3.12 on the same function, from spawn to its first answer. Medians; "
            "restore / cold start is the median of per-round ratios with its 95% "
            "confidence interval. Lambda's own resume (its Restore Duration) is not in a fork.",
            "",
            markdown_table([*header, "restore / cold start", "95% CI"], rows),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(args.rounds)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print(markdown(result))


if __name__ == "__main__":
    main()
