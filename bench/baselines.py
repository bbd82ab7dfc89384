"""The two references every benchmark compares a function against.

(a) `make_handwritten_handler`: a Lambda handler with no framework, json + pymongo.
(b) `make_bare_framework_handler`: FastAPI + Mangum with one async route on pymongo's
    AsyncMongoClient: the floor any FastAPI function can reach.
Both serve GET /api/students/{id} from the same collection as ours.

Each factory imports what it needs inside itself, so a cold start of (a) does not
pay for FastAPI: the cold-start benchmark imports this module in a fresh interpreter.
"""

from __future__ import annotations

import os
from typing import Any

TIMEOUTS = {"serverSelectionTimeoutMS": 2000, "connectTimeoutMS": 2000}
# What the API leaves out of a record too (api_core/references.py's bookkeeping).
PUBLIC_FIELDS = {"referenced_by": 0}


def make_handwritten_handler() -> Any:
    import json

    from bson import ObjectId
    from pymongo import MongoClient

    client: MongoClient[dict[str, Any]] = MongoClient(os.environ["MONGODB_URI"], **TIMEOUTS)
    students = client[os.environ["MONGODB_DB"]]["students"]

    def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        record_id = event["rawPath"].rsplit("/", 1)[-1]
        document = students.find_one({"_id": ObjectId(record_id)}, PUBLIC_FIELDS)
        if document is None:
            return {"statusCode": 404, "body": ""}
        document["id"] = str(document.pop("_id"))
        return {
            "statusCode": 200,
            "headers": {"content-type": "application/json", "etag": f'"{document["version"]}"'},
            "body": json.dumps(document, default=str),
        }

    return handler


def make_bare_framework_app() -> Any:
    """The FastAPI app of (b), also served by uvicorn in the local-server benchmark."""
    from bson import ObjectId
    from fastapi import FastAPI, HTTPException
    from pymongo import AsyncMongoClient

    app = FastAPI()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        os.environ["MONGODB_URI"], **TIMEOUTS
    )
    students = client[os.environ["MONGODB_DB"]]["students"]

    @app.get("/api/students/{record_id}")
    async def get_student(record_id: str) -> dict[str, Any]:
        document = await students.find_one({"_id": ObjectId(record_id)}, PUBLIC_FIELDS)
        if document is None:
            raise HTTPException(404)
        document["id"] = str(document.pop("_id"))
        return document

    return app


def make_bare_framework_handler() -> Any:
    from mangum import Mangum

    return Mangum(make_bare_framework_app(), lifespan="off")
