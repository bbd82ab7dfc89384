"""What follows from the resource declarations, written out: `python -m api_core.declare`.

From ALL_RESOURCES (api_core/resources.py) it writes each resource's Lambda module
(functions/<name>.py), its function, parameter and condition in template.yaml
(between the `BEGIN declared` and `END declared` lines), and the page's list of
resources (public/js/declared.js). With --check it writes nothing and exits 1 when
a file differs from what the declarations give; tests/contract/test_declared_files.py
runs the same check. `make declare` runs it; the Makefile's `build-%Function` rule
builds the functions it declares.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

from api_core.resources import ALL_RESOURCES, Resource

ROOT = Path(__file__).resolve().parent.parent
GENERATED = "written by `make declare`"
FUNCTION_MODULE = '''"""Lambda function for /api/{name} and /api/{name}/{{id}} ({generated})."""

from api_core.init_phase import init_phase

with init_phase():
    from api_core.lambda_handler import resource_handler
    from api_core.resources import declared
    from api_core.settings import get_settings

    handler = resource_handler(declared("{name}"), get_settings())
'''

PARAMETER = """\
  {stem}ReservedConcurrency:
    Type: Number
    Default: -1
    MinValue: -1
    Description: Most concurrent {name} containers (-1 = no cap).
"""
CONDITION = "  Cap{stem}: !Not [!Equals [!Ref {stem}ReservedConcurrency, -1]]\n"
FUNCTION = """\
  {stem}Function:
    Type: AWS::Serverless::Function
    DependsOn: DatabaseMigration
    Properties:
      Description: /api/{name}
      CodeUri: functions/
      Handler: functions.{name}.handler
      AutoPublishAlias: !If [UseSnapStart, live, !Ref AWS::NoValue]
      AutoPublishAliasAllProperties: true
      VersionDeletionPolicy: !If [UseSnapStart, Delete, !Ref AWS::NoValue]
      SnapStart: !If [UseSnapStart, {{ApplyOn: PublishedVersions}}, !Ref AWS::NoValue]
      ReservedConcurrentExecutions:
        !If [Cap{stem}, !Ref {stem}ReservedConcurrency, !Ref AWS::NoValue]
      Events:
        Collection:
          Type: HttpApi
          Properties:
            ApiId: !Ref HttpApi
            Path: /api/{name}
            Method: ANY
        Item:
          Type: HttpApi
          Properties:
            ApiId: !Ref HttpApi
            Path: /api/{name}/{{proxy+}}
            Method: ANY
    Metadata:
      BuildMethod: makefile
      ContextPath: .
"""
TEMPLATE_SECTIONS = {"parameters": PARAMETER, "conditions": CONDITION, "functions": FUNCTION}


def function_module(resource: Resource) -> str:
    return FUNCTION_MODULE.format(name=resource.name, generated=GENERATED)


def template_section(kind: str, resources: tuple[Resource, ...]) -> str:
    # A blank line between functions, as between the template's other resources.
    return ("\n" if kind == "functions" else "").join(
        TEMPLATE_SECTIONS[kind].format(
            name=resource.name, stem=resource.logical_id.removesuffix("Function")
        )
        for resource in resources
    )


def with_template_sections(template: str, resources: tuple[Resource, ...]) -> str:
    """`template` with the text between each `# BEGIN declared <kind>` line and its
    `# END declared <kind>` line (the comment lines after BEGIN stay) replaced by the
    declarations' own."""
    for kind in TEMPLATE_SECTIONS:
        begin = rf"^ *# BEGIN declared {kind}\b[^\n]*\n(?: *#(?! END)[^\n]*\n)*"
        pattern = re.compile(rf"({begin})(.*?)(^ *# END declared {kind}\b)", re.DOTALL | re.M)
        found = list(pattern.finditer(template))
        if len(found) != 1:
            raise ValueError(f"template.yaml needs one `# BEGIN declared {kind}` ... `# END` pair")
        (match,) = found
        section = template_section(kind, resources)
        template = template[: match.end(1)] + section + template[match.start(3) :]
    return template


def page_module(resources: tuple[Resource, ...]) -> str:
    described = json.dumps([page_entry(resource) for resource in resources], indent=2)
    return (
        f"// The API's resources for the page, {GENERATED} from api_core/resources.py.\n"
        f"export const DECLARED = {described};\n"
    )


def page_entry(resource: Resource) -> dict[str, Any]:
    schema = resource.create_model.model_json_schema()
    required = set(schema.get("required", ()))
    return {
        "resource": resource.name,
        "singular": resource.singular,
        "title": resource.title,
        "page": resource.page,
        "searchFields": list(resource.search_fields),
        # The list's `?sort=` orders besides creation order.
        "sorts": list(resource.sorts),
        "references": dict(resource.references),
        # The fields a 409 on create or change is about: those of its unique indexes.
        "uniqueFields": [
            field
            for index in resource.indexes
            if index.document.get("unique")
            for key in index.document["key"]
            if (field := key.removesuffix("_folded")) in schema["properties"]
        ],
        "fields": [
            _field(name, spec, name in required) for name, spec in schema["properties"].items()
        ],
    }


def _field(name: str, spec: dict[str, Any], required: bool) -> dict[str, Any]:
    """A form field from the create model's JSON schema of it."""
    # An optional field's schema is anyOf [its type, null].
    (spec,) = [branch for branch in spec.get("anyOf", [spec]) if branch != {"type": "null"}] or [
        spec
    ]
    field: dict[str, Any] = {"name": name, "label": name.replace("_", " ").capitalize()}
    kind, form = spec.get("type"), spec.get("format")
    if "enum" in spec:
        field["type"] = "select"
        field["options"] = [[value, str(value)] for value in spec["enum"]]
        if not required:
            field["placeholder"] = ""
    elif kind in ("integer", "number"):
        field["type"] = "number"
    elif form in ("email", "date"):
        field["type"] = form
    limits = {"maxLength": "maxlength", "minLength": "minlength", "minimum": "min"}
    limits |= {"maximum": "max"}
    field |= {attribute: spec[key] for key, attribute in limits.items() if key in spec}
    if required:
        field["required"] = True
    return field


def declared_files(root: Path = ROOT) -> dict[Path, str | None]:
    """Each file the declarations decide, and what it should hold (None: no file)."""
    files: dict[Path, str | None] = {
        root / "functions" / f"{resource.name}.py": function_module(resource)
        for resource in ALL_RESOURCES
    }
    # A module written for a resource no longer declared goes with it.
    for module in (root / "functions").glob("*.py"):
        if module not in files and GENERATED in module.read_text():
            files[module] = None
    template = root / "template.yaml"
    files[template] = with_template_sections(template.read_text(), ALL_RESOURCES)
    files[root / "public" / "js" / "declared.js"] = page_module(ALL_RESOURCES)
    return files


def stale(root: Path = ROOT) -> list[Path]:
    """The files that differ from what the declarations give."""
    return [
        path
        for path, text in declared_files(root).items()
        if (path.read_text() if path.exists() else None) != text
    ]


def write(root: Path = ROOT) -> list[Path]:
    changed = stale(root)
    for path, text in declared_files(root).items():
        if path not in changed:
            continue
        if text is None:
            path.unlink()
        else:
            path.write_text(text)
    return changed


def main(arguments: list[str]) -> int:
    check = arguments == ["--check"]
    changed = stale() if check else write()
    for path in changed:
        verb = "differs from the declarations" if check else "written"
        sys.stderr.write(f"{path.relative_to(ROOT)}: {verb}\n")
    if check and changed:
        sys.stderr.write("run `make declare` to write them\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
