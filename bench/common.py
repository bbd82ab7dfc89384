"""Helpers every benchmark shares: percentiles, the machine and versions, test data."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PACKAGES = ("fastapi", "starlette", "pydantic", "mangum", "pymongo")
PACKAGES += ("uvicorn", "SecantusDB")


def percentile(samples: Iterable[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def median(samples: Iterable[float]) -> float:
    return statistics.median(list(samples))


def interleaved(labels: Sequence[str], rounds: int) -> Iterator[str]:
    """Every label once per round, in an order shuffled each round (the same orders
    every run): interleaved, so the machine's noise hits every target alike; shuffled,
    so no target always follows the same one."""
    shuffler = random.Random(14)
    for _ in range(rounds):
        yield from shuffler.sample(labels, len(labels))


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "load_average": " ".join(f"{x:.1f}" for x in os.getloadavg()),
        "os": platform.platform(),
        "python": sys.version.split()[0],
        **versions,
    }


FIRST_NAMES = (
    "Ada Alan Amara Anna Ben Carla Chen David Elena Emma Farah Grace Hugo Ines Ivan Jack "
    "Jana Kofi Lara Leo Lina Luca Maria Marco Mia Nadia Noah Omar Priya Rosa Sam Sara Tom "
    "Yara Zoe"
).split()
LAST_NAMES = (
    "Adams Baker Costa Diaz Evans Fischer Garcia Hansen Ito Jones Khan Lopez Martin Nguyen "
    "Okafor Patel Quinn Rossi Silva Tanaka Urban Vogel Weber Xu Young Zimmer"
).split()
PROGRAMS = ("Computer Science", "Mathematics", "History", "Biology", "Physics", None)


def student_bodies(count: int, start: int = 0, seed: int = 7) -> list[dict[str, Any]]:
    """Deterministic, varied student bodies as a client would POST them."""
    rng = random.Random(seed + start)
    bodies = []
    for number in range(start, start + count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        body: dict[str, Any] = {
            "name": f"{first} {last}",
            "email": f"{first}.{last}.{number}@example.edu".lower(),
        }
        program = rng.choice(PROGRAMS)
        if program:
            body["program"] = program
        if rng.random() < 0.5:
            body["date_of_birth"] = date(1990 + rng.randrange(15), 1 + rng.randrange(12), 1)
        bodies.append(body)
    return bodies


def student_documents(bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The documents our repository would store for these bodies (same fields, same copies).

    Built by the product's own model and `Repository._to_document`, so a new stored
    field (a folded or prefix copy) shows up here without editing the benchmark.
    """
    from bson import ObjectId

    from api_core.models.students import StudentCreate
    from api_core.repository import Repository
    from api_core.resources import STUDENTS

    # _to_document only reads the resource description; it never touches the database.
    builder = Repository.__new__(Repository)
    builder.resource = STUDENTS
    now = datetime.now(UTC).replace(microsecond=0)
    documents = []
    for body in bodies:
        fields = StudentCreate.model_validate(body).model_dump(exclude_none=True)
        document = builder._to_document(fields)
        # ObjectIds made in sequence in one process ascend: the insertion order is _id order.
        document.update(_id=ObjectId(), created_at=now, updated_at=now, version=1)
        documents.append(document)
    return documents


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    def numeric(text: str) -> bool:
        return text.strip("*").split(" ")[0].replace(",", "").replace(".", "").isdigit()

    align = [
        "---:" if rows and column and all(numeric(row[column]) for row in rows) else "---"
        for column in range(len(header))
    ]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def run_cli(
    doc: str | None, run: Any, render: Any, count: str = "invocations", counts: int = 3000
) -> None:
    """The command line the interleaved benchmarks share: `--<count> N --rounds R`,
    optional JSON, Markdown out."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument(f"--{count}", type=int, default=counts)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run(getattr(args, count), args.rounds)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print(render(result))


def use_database(**variables: str) -> None:
    """Point the API at a benchmark's database, with authentication off.

    The benchmarks measure the API's own path; AUTH_MODE defaults to the closed
    "gateway", which would answer every request without claims with a 401.
    """
    os.environ.update(AUTH_MODE="off", **variables)
