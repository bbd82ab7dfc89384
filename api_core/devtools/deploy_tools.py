"""The real deploy tools, run offline: aws-sam-cli and SAM's YAML reader.

`make deploy-tools` installs aws-sam-cli and cfn-lint in .venv-sam: they pin their
own dependencies, so they get a virtual environment of their own.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SAM = ROOT / ".venv-sam" / "bin" / "sam"
SAM_PYTHON = ROOT / ".venv-sam" / "bin" / "python"

# Inherited from `make test`; they would leak its jobserver into the make SAM runs.
_MAKE_VARIABLES = ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEFILES")


class ToolMissing(RuntimeError):
    """Raised when a deploy tool or the template's Python runtime is not installed."""


def require(tool: Path) -> Path:
    if not tool.exists():
        raise ToolMissing(f"{tool.relative_to(ROOT)} is missing: run `make deploy-tools`")
    return tool


def tool_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _MAKE_VARIABLES}
    env.update(SAM_CLI_TELEMETRY="0", NO_COLOR="1", **extra)
    return env


def run(args: list[str | Path], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    kwargs.setdefault("env", tool_env())
    kwargs.setdefault("cwd", ROOT)
    return subprocess.run(
        [str(arg) for arg in args], capture_output=True, text=True, timeout=300, **kwargs
    )


def load_template(path: Path) -> dict[str, Any]:
    """template.yaml as SAM itself parses it (intrinsic tags become {"Ref": ...} etc.)."""
    script = (
        "import json, sys; from samcli.yamlhelper import yaml_parse; "
        "print(json.dumps(yaml_parse(open(sys.argv[1]).read())))"
    )
    result = run([require(SAM_PYTHON), "-c", script, path])
    assert result.returncode == 0, result.stderr
    template: dict[str, Any] = json.loads(result.stdout)
    return template


def lambda_python_env(runtime: str) -> dict[str, str]:
    """An environment where `python3.12` (the template's runtime) resolves.

    `sam build` and the Makefile's layer recipe need it. With pyenv, that means
    PYENV_VERSION naming an installed 3.12 (3.11 is the project's default there).
    """
    executable = runtime  # "python3.12"
    env = tool_env()
    if _runs(executable, env):
        return env
    version = executable.removeprefix("python")
    pyenv = shutil.which("pyenv")
    if pyenv:
        installed = run([pyenv, "versions", "--bare"]).stdout.split()
        matching = sorted(
            (v for v in installed if re.fullmatch(rf"{re.escape(version)}\.\d+", v)),
            key=lambda v: int(v.rsplit(".", 1)[1]),
        )
        if matching:
            current = env.get("PYENV_VERSION")
            env["PYENV_VERSION"] = f"{matching[-1]}:{current}" if current else matching[-1]
            if _runs(executable, env):
                return env
    raise ToolMissing(f"{executable} (the template's runtime) is not on PATH, nor in pyenv")


def _runs(executable: str, env: dict[str, str]) -> bool:
    path = shutil.which(executable, path=env.get("PATH"))
    if path is None:
        return False
    return subprocess.run([path, "-c", "pass"], env=env, capture_output=True).returncode == 0
