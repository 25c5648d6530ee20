#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz harness into <out>/<harness>/ (one input per file).

- policy-loader: the bundled policies (policies/*.yaml) and the YAML fixtures of the tests.
- expr: expressions from the bundled policies (every string value under an expression key, and
  the `${...}` placeholders of messages) and up to 400 from the CEL conformance data.
- input: records of the examples (receivables, merchant applications, telemetry): the inputs of
  the bundled policies whose schemas the harness decodes against.
- http: the hand-written requests in Fuzz/seeds/http, plus decisions over example records for
  every bundled policy.

Usage: make-seeds.py <repository root> <out> [harness...]
"""
import hashlib
import json
import pathlib
import re
import sys

import yaml

EXPRESSION_KEYS = {"require", "when", "value", "expr", "let", "if", "then", "score", "decline_if", "approve_if", "rule", "condition"}
POLICY_EXAMPLES = {
    "receivable-financing": "receivables.jsonl",
    "merchant-credit": "merchant-applications.jsonl",
    "equipment-alerts": "telemetry.jsonl",
}


def write(folder: pathlib.Path, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()).write_bytes(data)


def strings(node, key=None):
    """(key, string) for every string scalar in a parsed YAML document."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from strings(v, str(k))
    elif isinstance(node, list):
        for v in node:
            yield from strings(v, key)
    elif isinstance(node, str):
        yield key, node


def policy_expressions(root: pathlib.Path):
    out = []
    for path in sorted((root / "policies").glob("*.yaml")):
        doc = yaml.safe_load(path.read_text())
        for key, text in strings(doc):
            if key in EXPRESSION_KEYS or (doc.get("let") and key in doc["let"]):
                out.append(text)
            out.extend(re.findall(r"\$\{([^}]*)\}", text))
        for value in (doc.get("let") or {}).values():
            if isinstance(value, str):
                out.append(value)
    return out


def conformance_expressions(root: pathlib.Path, limit: int):
    folder = pathlib.Path("/work/shared/conformance/cel-spec")
    out = []
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text())
        for section in data.get("sections", []):
            for test in section.get("tests", [])[:12]:  # a spread over every file and section
                if isinstance(test.get("expr"), str):
                    out.append(test["expr"])
    step = max(1, len(out) // limit)
    return out[::step][:limit]


def example_lines(root: pathlib.Path, name: str, count: int):
    lines = (root / "examples" / name).read_text().splitlines()
    step = max(1, len(lines) // count)
    return [line for line in lines[::step][:count] if line.strip()]


def main() -> None:
    root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    wanted = set(sys.argv[3:]) or {"policy-loader", "expr", "input", "http"}
    if "policy-loader" in wanted:
        for path in sorted((root / "policies").glob("*.yaml")) + sorted((root / "Tests").rglob("*.yaml")):
            write(out / "policy-loader", path.read_bytes())
    if "expr" in wanted:
        for text in policy_expressions(root) + conformance_expressions(root, 400):
            write(out / "expr", text.encode())
    if "input" in wanted:
        for examples in POLICY_EXAMPLES.values():
            for line in example_lines(root, examples, 150):
                write(out / "input", line.encode())
    if "http" in wanted:
        for path in sorted((root / "Fuzz" / "seeds" / "http").glob("*")):
            write(out / "http", path.read_bytes())
        for policy, examples in POLICY_EXAMPLES.items():
            for line in example_lines(root, examples, 20):
                body = line.encode()
                head = f"POST /v1/decisions/{policy}?explain=true HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                write(out / "http", head.encode() + body)


if __name__ == "__main__":
    main()
