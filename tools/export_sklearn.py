#!/usr/bin/env python3
"""Export a fitted scikit-learn tree ensemble to Proviso's model format (docs/models.md).

Usage:
    tools/export_sklearn.py MODEL.joblib OUT.json [--compact OUT.forest]

Supports RandomForestClassifier, RandomForestRegressor and ExtraTreesClassifier fitted on a
pandas DataFrame (so `feature_names_in_` exists). Importable:

    from export_sklearn import export_model, write_json, write_compact
    doc = export_model(model)          # the JSON document as a dict (content_hash included)
    write_json(doc, "m.json"); write_compact(model, "m.forest")

Needs scikit-learn, numpy and joblib at export time only; Proviso never runs Python.
"""

import hashlib
import json
import struct
import sys

import numpy as np

FORMAT = "proviso-forest"
FORMAT_VERSION = 1
COMPACT_MAGIC = b"PVFOREST"
COMPACT_VERSION = 1
SUPPORTED = {
    "RandomForestClassifier": "classifier",
    "ExtraTreesClassifier": "classifier",
    "RandomForestRegressor": "regressor",
    "ExtraTreesRegressor": "regressor",
}


def _class_label(c):
    """Classes are stored as strings: numbers in Python's repr-free str() form ("0", "1.5")."""
    if isinstance(c, (np.integer, int)):
        return str(int(c))
    if isinstance(c, (np.floating, float)):
        return repr(float(c))
    return str(c)


def _tree_arrays(estimator, kind):
    t = estimator.tree_
    if t.n_outputs != 1:
        raise ValueError("multi-output trees are not supported")
    left = t.children_left.astype(np.int32)
    right = t.children_right.astype(np.int32)
    feature = t.feature.astype(np.int32)
    threshold = t.threshold.astype(np.float64)
    missing = np.asarray(t.missing_go_to_left, dtype=np.uint8)
    value = t.value[:, 0, :].astype(np.float64)
    leaves = left == -1
    leaf_value = value[leaves]
    if kind == "classifier":
        # sklearn >= 1.4 stores class fractions; older pickles stored weighted counts.
        sums = leaf_value.sum(axis=1, keepdims=True)
        if not np.all(np.abs(sums - 1.0) < 1e-9):
            leaf_value = leaf_value / sums
    return left, right, feature, threshold, missing, leaf_value


def canonical_bytes(kind, feature_names, classes, n_outputs, trees):
    """The bytes the content hash covers (docs/models.md, "Content hash")."""
    out = bytearray(b"proviso-forest/1\x00")

    def text(s):
        b = s.encode("utf-8")
        out.extend(struct.pack("<I", len(b)))
        out.extend(b)

    text(kind)
    out.extend(struct.pack("<I", len(feature_names)))
    for n in feature_names:
        text(n)
    out.extend(struct.pack("<I", len(classes)))
    for c in classes:
        text(c)
    out.extend(struct.pack("<II", n_outputs, len(trees)))
    for left, right, feature, threshold, missing, leaf_value in trees:
        out.extend(struct.pack("<I", len(left)))
        out.extend(left.astype("<i4").tobytes())
        out.extend(right.astype("<i4").tobytes())
        out.extend(feature.astype("<i4").tobytes())
        out.extend(threshold.astype("<f8").tobytes())
        out.extend(missing.astype("u1").tobytes())
        out.extend(leaf_value.astype("<f8").tobytes())
    return bytes(out)


def _model_parts(model):
    import sklearn

    name = type(model).__name__
    if name not in SUPPORTED:
        raise ValueError(f"unsupported estimator '{name}' (supported: {', '.join(sorted(SUPPORTED))})")
    kind = SUPPORTED[name]
    if not hasattr(model, "feature_names_in_"):
        raise ValueError("the model was not fitted on a DataFrame: it has no feature_names_in_")
    feature_names = [str(n) for n in model.feature_names_in_]
    if kind == "classifier":
        classes = [_class_label(c) for c in model.classes_]
        n_outputs = len(classes)
    else:
        classes = []
        n_outputs = 1
    trees = [_tree_arrays(e, kind) for e in model.estimators_]
    return name, kind, sklearn.__version__, feature_names, classes, n_outputs, trees


def export_model(model):
    """Returns the JSON document (a dict) for a fitted scikit-learn ensemble."""
    name, kind, version, feature_names, classes, n_outputs, trees = _model_parts(model)
    digest = hashlib.sha256(canonical_bytes(kind, feature_names, classes, n_outputs, trees)).hexdigest()
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "content_hash": "sha256:" + digest,
        "kind": kind,
        "library": "scikit-learn",
        "library_version": version,
        "estimator": name,
        "feature_names": feature_names,
        "classes": classes,
        "n_outputs": n_outputs,
        "trees": [],
    }
    for left, right, feature, threshold, missing, leaf_value in trees:
        doc["trees"].append({
            "children_left": left.tolist(),
            "children_right": right.tolist(),
            "feature": feature.tolist(),
            "threshold": threshold.tolist(),
            "missing_go_to_left": missing.tolist(),
            "value": leaf_value.reshape(-1).tolist(),
        })
    return doc


def write_json(doc, path):
    """Writes `doc` compactly; floats use Python's shortest round-trip repr."""
    with open(path, "w", encoding="utf-8") as f:
        # +inf thresholds (models trained with NaN) are written as the token Infinity.
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


def _round_down_f32(t):
    f = t.astype(np.float32)
    over = f.astype(np.float64) > t
    f[over] = np.nextafter(f[over], np.float32(-np.inf))
    return f


def write_compact(model, path):
    """Writes the compact binary form (docs/models.md, "Compact form") of a scikit-learn ensemble."""
    name, kind, version, feature_names, classes, n_outputs, trees = _model_parts(model)
    digest = hashlib.sha256(canonical_bytes(kind, feature_names, classes, n_outputs, trees)).hexdigest()
    header = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "content_hash": "sha256:" + digest,
        "kind": kind, "library": "scikit-learn", "library_version": version, "estimator": name,
        "feature_names": feature_names, "classes": classes, "n_outputs": n_outputs,
    }
    write_compact_parts(header, trees, path)


def write_compact_parts(header, trees, path):
    """Compacts sklearn-style flat trees: internal nodes only, leaves as value-table references."""
    value_index = {}
    values = []
    roots, nodes = [], []
    base = 0
    for left, right, feature, threshold, missing, leaf_value in trees:
        internal = left != -1
        new_id = np.cumsum(internal) - 1 + base  # node index in the global internal-node array
        leaf_rank = np.cumsum(~internal) - 1
        refs = np.zeros(len(left), dtype=np.int64)
        for i in np.nonzero(~internal)[0]:
            row = leaf_value[leaf_rank[i]].tobytes()
            k = value_index.get(row)
            if k is None:
                k = len(values)
                value_index[row] = k
                values.append(leaf_value[leaf_rank[i]])
            refs[i] = ~k
        refs[internal] = new_id[internal]
        roots.append(refs[0])
        idx = np.nonzero(internal)[0]
        rec = np.zeros(len(idx), dtype=[("t", "<f4"), ("f", "<u4"), ("l", "<i4"), ("r", "<i4")])
        rec["t"] = _round_down_f32(threshold[idx])
        rec["f"] = feature[idx].astype(np.uint32) | (missing[idx].astype(np.uint32) << 31)
        rec["l"] = refs[left[idx]]
        rec["r"] = refs[right[idx]]
        nodes.append(rec)
        base += len(idx)
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    body = bytearray(COMPACT_MAGIC)
    body.extend(struct.pack("<II", COMPACT_VERSION, len(header_bytes)))
    body.extend(header_bytes)
    while len(body) % 8:
        body.append(0)
    n_nodes = sum(len(n) for n in nodes)
    body.extend(struct.pack("<III", len(trees), n_nodes, len(values)))
    body.extend(np.asarray(roots, dtype="<i4").tobytes())
    while len(body) % 8:
        body.append(0)
    for n in nodes:
        body.extend(n.tobytes())
    if values:
        body.extend(np.asarray(values, dtype="<f8").tobytes())
    body.extend(hashlib.sha256(bytes(body)).digest())
    with open(path, "wb") as f:
        f.write(body)


def main(argv):
    import joblib

    args = argv[1:]
    compact = None
    if "--compact" in args:
        i = args.index("--compact")
        compact = args[i + 1]
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 64
    model = joblib.load(args[0])
    write_json(export_model(model), args[1])
    if compact:
        write_compact(model, compact)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
