"""The functions as Lambda runs them: the `sam build` output, AWS's runtime interface
client (awslambdaric) and, when present, AWS's runtime interface emulator (RIE).

A built function is its package (Lambda's /var/task) and the layer's python/ folder
(/opt/python) on PYTHONPATH, under the template's runtime (python3.12), with no
site-packages (`-S`) and nothing from the repository's virtual environment.
/var/task is read-only on Lambda, so no .pyc file is written (PYTHONDONTWRITEBYTECODE):
what the build does not compile is compiled at every cold start.

awslambdaric and the RIE are measuring instruments, as they are in AWS's python3.12
image: the product never needs them. awslambdaric is installed from PyPI for the
runtime's Python into a cache outside the repository; the RIE is a binary this
machine has (AWS_LAMBDA_RIE, ../shared/tools/aws-lambda-rie or on PATH) or not.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import ROOT

SAM = ROOT / ".venv-sam" / "bin" / "sam"
RUNTIME_CLIENT = "awslambdaric==4.2.2"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "student-records-bench"
# The references' package: bench/ holds nothing else they import.
REFERENCE_FILES = ("__init__.py", "baselines.py", "_reference_functions.py")
FUNCTIONS = {
    "students": "StudentsFunction",
    "courses": "CoursesFunction",
    "enrollments": "EnrollmentsFunction",
    "health": "HealthFunction",
}


@dataclass(frozen=True)
class Built:
    """One `sam build` of template.yaml, plus the references packaged the same way."""

    directory: Path
    template: dict[str, Any]
    python: str  # the runtime's interpreter, e.g. .../python3.12
    references: Path  # a package holding bench/ for (a) and (b)

    def package(self, target: str) -> Path:
        """The function package of `target` (a functions/ name, or "references")."""
        if target == "references":
            return self.references
        uri = self.template["Resources"][FUNCTIONS[target]]["Properties"]["CodeUri"]
        return (self.directory / uri).resolve()

    @property
    def layer(self) -> Path:
        layer = next(
            resource["Properties"]["ContentUri"]
            for resource in self.template["Resources"].values()
            if resource["Type"] == "AWS::Serverless::LayerVersion"
        )
        return (self.directory / layer).resolve() / "python"

    def env(self, target: str, *extra_paths: Path, **variables: str) -> dict[str, str]:
        """The environment of a Lambda process running `target`: nothing inherited but PATH."""
        paths = [self.package(target), self.layer, *extra_paths]
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "PYTHONPATH": os.pathsep.join(str(path) for path in paths),
            "PYTHONDONTWRITEBYTECODE": "1",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
            **variables,
        }


def build(scratch: Path) -> Built:
    """`sam build` into `scratch`, as tests/deploy does, and the references beside it."""
    if not SAM.exists():
        raise SystemExit(f"{SAM} is missing: run `make deploy-tools` first")
    from api_core.devtools.deploy_tools import lambda_python_env, load_template
    from api_core.devtools.deploy_tools import run as run_tool

    runtime = load_template(ROOT / "template.yaml")["Globals"]["Function"]["Runtime"]
    env = lambda_python_env(runtime)
    directory = scratch / "build"
    result = run_tool(
        [SAM, "build", "--template-file", "template.yaml", "--build-dir", directory], env=env
    )
    if result.returncode != 0:
        raise RuntimeError(result.stdout[-3000:] + result.stderr[-3000:])
    python = shutil.which(runtime, path=env.get("PATH"))
    resolved = subprocess.run(
        [python or runtime, "-c", "import sys; print(sys.executable)"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    references = scratch / "references"
    (references / "bench").mkdir(parents=True)
    for name in REFERENCE_FILES:
        shutil.copy(ROOT / "bench" / name, references / "bench" / name)
    return Built(directory, load_template(directory / "template.yaml"), resolved, references)


def runtime_client(python: str) -> Path:
    """A folder holding awslambdaric (and snapshot_restore_py, which it brings) for
    `python`, installed from PyPI once and reused."""
    version = subprocess.run(
        [python, "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    target = CACHE / f"{RUNTIME_CLIENT.replace('==', '-')}-py{version}"
    if not (target / ".installed").exists():
        shutil.rmtree(target, ignore_errors=True)
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
            + ["--only-binary", ":all:", "--target", str(target), RUNTIME_CLIENT],
            check=True,
            capture_output=True,
        )
        (target / ".installed").touch()
    return target


def find_rie() -> Path | None:
    """AWS's runtime interface emulator, if this machine has one: AWS_LAMBDA_RIE when
    set (empty: measure without one), else ../shared/tools/ or PATH."""
    if "AWS_LAMBDA_RIE" in os.environ:
        candidates: list[str | Path | None] = [os.environ["AWS_LAMBDA_RIE"]]
    else:
        candidates = [ROOT.parent / "shared/tools/aws-lambda-rie", shutil.which("aws-lambda-rie")]
    for candidate in candidates:
        if candidate and os.access(candidate, os.X_OK) and Path(candidate).is_file():
            return Path(candidate)
    return None
