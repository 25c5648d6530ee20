#!/usr/bin/env python3
"""Make the merchant example: examples/merchants.csv and the merchant-risk models.

    python3 examples/make_merchants.py            # writes merchants.csv, models/merchant-risk.forest,
                                                  # models/merchant-risk-small.json
    python3 examples/make_merchants.py --json     # also models/merchant-risk.json (~35 MB, not committed)

The data is synthetic but plausible: monthly trading figures of small merchants and a default flag
at about 3 per cent. Every row comes from `merchant_rows(n, seed)`, a pure-Python generator
(splitmix64 + glibc's log/exp/cos/sqrt, no numpy) that `ForestBenchmark.merchantRows` in
Sources/PolicyForest re-implements bit for bit, so Swift and scikit-learn benchmarks score the same
rows without shipping a data file.

Models: RandomForestClassifier(n_estimators=100, random_state=42) on the five features over 96,000
training rows (seed 1), and a bank-realistic max_depth=8 forest. Needs scikit-learn (PyPI).
"""

import math
import os
import sys

FEATURES = ["transaction_amount", "transaction_count", "avg_rating", "inventory_turnover", "monthly_growth"]
MASK = (1 << 64) - 1
HERE = os.path.dirname(os.path.abspath(__file__))


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def uniform(self):
        """In (0, 1): never 0, so log() is safe."""
        return ((self.next() >> 11) + 0.5) * (1.0 / 9007199254740992.0)

    def normal(self):
        u1 = self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)


def merchant_rows(n, seed):
    """n rows of (features..., defaulted) as Python floats; the same stream as the Swift generator."""
    rng = SplitMix64(seed)
    rows = []
    for _ in range(n):
        n1, n2, n3, n4, n5, n6 = (rng.normal() for _ in range(6))
        u = rng.uniform()
        amount = math.floor(math.exp(7.2 + 1.2 * n1) * 100.0) / 100.0
        count = float(math.floor(math.exp(3.5 + 0.9 * n2)) + 1)
        rating = min(max(math.floor((4.1 + 0.5 * n3) * 100.0), 100.0), 500.0) / 100.0
        turnover = (math.floor(math.exp(2.0 + 0.6 * n4) * 1000.0) + 1.0) / 1000.0
        growth = 0.01 + 0.12 * n5
        logit = (-3.5 - 1.2 * (rating - 4.1) - 3.0 * growth - 0.3 * (math.log(turnover) - 2.0)
                 - 0.15 * (math.log(amount + 1.0) - 7.2) + 0.8 * n6)
        defaulted = 1 if u < 1.0 / (1.0 + math.exp(-logit)) else 0
        rows.append((amount, count, rating, turnover, growth, defaulted))
    return rows


def frame(rows):
    import pandas as pd

    return pd.DataFrame([r[:5] for r in rows], columns=FEATURES), [r[5] for r in rows]


def write_merchants_csv(path, n=2000, seed=2):
    rows = merchant_rows(n, seed)
    with open(path, "w") as f:
        f.write("merchant_id," + ",".join(FEATURES) + ",current_limit,defaulted\n")
        for i, r in enumerate(rows):
            limit = max(1000, int(r[0] * 1.5 / 500.0) * 500)
            count = int(r[1])
            f.write(f"M{i + 1:06d},{r[0]!r},{count},{r[2]!r},{r[3]!r},{r[4]!r},{limit}.00,{r[5]}\n")
    return rows


def main(argv):
    from sklearn.ensemble import RandomForestClassifier

    sys.path.insert(0, os.path.join(HERE, "..", "tools"))
    import export_sklearn

    models = os.path.join(HERE, "models")
    os.makedirs(models, exist_ok=True)
    sample = write_merchants_csv(os.path.join(HERE, "merchants.csv"))
    X, y = frame(merchant_rows(96_000, 1))
    print(f"training rows {len(y)}, default rate {sum(y) / len(y):.4f}; "
          f"merchants.csv default rate {sum(r[5] for r in sample) / len(sample):.4f}")
    big = RandomForestClassifier(n_estimators=100, random_state=42, n_jobs=-1).fit(X, y)
    export_sklearn.write_compact(big, os.path.join(models, "merchant-risk.forest"))
    if "--json" in argv:
        export_sklearn.write_json(export_sklearn.export_model(big), os.path.join(models, "merchant-risk.json"))
    print("merchant-risk nodes", sum(e.tree_.node_count for e in big.estimators_))
    small = RandomForestClassifier(n_estimators=100, max_depth=8, random_state=42, n_jobs=-1).fit(X, y)
    export_sklearn.write_json(export_sklearn.export_model(small), os.path.join(models, "merchant-risk-small.json"))
    export_sklearn.write_compact(small, os.path.join(models, "merchant-risk-small.forest"))
    print("merchant-risk-small nodes", sum(e.tree_.node_count for e in small.estimators_))


if __name__ == "__main__":
    main(sys.argv[1:])
