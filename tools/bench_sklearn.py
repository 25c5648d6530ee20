#!/usr/bin/env python3
"""Measure scikit-learn on the same workloads as ForestBenchmark (Sources/PolicyForest) and print JSON.

    python3 tools/bench_sklearn.py [--rows 100000] [--model MODEL.joblib] [--small SMALL.joblib]

Without --model, the merchant-risk forests are retrained exactly as examples/make_merchants.py does
(deterministic, ~20 s); the script checks that their content hashes equal the committed model files,
so both benchmarks score the same model. The rows are `merchant_rows(rows, 8)`, the stream that
`ForestBenchmark.merchantRows(count:seed:)` reproduces bit for bit.
"""

import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "examples"))
import export_sklearn  # noqa: E402
import make_merchants  # noqa: E402


def models(args):
    import joblib
    from sklearn.ensemble import RandomForestClassifier

    if "--model" in args and "--small" in args:
        return joblib.load(args[args.index("--model") + 1]), joblib.load(args[args.index("--small") + 1])
    X, y = make_merchants.frame(make_merchants.merchant_rows(96_000, 1))
    big = RandomForestClassifier(n_estimators=100, random_state=42, n_jobs=-1).fit(X, y)
    small = RandomForestClassifier(n_estimators=100, max_depth=8, random_state=42, n_jobs=-1).fit(X, y)
    big.n_jobs = None
    small.n_jobs = None
    return big, small


def committed_hash(path):
    with open(path, "rb") as f:
        data = f.read(4096)
    start = data.index(b'"content_hash":"') + len(b'"content_hash":"')
    return data[start:data.index(b'"', start)].decode()


def row_latency(model, X, calls):
    rows = [X.iloc[[i % len(X)]] for i in range(calls)]
    model.predict_proba(rows[0])
    start = time.perf_counter()
    for r in rows:
        model.predict_proba(r)
    return (time.perf_counter() - start) / calls * 1e6


def batch_rate(model, X, n_jobs):
    model.n_jobs = n_jobs
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        model.predict_proba(X)
        best = min(best, time.perf_counter() - start)
    model.n_jobs = None
    return len(X) / best


def main(args):
    import sklearn

    n = int(args[args.index("--rows") + 1]) if "--rows" in args else 100_000
    big, small = models(args)
    model_dir = os.path.join(HERE, "..", "examples", "models")
    same = {}
    for name, model in (("merchant-risk", big), ("merchant-risk-small", small)):
        mine = export_sklearn.export_model(model)["content_hash"]
        committed = os.path.join(model_dir, name + ".forest")
        same[name] = os.path.exists(committed) and committed_hash(committed) == mine
    X, _ = make_merchants.frame(make_merchants.merchant_rows(n, 8))
    results = {
        "library": "scikit-learn " + sklearn.__version__,
        "cores": os.cpu_count(),
        "rows": n,
        "same_model_as_committed": same,
        "forest.rf100.row": {"value": row_latency(big, X, 200), "unit": "µs/row"},
        "forest.rf100.batch.1t": {"value": batch_rate(big, X, 1), "unit": "rows/s"},
        "forest.rf100.batch.all": {"value": batch_rate(big, X, -1), "unit": "rows/s"},
        "forest.small.row": {"value": row_latency(small, X, 500), "unit": "µs/row"},
        "checksum": float(big.predict_proba(X).sum()),
    }
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
