"""Only the import functions load boto3, and only when they use S3 or SQS.

Each check runs in a fresh interpreter, as a cold start does: the function's
module is imported and its handler invoked once (the database unreachable, so the
answer is a 503), then sys.modules is read.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ENV = {
    "PATH": "/usr/bin:/bin",
    "MONGODB_URI": "mongodb://127.0.0.1:1",
    "MONGODB_TIMEOUT_MS": "200",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "eu-west-1",
}
REPORT = "\nprint(json.dumps(sorted({'boto3', 'botocore'} & set(sys.modules))))"


def aws_modules_after(code: str) -> list[str]:
    """boto3 and botocore, if loaded once `code` has run in a new interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", f"import json, sys\n{code}{REPORT}"],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded: list[str] = json.loads(result.stdout.splitlines()[-1])
    return loaded


@pytest.mark.parametrize(
    ("module", "path"),
    [
        ("students", "/api/students"),
        ("courses", "/api/courses"),
        ("enrollments", "/api/enrollments"),
        ("health", "/api/health"),
        ("imports", "/api/imports/0123456789abcdef01234567"),
    ],
)
def test_function_cold_start_does_not_import_boto3(module: str, path: str) -> None:
    code = (
        "from api_core.devtools.invoke import invoke\n"
        f"from functions import {module}\n"
        f"invoke({module}.handler, 'GET', {path!r})"
    )
    assert aws_modules_after(code) == []


def test_presigning_an_upload_imports_boto3() -> None:
    # The control: the same check sees boto3 once the import code uses S3.
    code = (
        "from api_core.imports import storage\n"
        "from api_core.settings import Settings\n"
        "storage.presigned_put(Settings(import_bucket='b-1'), 'imports/x/students.csv')"
    )
    assert aws_modules_after(code) == ["boto3", "botocore"]
