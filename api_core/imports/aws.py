"""boto3 clients for S3 and SQS, one of each per process.

Lambda's Python runtime ships boto3, so it is not in the layer; it is imported
here, on first use, so that only the import functions ever load it (it costs a
cold start some 200 ms) and the CRUD functions never do.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botocore.config import Config
    from types_boto3_s3 import S3Client
    from types_boto3_sqs import SQSClient


@cache
def s3(endpoint_url: str) -> S3Client:
    """The process's S3 client; `endpoint_url` empty means AWS itself."""
    import boto3

    return boto3.client("s3", endpoint_url=endpoint_url or None, config=_config(endpoint_url))


@cache
def sqs(endpoint_url: str) -> SQSClient:
    """The process's SQS client; `endpoint_url` empty means AWS itself."""
    import boto3

    return boto3.client("sqs", endpoint_url=endpoint_url or None, config=_config(endpoint_url))


def _config(endpoint_url: str) -> Config:
    from botocore.config import Config

    # Virtual-hosted URLs on AWS name the bucket's region (https://BUCKET.s3.REGION.
    # amazonaws.com), the origin the site's CSP and the bucket's CORS allow; boto3
    # presigns for the global endpoint by default, which redirects for up to a day
    # after a bucket is created. An endpoint elsewhere (moto) takes path-style URLs.
    if endpoint_url:
        return Config(signature_version="s3v4", s3={"addressing_style": "path"})
    return Config(signature_version="s3v4", s3={"addressing_style": "virtual"})
