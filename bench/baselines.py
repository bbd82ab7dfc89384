"""The two references every benchmark compares a function against.

(a) `handwritten_handler`: a Lambda handler with no framework, json + pymongo.
(b) `bare_framework_handler`: FastAPI + Mangum with one async route on pymongo's
    AsyncMongoClient: the floor any FastAPI function can reach.
Both serve GET /api/students/{id} from the same collection as ours.
"""

from __future__ import annotations

import json
import os
from typing import Any

from bson import ObjectId
from fastapi import FastAPI, HTTPException
from mangum import Mangum
from pymongo import AsyncMongoClient, MongoClient

TIMEOUTS = {"serverSelectionTimeoutMS": 2000, "connectTimeoutMS": 2000}


def make_handwritten_handler() -> Any:
    client: MongoClient[dict[str, Any]] = MongoClient(os.environ["MONGODB_URI"], **TIMEOUTS)
    students = client[os.environ["MONGODB_DB"]]["students"]

    def handler(event: dict[str, Any], _context: Any) -> dict[str, Any]:
        record_id = event["rawPath"].rsplit("/", 1)[-1]
        document = students.find_one({"_id": ObjectId(record_id)})
        if document is None:
            return {"statusCode": 404, "body": ""}
        document["id"] = str(document.pop("_id"))
        return {
            "statusCode": 200,
            "headers": {"content-type": "application/json", "etag": f'"{document["version"]}"'},
            "body": json.dumps(document, default=str),
        }

    return handler


def make_bare_framework_handler() -> Any:
    app = FastAPI()
    client: AsyncMongoClient[dict[str, Any]] = AsyncMongoClient(
        os.environ["MONGODB_URI"], **TIMEOUTS
    )
    students = client[os.environ["MONGODB_DB"]]["students"]

    @app.get("/api/students/{record_id}")
    async def get_student(record_id: str) -> dict[str, Any]:
        document = await students.find_one({"_id": ObjectId(record_id)})
        if document is None:
            raise HTTPException(404)
        document["id"] = str(document.pop("_id"))
        return document

    return Mangum(app, lifespan="off")
