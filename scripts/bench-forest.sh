#!/usr/bin/env bash
# Runs the forest workloads of proviso-bench and scikit-learn's on the same model and rows, one
# after the other in the same session, and prints the comparison table for docs/performance.md.
# Needs scikit-learn (pip install scikit-learn pandas joblib); Proviso itself does not.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product proviso-bench 2>&1 | grep -E "error" >&2 || true
out=$(mktemp -d)
.build/release/proviso-bench --only forest > "$out/proviso.txt"
python3 tools/bench_sklearn.py --rows 100000 > "$out/sklearn.json"
python3 - "$out/proviso.txt" "$out/sklearn.json" <<'PY'
import json, sys
proviso = {}
for line in open(sys.argv[1]):
    if line.startswith("{"):
        r = json.loads(line); proviso[r["name"]] = r
sk = json.load(open(sys.argv[2]))
def p_row(name): return proviso[name]["ns_per_op"] / 1000
def p_rate(name): return proviso[name]["rows_per_s"]
print(f"scikit-learn: {sk['library']}, same model as committed: {sk['same_model_as_committed']}, {sk['rows']} rows")
print()
print("| workload | Proviso | scikit-learn | ratio |")
print("| --- | --- | --- | --- |")
r = sk["forest.rf100.row"]["value"]; p = p_row("forest.rf100.row")
print(f"| forest.rf100.row (one row, µs) | {p:.1f} | {r:.0f} | {r / p:.0f}x faster |")
r = sk["forest.rf100.batch.1t"]["value"]; p = p_rate("forest.rf100.batch.1t")
print(f"| forest.rf100.batch, 1 thread (rows/s) | {p:,.0f} | {r:,.0f} | {p / r:.2f}x |")
r = sk["forest.rf100.batch.all"]["value"]; p = p_rate("forest.rf100.batch.2t")
print(f"| forest.rf100.batch, all cores (rows/s) | {p:,.0f} | {r:,.0f} | {p / r:.2f}x |")
r = sk["forest.small.row"]["value"]; p = p_row("forest.small.row")
print(f"| forest.small.row (max_depth=8, µs) | {p:.2f} | {r:.0f} | {r / p:.0f}x faster |")
print(f"| forest.load (compact form, ms) | {proviso['forest.load']['ns_per_op'] / 1e6:.1f} | | |")
print(f"| decision.merchant (µs; rules overhead) | {proviso['decision.merchant']['ns_per_op'] / 1000:.1f} | | +{float(proviso['decision.merchant']['rules_overhead_ns']) / 1000:.2f} µs over the bare forest |")
PY
