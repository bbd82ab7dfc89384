"""Who may import whom: bench/ and tests/ share the harness in api_core/devtools/ and
never import each other; the app (api_core/ outside devtools, functions/) never
imports the harness, which no Lambda package holds."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEVTOOLS = ROOT / "api_core" / "devtools"
# Import statements inside strings: code a benchmark hands to `python -c`.
_IMPORT_IN_TEXT = re.compile(r"^\s*(?:from|import)\s+([\w.]+)", re.MULTILINE)


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, at any depth, including in code held in strings."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.update(_IMPORT_IN_TEXT.findall(node.value))
    return found


def sources(*folders: Path, leaving_out: Path | None = None) -> Iterator[Path]:
    for folder in folders:
        for path in sorted(folder.rglob("*.py")):
            if leaving_out is None or not path.is_relative_to(leaving_out):
                yield path


def importers_of(package: str, paths: Iterator[Path]) -> dict[str, list[str]]:
    """Each file among `paths` that imports `package` or one of its modules, and what."""
    importers = {}
    for path in paths:
        hits = sorted(
            name for name in imported_modules(path) if name.split(".")[0] == package.split(".")[0]
        )
        hits = [name for name in hits if name == package or name.startswith(f"{package}.")]
        if hits:
            importers[str(path.relative_to(ROOT))] = hits
    return importers


def test_import_scan_finds_imports_at_any_depth_and_in_strings(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    # Written with placeholders, or this file would be one of the importers it reports.
    source = (
        "import TESTS.a\n"
        "def f() -> None:\n"
        "    from BENCH.b import c\n"
        'CODE = "import sys\\nfrom TESTS.d import e\\n"\n'
    )
    module.write_text(source.replace("TESTS", "tests").replace("BENCH", "bench"))

    assert imported_modules(module) == {"tests.a", "bench.b", "sys", "tests.d"}


def test_bench_imports_nothing_from_tests() -> None:
    assert importers_of("tests", sources(ROOT / "bench")) == {}


def test_tests_import_nothing_from_bench() -> None:
    assert importers_of("bench", sources(ROOT / "tests")) == {}


def test_both_import_the_harness_from_devtools() -> None:
    assert importers_of("api_core.devtools", sources(ROOT / "bench"))
    assert importers_of("api_core.devtools", sources(ROOT / "tests"))


def test_app_never_imports_devtools() -> None:
    app = sources(ROOT / "api_core", ROOT / "functions", leaving_out=DEVTOOLS)

    assert importers_of("api_core.devtools", app) == {}


def test_devtools_imports_neither_tests_nor_bench() -> None:
    assert importers_of("tests", sources(DEVTOOLS)) == {}
    assert importers_of("bench", sources(DEVTOOLS)) == {}
