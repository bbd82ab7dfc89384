"""Import files in S3 (on AWS): where each goes, its presigned upload, reading it back.

The browser sends the file straight to a private bucket with a presigned PUT, so
no file passes through API Gateway (10 MB) or a function's memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bson import ObjectId

from api_core.imports import aws
from api_core.settings import Settings

CHUNK_BYTES = 64 * 1024
_KEY = re.compile(r"imports/(?P<import_id>[0-9a-f]{24})/(?P<kind>[a-z]+)\.csv")
# Signed into the URL, so the PUT must carry them. If-None-Match: * makes the upload
# write-once: a second PUT of the same import's file is refused (412), so the file
# an import reads cannot change under it.
UPLOAD_HEADERS = {"Content-Type": "text/csv", "If-None-Match": "*"}


def object_key(import_id: str, kind: str) -> str:
    return f"imports/{import_id}/{kind}.csv"


def parse_key(key: str) -> tuple[ObjectId, str] | None:
    """(import id, kind) of an object key, or None if it is not an import's file."""
    match = _KEY.fullmatch(key)
    if match is None:
        return None
    return ObjectId(match["import_id"]), match["kind"]


def presigned_put(settings: Settings, key: str) -> str:
    """A URL that lets its holder PUT this one object, with UPLOAD_HEADERS, for a while."""
    return aws.s3(settings.aws_endpoint_url).generate_presigned_url(
        "put_object",
        Params={
            "Bucket": settings.import_bucket,
            "Key": key,
            "ContentType": UPLOAD_HEADERS["Content-Type"],
            "IfNoneMatch": UPLOAD_HEADERS["If-None-Match"],
        },
        ExpiresIn=settings.import_upload_expires_s,
        HttpMethod="PUT",
    )


def object_chunks(settings: Settings, bucket: str, key: str) -> Iterator[bytes]:
    """The object's bytes as they arrive, CHUNK_BYTES at a time: never the whole file."""
    s3 = aws.s3(settings.aws_endpoint_url)
    body = s3.get_object(Bucket=bucket, Key=key)["Body"]
    try:
        yield from body.iter_chunks(CHUNK_BYTES)
    finally:
        body.close()
