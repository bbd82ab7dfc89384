"""Turn template.yaml into the CloudFormation that a deploy with given parameters creates.

Run with the SAM virtual environment's Python (it has aws-sam-translator):
`python transform_template.py TEMPLATE PARAMETERS_JSON [ARTIFACTS_JSON]`; prints JSON.
ARTIFACTS_JSON maps a logical id to the S3 URI of its uploaded code, which `sam
deploy` names after the code's hash. It does what CloudFormation does with the
template's two transforms, offline and in order:

1. AWS::LanguageExtensions: here, only what the template uses it for, resolving
   every Fn::If from the parameters (Fn::If selecting AWS::NoValue drops the key).
   sam-cli ships a port of the transform, but its partial mode turns a Fn::Sub that
   names a resource into a plain string, which would hide mistakes.
2. AWS::Serverless-2016-10-31: SAM's own translator, as CloudFormation runs it.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from samcli.yamlhelper import yaml_parse
from samtranslator.translator.transform import transform

REGION = "eu-west-1"
NO_VALUE = {"Ref": "AWS::NoValue"}


class NoManagedPolicies:
    """SAM asks IAM for managed policy ARNs only when a template names one by name."""

    def load(self) -> dict[str, str]:
        return {}


class Conditions:
    def __init__(self, template: dict[str, Any], parameters: dict[str, Any]) -> None:
        self.definitions: dict[str, Any] = template.get("Conditions", {})
        self.parameters = parameters

    def __getitem__(self, name: str) -> bool:
        return bool(self._value(self.definitions[name]))

    def _value(self, node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        ((function, arguments),) = node.items()
        if function == "Ref":
            return self.parameters[arguments]
        if function == "Condition":
            return self[arguments]
        values = [self._value(argument) for argument in arguments]
        if function == "Fn::Equals":
            return str(values[0]) == str(values[1])
        if function == "Fn::Not":
            return not values[0]
        if function == "Fn::And":
            return all(values)
        if function == "Fn::Or":
            return any(values)
        raise ValueError(f"condition function {function} is not supported here")


def resolve_ifs(node: Any, conditions: Conditions) -> Any:
    if isinstance(node, list):
        items = [resolve_ifs(item, conditions) for item in node]
        return [item for item in items if item != NO_VALUE]
    if not isinstance(node, dict):
        return node
    if set(node) == {"Fn::If"}:
        name, if_true, if_false = node["Fn::If"]
        return resolve_ifs(if_true if conditions[name] else if_false, conditions)
    resolved = {key: resolve_ifs(value, conditions) for key, value in node.items()}
    return {key: value for key, value in resolved.items() if value != NO_VALUE}


def main() -> None:
    template_file, overrides = sys.argv[1], json.loads(sys.argv[2])
    artifacts: dict[str, str] = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    with open(template_file) as source:
        template: dict[str, Any] = yaml_parse(source.read())
    parameters = {
        name: spec["Default"]
        for name, spec in template.get("Parameters", {}).items()
        if "Default" in spec
    }
    parameters.update(overrides)
    conditions = Conditions(template, parameters)
    expanded = {
        **template,
        "Transform": "AWS::Serverless-2016-10-31",
        "Globals": resolve_ifs(template.get("Globals", {}), conditions),
        "Resources": {
            logical_id: resolve_ifs(resource, conditions)
            for logical_id, resource in template["Resources"].items()
            if "Condition" not in resource or conditions[resource["Condition"]]
        },
        "Outputs": {
            name: resolve_ifs(output, conditions)
            for name, output in template.get("Outputs", {}).items()
            if "Condition" not in output or conditions[output["Condition"]]
        },
    }
    # What `sam deploy` uploads: code in S3, not in local folders.
    for logical_id, resource in expanded["Resources"].items():
        for uri in ("CodeUri", "ContentUri"):
            if uri in resource.get("Properties", {}):
                default = f"s3://deploy-artifacts/{logical_id}.zip"
                resource["Properties"][uri] = artifacts.get(logical_id, default)
    # The translator reads the region from boto3's usual places; no request is made.
    os.environ["AWS_DEFAULT_REGION"] = REGION
    json.dump(transform(expanded, parameters, NoManagedPolicies()), sys.stdout)


if __name__ == "__main__":
    main()
