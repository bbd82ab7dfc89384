"""The real deploy tools, run offline: aws-sam-cli, SAM's translator, cfn-lint, @netlify/config.

`make deploy-tools` (a prerequisite of `make test`) installs them: aws-sam-cli and
cfn-lint in .venv-sam (they pin their own dependencies), @netlify/config under
.ci/node from its lockfile. The SAM ones are shared with bench/ through
api_core/devtools/deploy_tools.py.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from api_core.devtools import deploy_tools
from api_core.devtools.deploy_tools import (
    ROOT,
    SAM,
    SAM_PYTHON,
    lambda_python_env,
    load_template,
    run,
    tool_env,
)

__all__ = ["ROOT", "SAM", "lambda_python_env", "load_template", "run", "tool_env"]

NETLIFY_CONFIG = ROOT / ".ci" / "node" / "node_modules" / ".bin" / "netlify-config"


def require(tool: Path) -> Path:
    try:
        return deploy_tools.require(tool)
    except deploy_tools.ToolMissing as missing:
        pytest.fail(str(missing), pytrace=False)


def transform(
    template: Path, parameters: dict[str, str], artifacts: dict[str, str] | None = None
) -> dict[str, Any]:
    """The CloudFormation a deploy of `template` with `parameters` creates (offline).

    See transform_template.py: the template's transforms, run by SAM's translator.
    `artifacts` maps a logical id to the S3 URI `sam deploy` would have uploaded its
    code to (a new one for new code); the others get a fixed one.
    """
    script = Path(__file__).with_name("transform_template.py")
    arguments = [script, template, json.dumps(parameters), json.dumps(artifacts or {})]
    result = run([require(SAM_PYTHON), *arguments])
    assert result.returncode == 0, result.stderr
    cloudformation: dict[str, Any] = json.loads(result.stdout)
    return cloudformation
