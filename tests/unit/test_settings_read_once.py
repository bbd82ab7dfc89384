"""Settings are read from the environment once, where a process starts, and passed down."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Where a process starts: each function's module, the local app, the commands.
ENTRY_POINTS = {
    "api_core/settings.py",  # defines it
    "api_core/app.py",
    "api_core/migrate.py",
    "api_core/imports/__main__.py",
    "api_core/declare.py",  # writes functions/<name>.py, which reads them
}


def test_only_where_a_process_starts_reads_the_settings_from_the_environment() -> None:
    readers = {
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "api_core").rglob("*.py"))
        if "get_settings" in path.read_text() or "Settings()" in path.read_text()
    }

    assert readers <= ENTRY_POINTS, "read settings once, where the process starts; pass them on"


def test_every_function_reads_its_settings_once_at_import() -> None:
    for module in sorted((ROOT / "functions").glob("*.py")):
        if module.name != "__init__.py":
            assert module.read_text().count("get_settings()") == 1, module.name
