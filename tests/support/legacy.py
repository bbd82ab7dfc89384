"""Records as earlier versions of the API stored them, for the migration's tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bson import ObjectId

LEGACY_PREFIX_LENGTH = 16


def _legacy_copies(field: str, value: str) -> dict[str, Any]:
    """Search copies before issue 12: case folded only, prefixes of the whole value."""
    text = value.casefold()
    return {
        f"{field}_folded": text,
        f"{field}_prefixes": [text[:n] for n in range(1, min(len(text), LEGACY_PREFIX_LENGTH) + 1)],
    }


def _envelope() -> dict[str, Any]:
    now = datetime(2025, 1, 1, tzinfo=UTC)
    return {"_id": ObjectId(), "created_at": now, "updated_at": now, "version": 1}


def legacy_course(code: str, title: str = "Legacy course", credits: int = 5) -> dict[str, Any]:
    """A course as stored when codes were only upper-cased ("MATH-201" kept its hyphen)."""
    return {
        **_envelope(),
        "code": code,
        "title": title,
        "credits": credits,
        "referenced_by": [],
        **_legacy_copies("code", code),
        **_legacy_copies("title", title),
    }


def legacy_student(name: str, email: str, program: str | None = None) -> dict[str, Any]:
    """A student as stored when emails were compared case folded only (no NFKC)."""
    return {
        **_envelope(),
        "name": name,
        "email": email,
        **({"program": program} if program else {}),
        "referenced_by": [],
        **_legacy_copies("name", name),
        **_legacy_copies("email", email),
    }
