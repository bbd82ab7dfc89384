"""Deploy size: each function's package and the layer, from a real `sam build`.

    .venv/bin/python -m bench.deploy_size

Runs `sam build` (aws-sam-cli from .venv-sam, `make deploy-tools`) into a scratch
directory with the template's runtime on PATH, as tests/deploy does, and measures
each artifact unzipped and zipped (deflate, as Lambda receives it).
"""

from __future__ import annotations

import argparse
import io
import json
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from bench.common import ROOT, markdown_table

SAM = ROOT / ".venv-sam" / "bin" / "sam"
LAMBDA_UNZIPPED_LIMIT = 250 * 2**20  # function + layers, unzipped


def _files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*") if path.is_file())


def measure(directory: Path) -> dict[str, float]:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in _files(directory):
            archive.write(path, path.relative_to(directory))
    return {
        "files": len(_files(directory)),
        "unzipped_kib": sum(path.stat().st_size for path in _files(directory)) / 1024,
        "zipped_kib": len(buffer.getvalue()) / 1024,
    }


def run() -> dict[str, Any]:
    if not SAM.exists():
        raise SystemExit(f"{SAM} is missing: run `make deploy-tools` first")
    from api_core.devtools.deploy_tools import lambda_python_env, load_template
    from api_core.devtools.deploy_tools import run as run_tool

    template = load_template(ROOT / "template.yaml")
    runtime = template["Globals"]["Function"]["Runtime"]
    with tempfile.TemporaryDirectory(prefix="bench-sam-") as scratch:
        build = Path(scratch) / "build"
        started = time.perf_counter()
        result = run_tool(
            [SAM, "build", "--template-file", "template.yaml", "--build-dir", build],
            env=lambda_python_env(runtime),
        )
        seconds = time.perf_counter() - started
        if result.returncode != 0:
            raise RuntimeError(result.stdout[-3000:] + result.stderr[-3000:])
        built = load_template(build / "template.yaml")
        artifacts = {}
        for logical_id, resource in built["Resources"].items():
            properties = resource.get("Properties", {})
            uri = properties.get("CodeUri") or properties.get("ContentUri")
            if resource["Type"] in ("AWS::Serverless::Function", "AWS::Serverless::LayerVersion"):
                artifacts[logical_id] = measure((build / uri).resolve())
        layer_dir = next(
            (build / r["Properties"]["ContentUri"]).resolve() / "python"
            for r in built["Resources"].values()
            if r["Type"] == "AWS::Serverless::LayerVersion"
        )
        largest = sorted(
            ((p.name, measure(p)["unzipped_kib"]) for p in layer_dir.iterdir() if p.is_dir()),
            key=lambda item: -item[1],
        )[:8]
    return {
        "runtime": runtime,
        "sam_build_seconds": seconds,
        "artifacts": artifacts,
        "layer_largest": largest,
    }


def markdown(result: dict[str, Any]) -> str:
    artifacts = result["artifacts"]
    return "\n".join(
        [
            f"`sam build` of template.yaml (runtime {result['runtime']}, "
            f"{result['sam_build_seconds']:.0f} s), each artifact measured unzipped and "
            "deflate-zipped:",
            "",
            markdown_table(
                ["artifact", "files", "unzipped KiB", "zipped KiB"],
                [
                    [
                        name,
                        f"{a['files']:.0f}",
                        f"{a['unzipped_kib']:,.0f}",
                        f"{a['zipped_kib']:,.0f}",
                    ]
                    for name, a in artifacts.items()
                ],
            ),
            "",
            "Largest packages in the layer (unzipped KiB): "
            + ", ".join(f"{name} {kib:,.0f}" for name, kib in result["layer_largest"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    result = run()
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    print(markdown(result))


if __name__ == "__main__":
    main()
