"""GET /api/health: is the API up, and can it reach its database?"""

from __future__ import annotations

from fastapi import APIRouter

from api_core.database import DatabaseDep
from api_core.errors import problem_responses

router = APIRouter(prefix="/api/health", tags=["health"])


@router.get("", summary="Check the API and its database", responses=problem_responses(503))
async def health(database: DatabaseDep) -> dict[str, str]:
    """200 when the database answers a ping; 503 with `Retry-After` when it cannot be reached."""
    await database.command("ping")
    return {"status": "ok", "database": "reachable"}
