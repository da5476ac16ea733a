#!/usr/bin/python3
"""schema-check.py SCHEMA_NAME FILE...: validate JSON files against an OCI runtime-spec schema.

SCHEMA_NAME is a file of the spec's schema/ directory (config-schema.json, state-schema.json,
features-schema.json). Their $refs are relative files ("defs.json#/definitions/..."), resolved
from that directory. Prints one line per error, "FILE: .json.path: message", and exits 1 if
any file has an error (2 on a usage or setup problem). Runs with Debian's python3-jsonschema.

The schema directory is $PFLASK_SHARED/oci-spec/schema, PFLASK_SHARED defaulting to the
shared/ directory beside the repository.
"""
import json
import os
import sys

import jsonschema


def schema_dir():
    shared = os.environ.get("PFLASK_SHARED")
    if not shared:
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        shared = os.path.join(os.path.dirname(root), "shared")
    return os.path.abspath(os.path.join(shared, "oci-spec", "schema"))


def json_path(error):
    path = ""
    for part in error.absolute_path:
        path += "[%d]" % part if isinstance(part, int) else "." + str(part)
    return path or "."


def one_line(text):
    return " ".join(str(text).split())


def main(argv):
    if len(argv) < 3:
        print("usage: schema-check.py SCHEMA_NAME FILE...", file=sys.stderr)
        return 2
    base = schema_dir()
    schema_path = os.path.join(base, argv[1])
    try:
        with open(schema_path) as f:
            schema = json.load(f)
    except (OSError, ValueError) as e:
        print("schema-check.py: %s: %s" % (schema_path, one_line(e)), file=sys.stderr)
        return 2
    resolver = jsonschema.RefResolver(base_uri="file://" + base + "/", referrer=schema)
    validator = jsonschema.Draft4Validator(schema, resolver=resolver)

    failed = False
    for name in argv[2:]:
        try:
            with open(name) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print("%s: %s" % (name, one_line(e)))
            failed = True
            continue
        for error in sorted(validator.iter_errors(doc), key=lambda e: (json_path(e), e.message)):
            print("%s: %s: %s" % (name, json_path(error), one_line(error.message)))
            failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
