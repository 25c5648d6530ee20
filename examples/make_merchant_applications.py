#!/usr/bin/env python3
"""Turns examples/merchants.csv into credit-review requests for policies/merchant-credit.yaml.

One JSON line per merchant: {"merchant": {...trading data..., "current_limit": "..."}}. The
`defaulted` column is the training label and is not part of a request. Deterministic: the output
depends only on the CSV.
"""
import csv
import json
import pathlib

here = pathlib.Path(__file__).resolve().parent
rows = list(csv.DictReader(open(here / "merchants.csv", newline="")))
with open(here / "merchant-applications.jsonl", "w") as out:
    for r in rows:
        merchant = {
            "merchant_id": r["merchant_id"],
            "transaction_amount": r["transaction_amount"],
            "transaction_count": int(r["transaction_count"]),
            "avg_rating": float(r["avg_rating"]),
            "inventory_turnover": float(r["inventory_turnover"]),
            "monthly_growth": float(r["monthly_growth"]),
            "current_limit": r["current_limit"],
        }
        out.write(json.dumps({"merchant": merchant}, separators=(",", ":")) + "\n")
print(f"wrote {len(rows)} requests to {here / 'merchant-applications.jsonl'}")
