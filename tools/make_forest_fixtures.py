#!/usr/bin/env python3
"""Regenerate the parity fixtures in Tests/PolicyForestTests/Fixtures with the real libraries.

Each fixture directory holds a model file, `input.csv` (headers = feature names, empty cell = NaN,
doubles in repr() form) and `expected.csv` (the library's own predictions, repr() form).
Deterministic: fixed seeds throughout. Needs scikit-learn, xgboost, lightgbm, pandas (PyPI).

    python3 tools/make_forest_fixtures.py
"""

import os
import sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import export_sklearn  # noqa: E402

OUT = os.path.join(HERE, "..", "Tests", "PolicyForestTests", "Fixtures")
FEATURES = ["transaction_amount", "transaction_count", "avg_rating", "inventory_turnover", "monthly_growth"]


def merchants(n, seed, nan_fraction=0.0):
    rng = np.random.RandomState(seed)
    amount = np.round(rng.lognormal(7.0, 1.0, n), 2)
    count = rng.poisson(40, n).astype(float)
    rating = np.round(rng.uniform(1.0, 5.0, n), 2)
    turnover = np.round(rng.gamma(2.0, 4.0, n), 3)
    growth = rng.normal(0.02, 0.15, n)
    X = pd.DataFrame({"transaction_amount": amount, "transaction_count": count, "avg_rating": rating,
                      "inventory_turnover": turnover, "monthly_growth": growth})
    score = -3.0 - 0.6 * (rating - 3) - 4.0 * growth - 0.05 * (turnover - 8) + rng.normal(0, 1.0, n)
    y = (score > -1.8).astype(int)
    if nan_fraction:
        mask = rng.uniform(size=X.shape) < nan_fraction
        X = X.mask(mask)
    return X, y, score


def on_threshold_rows(X, pairs, rng, n):
    """Rows copied from X with one feature set exactly to a split threshold (or its float32 neighbours)."""
    rows = []
    for _ in range(n):
        r = X.iloc[rng.randint(len(X))].copy()
        j, t = pairs[rng.randint(len(pairs))]
        r.iloc[j] = t
        rows.append(r)
    return pd.DataFrame(rows, columns=X.columns).reset_index(drop=True)


def scoring_rows(X_pool, pairs, seed, n_plain=200, n_threshold=100, nan_fraction=0.1):
    rng = np.random.RandomState(seed)
    plain = X_pool.sample(n_plain, random_state=seed).reset_index(drop=True)
    mask = rng.uniform(size=plain.shape) < nan_fraction
    plain = plain.mask(mask)
    edge = on_threshold_rows(X_pool.reset_index(drop=True), pairs, rng, n_threshold)
    return pd.concat([plain, edge], ignore_index=True)


def sklearn_pairs(model):
    pairs = []
    for e in model.estimators_[:5]:
        t = e.tree_
        for i in range(t.node_count):
            if t.children_left[i] != -1 and np.isfinite(t.threshold[i]):
                th = t.threshold[i]
                f32 = np.float32(th)
                for v in (th, float(f32), float(np.nextafter(f32, np.float32(np.inf))),
                          float(np.nextafter(f32, np.float32(-np.inf)))):
                    pairs.append((int(t.feature[i]), v))
    return pairs


def fmt(v):
    v = float(v)
    if np.isnan(v):
        return ""
    return repr(v)


def write_csv(path, header, rows):
    with open(path, "w") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def write_inputs(d, X):
    write_csv(os.path.join(d, "input.csv"), list(X.columns), [[fmt(v) for v in row] for row in X.to_numpy()])


def sklearn_fixture(name, model, X_train, y_train, seed, compact=False):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    model.fit(X_train, y_train)
    export_sklearn.write_json(export_sklearn.export_model(model), os.path.join(d, "model.json"))
    if compact:
        export_sklearn.write_compact(model, os.path.join(d, "model.forest"))
    X = scoring_rows(X_train, sklearn_pairs(model), seed)
    if hasattr(model, "predict_proba"):
        proba = model.predict_proba(X)
        labels = model.predict(X)
        header = [export_sklearn._class_label(c) for c in model.classes_] + ["predict"]
        rows = [[fmt(p) for p in proba[i]] + [export_sklearn._class_label(labels[i])] for i in range(len(X))]
    else:
        pred = model.predict(X)
        header = ["value"]
        rows = [[fmt(p)] for p in pred]
    write_inputs(d, X)
    write_csv(os.path.join(d, "expected.csv"), header, rows)


def make_sklearn():
    from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier, RandomForestRegressor

    X, y, score = merchants(600, 1)
    sklearn_fixture("sklearn_binary", RandomForestClassifier(n_estimators=12, random_state=42), X, y, 11,
                    compact=True)
    labels = np.where(score > -1.8, "high", np.where(score > -3.2, "mid", "low"))
    sklearn_fixture("sklearn_three_class", RandomForestClassifier(n_estimators=10, random_state=7), X, labels, 12)
    Xn, yn, _ = merchants(600, 2, nan_fraction=0.08)
    sklearn_fixture("sklearn_nan_trained", RandomForestClassifier(n_estimators=10, random_state=3), Xn, yn, 13,
                    compact=True)
    sklearn_fixture("sklearn_min_leaf5",
                    RandomForestClassifier(n_estimators=15, min_samples_leaf=5, random_state=5), X, y, 14,
                    compact=True)
    sklearn_fixture("sklearn_extra_trees", ExtraTreesClassifier(n_estimators=8, random_state=9), X, y, 15)
    sklearn_fixture("sklearn_regressor", RandomForestRegressor(n_estimators=8, max_depth=10, random_state=4),
                    X, score, 16)


def xgb_pairs(booster):
    import json
    model = json.loads(booster.save_raw("json"))
    pairs = []
    for t in model["learner"]["gradient_booster"]["model"]["trees"][:6]:
        for i, l in enumerate(t["left_children"]):
            if l != -1:
                c = np.float32(t["split_conditions"][i])
                for v in (c, np.nextafter(c, np.float32(-np.inf))):
                    pairs.append((t["split_indices"][i], float(v)))
    return pairs


def make_xgboost():
    import xgboost as xgb

    X, y, score = merchants(600, 21, nan_fraction=0.05)
    three = np.where(score > -1.8, 2, np.where(score > -3.2, 1, 0))
    cases = [
        ("xgboost_binary", {"objective": "binary:logistic", "max_depth": 4, "eta": 0.3}, y, 12),
        ("xgboost_multiclass", {"objective": "multi:softprob", "num_class": 3, "max_depth": 3}, three, 8),
        ("xgboost_regression", {"objective": "reg:squarederror", "max_depth": 4}, score, 10),
    ]
    for name, params, target, rounds in cases:
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        params = dict(params, seed=0, nthread=1)
        booster = xgb.train(params, xgb.DMatrix(X, label=target), rounds)
        booster.save_model(os.path.join(d, "model.json"))
        Xs = scoring_rows(X, xgb_pairs(booster), 31)
        pred = booster.predict(xgb.DMatrix(Xs))
        if pred.ndim == 1:
            header = ["value"]
            rows = [[fmt(p)] for p in pred]
        else:
            header = [str(c) for c in range(pred.shape[1])]
            rows = [[fmt(p) for p in r] for r in pred]
        write_inputs(d, Xs)
        write_csv(os.path.join(d, "expected.csv"), header, rows)


def lgb_pairs(booster):
    dump = booster.dump_model()
    pairs = []

    def walk(n):
        if "split_feature" in n:
            pairs.append((n["split_feature"], float(n["threshold"])))
            walk(n["left_child"])
            walk(n["right_child"])

    for t in dump["tree_info"][:6]:
        walk(t["tree_structure"])
    return pairs


def make_lightgbm():
    import lightgbm as lgb

    X, y, score = merchants(600, 41, nan_fraction=0.05)
    X.loc[X.index[:40], "monthly_growth"] = 0.0  # exact zeros exercise the zero-as-missing rule
    three = np.where(score > -1.8, 2, np.where(score > -3.2, 1, 0))
    cases = [
        ("lightgbm_binary", {"objective": "binary", "num_leaves": 15}, y, 12),
        ("lightgbm_multiclass", {"objective": "multiclass", "num_class": 3, "num_leaves": 7}, three, 8),
        ("lightgbm_regression", {"objective": "regression", "num_leaves": 15, "zero_as_missing": True},
         score, 10),
    ]
    for name, params, target, rounds in cases:
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        params = dict(params, seed=0, num_threads=1, verbose=-1, min_data_in_leaf=10)
        booster = lgb.train(params, lgb.Dataset(X, label=target), rounds)
        booster.save_model(os.path.join(d, "model.txt"))
        Xs = scoring_rows(X, lgb_pairs(booster), 51)
        pred = booster.predict(Xs)
        if pred.ndim == 1:
            header = ["value"]
            rows = [[fmt(p)] for p in pred]
        else:
            header = [str(c) for c in range(pred.shape[1])]
            rows = [[fmt(p) for p in r] for r in pred]
        write_inputs(d, Xs)
        write_csv(os.path.join(d, "expected.csv"), header, rows)


def write_predictions(d, Xs, pred):
    """Writes input.csv and expected.csv; `pred` is 1-D (one value per row) or rows x classes."""
    pred = np.asarray(pred)
    if pred.ndim == 1:
        header = ["value"]
        rows = [[fmt(p)] for p in pred]
    else:
        header = [str(c) for c in range(pred.shape[1])]
        rows = [[fmt(p) for p in r] for r in pred]
    write_inputs(d, Xs)
    write_csv(os.path.join(d, "expected.csv"), header, rows)


def make_lightgbm_variants():
    """Linear trees, random-forest mode and one-vs-all multiclass: each changes how leaves combine."""
    import lightgbm as lgb

    X, y, score = merchants(600, 43, nan_fraction=0.05)
    three = np.where(score > -1.8, 2, np.where(score > -3.2, 1, 0))
    bagging = {"bagging_fraction": 0.7, "bagging_freq": 1, "feature_fraction": 0.8}
    cases = [
        # Leaf value = leaf_const + sum(coeff * x); LightGBM falls back to leaf_value when a used
        # feature is NaN, which the 10% NaN scoring rows exercise.
        ("lightgbm_linear_regression", {"objective": "regression", "num_leaves": 7, "linear_tree": True},
         score * 40.0, 10),
        ("lightgbm_linear_binary", {"objective": "binary", "num_leaves": 5, "linear_tree": True}, y, 8),
        # boosting=rf writes `average_output`: the margin is the mean of the trees, not the sum.
        ("lightgbm_rf", dict(bagging, objective="binary", boosting="rf", num_leaves=15), y, 10),
        ("lightgbm_rf_multiclass", dict(bagging, objective="multiclass", num_class=3, boosting="rf",
                                        num_leaves=7), three, 6),
        # One sigmoid per class, not normalised.
        ("lightgbm_multiclassova", {"objective": "multiclassova", "num_class": 3, "num_leaves": 7}, three, 6),
    ]
    for name, params, target, rounds in cases:
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        params = dict(params, seed=0, num_threads=1, verbose=-1, min_data_in_leaf=10)
        booster = lgb.train(params, lgb.Dataset(X, label=target), rounds)
        booster.save_model(os.path.join(d, "model.txt"))
        Xs = scoring_rows(X, lgb_pairs(booster), 53)
        write_predictions(d, Xs, lgb.Booster(model_file=os.path.join(d, "model.txt")).predict(Xs))


def make_xgboost_early_stopping():
    """Models saved after early stopping keep every tree plus `best_iteration`; XGBoost's
    scikit-learn API predicts with the first `best_iteration + 1` rounds, also after `load_model`,
    so the expected values come from a fresh estimator's `predict_proba` after `load_model`."""
    import xgboost as xgb
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    Xb, yb = load_breast_cancer(return_X_y=True, as_frame=True)
    X, y, score = merchants(900, 61, nan_fraction=0.05)
    three = np.where(score > -1.8, 2, np.where(score > -3.2, 1, 0))
    cases = [
        ("xgboost_early_stopping", Xb, yb, {"max_depth": 3, "learning_rate": 0.3}),
        ("xgboost_early_stopping_multiclass", X, pd.Series(three),
         {"max_depth": 3, "learning_rate": 0.3, "num_parallel_tree": 2, "subsample": 0.8}),
    ]
    for name, X, y, params in cases:
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        Xtr, Xva, ytr, yva = train_test_split(X, y, test_size=0.3, random_state=0)
        model = xgb.XGBClassifier(n_estimators=200, early_stopping_rounds=5, random_state=0, n_jobs=1, **params)
        model.fit(Xtr, ytr, eval_set=[(Xva, yva)], verbose=False)
        rounds = model.get_booster().num_boosted_rounds()
        assert model.best_iteration + 1 < rounds, (name, model.best_iteration, rounds)
        path = os.path.join(d, "model.json")
        model.save_model(path)
        loaded = xgb.XGBClassifier()
        loaded.load_model(path)
        Xs = scoring_rows(X, xgb_pairs(loaded.get_booster()), 71)
        write_predictions(d, Xs, loaded.predict_proba(Xs))


if __name__ == "__main__":
    make_sklearn()
    make_xgboost()
    make_lightgbm()
    make_lightgbm_variants()
    make_xgboost_early_stopping()
