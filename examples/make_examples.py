#!/usr/bin/env python3
"""Generates the sample data the policies in ../policies are dry-run over.

Deterministic: the same seed gives byte-identical files. Writes, beside this script:

  receivables.jsonl  one input document per line for receivable-financing.yaml
  telemetry.jsonl    one input document per line for equipment-alerts.yaml
  leases.csv         one lease-month per row for equipment-leasing-price.yaml, headers as dotted
                     input paths (lease.lease_id, lease.machine_class, ...)

Each file mixes ordinary rows with the edge cases the policies must get right (past due, already
financed, wrong applicant, blacklisted supplier, unconfirmed, over the limit, maturity exactly at
the minimum; devices on a geofence edge, zero working hours, idle 23.9 / 24 / 24.1 hours; zero
hours and exact tier boundaries).

Usage:
  python3 examples/make_examples.py                     # the committed files
  python3 examples/make_examples.py --receivables 1000000 --out /tmp/receivables-1m.jsonl
                                                        # only receivables, N lines, to PATH
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import random
import sys
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SEED = 20261001

# --- Receivables -------------------------------------------------------------------------------

BLACKLIST = ["SUP-0013", "SUP-0666", "SUP-1024", "SUP-2718"]   # as in receivable-financing.yaml
MAX_AMOUNT = Decimal("5000000.00")
MIN_DAYS = 15
DEBTORS = [f"CORE-{i:02d}" for i in range(1, 13)]
SUPPLIERS = [f"SUP-{i:04d}" for i in range(1, 3000) if f"SUP-{i:04d}" not in BLACKLIST]
TERMS_DAYS = [30, 45, 60, 60, 90, 90, 90, 120, 180]
YEAR_START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def rfc3339(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def money(x: float | Decimal) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def amount_json(rng: random.Random, amount: Decimal) -> str:
    """Most platforms send money as strings; some send JSON numbers."""
    if rng.random() < 0.8:
        return f'"{amount}"'
    text = format(amount.normalize(), "f")
    return text


def application_time(rng: random.Random) -> datetime:
    """A weekday, business-hours application in 2026."""
    while True:
        day = YEAR_START + timedelta(days=rng.randrange(0, 365))
        if day.weekday() < 5:
            break
    return day + timedelta(hours=rng.randrange(8, 18), minutes=rng.randrange(0, 60), seconds=rng.choice([0, 0, 0, rng.randrange(60)]))


def ordinary_amount(rng: random.Random) -> Decimal:
    # Log-normal around 120,000 with a long right tail, capped below the limit.
    x = math.exp(rng.gauss(math.log(120_000), 1.0))
    x = min(max(x, 1_000.0), 4_900_000.0)
    if rng.random() < 0.25:                      # round invoice totals
        return money(round(x, -3))
    return money(round(x, 2))


def receivable_line(rng: random.Random, n: int) -> str:
    at = application_time(rng)
    creditor = rng.choice(SUPPLIERS)
    debtor = rng.choice(DEBTORS)
    amount = ordinary_amount(rng)
    # The invoice was issued some days before the application, due after its payment term.
    issued = (at - timedelta(days=rng.randrange(0, 40))).replace(hour=0, minute=0, second=0)
    due = issued + timedelta(days=rng.choice(TERMS_DAYS))
    financed = rng.random() < 0.04
    confirmed = rng.random() > 0.07
    applicant = creditor

    roll = rng.random()
    if roll < 0.03:                               # someone else applies: another supplier or the debtor
        applicant = rng.choice([rng.choice(SUPPLIERS), debtor])
        if applicant == creditor:
            applicant = debtor
    elif roll < 0.05:                             # blacklisted supplier applies for its own receivable
        creditor = applicant = rng.choice(BLACKLIST)
    elif roll < 0.06:                             # over the limit
        amount = rng.choice([MAX_AMOUNT + Decimal("0.01"), Decimal("7250000.00"), money(rng.uniform(5_000_001, 12_000_000))])
    elif roll < 0.065:                            # exactly at the limit
        amount = MAX_AMOUNT
    elif roll < 0.08:                             # maturity exactly at the minimum, or one hour short
        day0 = at.replace(hour=0, minute=0, second=0)
        at = day0
        due = day0 + timedelta(days=MIN_DAYS) - (timedelta(hours=1) if rng.random() < 0.5 else timedelta(0))
    elif roll < 0.095:                            # past due, or due at the very moment of the application
        due = at - timedelta(days=rng.randrange(0, 30)) if rng.random() < 0.8 else at
    elif roll < 0.10:                             # several problems at once
        financed, confirmed = True, False
        applicant = rng.choice(SUPPLIERS)
    elif roll < 0.102:                            # a zero amount (a cancelled invoice left on the platform)
        amount = Decimal("0.00")

    rid = f"R-{2026_000000 + n:010d}"
    return (
        '{"receivable": {"id": "%s", "debtor": "%s", "creditor": "%s", "amount": %s, '
        '"due_date": "%s", "financed": %s, "confirmed_by_debtor": %s}, '
        '"request": {"applicant": "%s", "at": "%s"}}'
        % (rid, debtor, creditor, amount_json(rng, amount), rfc3339(due), "true" if financed else "false",
           "true" if confirmed else "false", applicant, rfc3339(at))
    )


def write_receivables(path: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        buf = []
        for n in range(1, count + 1):
            buf.append(receivable_line(rng, n))
            if len(buf) == 10_000:
                out.write("\n".join(buf) + "\n")
                buf.clear()
        if buf:
            out.write("\n".join(buf) + "\n")


# --- Telemetry ---------------------------------------------------------------------------------

NORTH_YARD_BOX = (9.900, 53.600, 9.950, 53.630)                 # as in equipment-alerts.yaml
HARBOUR_POLYGON = [(9.960, 53.530), (9.990, 53.530), (10.000, 53.545), (9.985, 53.560), (9.960, 53.550)]


def depot_polygon() -> list[tuple[float, float]]:
    doc = json.loads((HERE.parent / "policies" / "regions" / "depot.geojson").read_text())
    ring = doc["features"][0]["geometry"]["coordinates"][0]
    return [(lon, lat) for lon, lat in ring[:-1]]


def inside_polygon(ring: list[tuple[float, float]], lon: float, lat: float) -> bool:
    """Even-odd ray casting, as a reference for picking points well inside or outside."""
    c = False
    for i in range(len(ring)):
        x1, y1 = ring[i]
        x2, y2 = ring[i - 1]
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            c = not c
    return c


def bbox(ring):
    xs = [p[0] for p in ring]
    ys = [p[1] for p in ring]
    return min(xs), min(ys), max(xs), max(ys)


SITES = {
    "north-yard": [(NORTH_YARD_BOX[0], NORTH_YARD_BOX[1]), (NORTH_YARD_BOX[2], NORTH_YARD_BOX[1]),
                   (NORTH_YARD_BOX[2], NORTH_YARD_BOX[3]), (NORTH_YARD_BOX[0], NORTH_YARD_BOX[3])],
    "harbour-site": HARBOUR_POLYGON,
}
CLASSES = {"EXC": (14.0, 22.0), "CRN": (8.0, 14.0), "LDR": (10.0, 18.0)}   # normal liters per working hour


def point_inside(rng: random.Random, ring) -> tuple[float, float]:
    x0, y0, x1, y1 = bbox(ring)
    while True:
        lon, lat = round(rng.uniform(x0, x1), 6), round(rng.uniform(y0, y1), 6)
        # Keep a margin from the edges so rounding never moves a point across.
        if all(inside_polygon(ring, lon + dx, lat + dy) for dx in (-2e-4, 2e-4) for dy in (-2e-4, 2e-4)):
            return lon, lat


def point_outside(rng: random.Random, ring) -> tuple[float, float]:
    x0, y0, x1, y1 = bbox(ring)
    while True:
        lon = round(rng.uniform(x0 - 0.03, x1 + 0.03), 6)
        lat = round(rng.uniform(y0 - 0.02, y1 + 0.02), 6)
        if not any(inside_polygon(ring, lon + dx, lat + dy) for dx in (-2e-4, 2e-4) for dy in (-2e-4, 2e-4)):
            return lon, lat


def point_on_edge(rng: random.Random, site: str, ring) -> tuple[float, float]:
    if site == "north-yard":                      # exactly on one of the box's four sides
        min_lon, min_lat, max_lon, max_lat = NORTH_YARD_BOX
        side = rng.randrange(4)
        t = round(rng.uniform(0, 1), 3)
        if side == 0:
            return round(min_lon + t * (max_lon - min_lon), 6), min_lat
        if side == 1:
            return max_lon, round(min_lat + t * (max_lat - min_lat), 6)
        if side == 2:
            return round(min_lon + t * (max_lon - min_lon), 6), max_lat
        return min_lon, round(min_lat + t * (max_lat - min_lat), 6)
    return ring[rng.randrange(len(ring))]        # a polygon corner


def telemetry_lines(count: int, seed: int) -> list[str]:
    rng = random.Random(seed + 1)
    SITES["depot"] = depot_polygon()
    devices = []
    for prefix, share in (("EXC", 60), ("CRN", 25), ("LDR", 35)):
        for i in range(1, share + 1):
            devices.append((f"{prefix}-{i:04d}", prefix, rng.choice(list(SITES))))
    days = math.ceil(count / len(devices))
    lines: list[str] = []
    start = datetime(2026, 10, 1, tzinfo=timezone.utc)
    for device_id, prefix, site in devices:
        ring = SITES[site]
        lo, hi = CLASSES[prefix]
        normal_rate = rng.uniform(lo, hi)
        last_active = start - timedelta(hours=rng.uniform(1, 10))
        for day in range(days):
            reported = start + timedelta(days=day, hours=18)
            weekend = reported.weekday() >= 5
            works = rng.random() < (0.25 if weekend else 0.88)
            hours, fuel = 0.0, 0.0
            if works:
                hours = round(rng.uniform(1.0, 11.5), 1)
                rate = normal_rate * rng.uniform(0.85, 1.15)
                if rng.random() < 0.03:            # a leak, theft or a worn engine
                    rate = rng.uniform(31.0, 45.0)
                fuel = round(hours * rate, 1)
                last_active = reported - timedelta(minutes=rng.randrange(10, 360))
            elif rng.random() < 0.02:              # fuel gone without any working hours
                fuel = round(rng.uniform(20.0, 120.0), 1)
            roll = rng.random()
            if roll < 0.01:                        # idle just under, exactly at and just over 24 h
                last_active = reported - rng.choice([timedelta(hours=23, minutes=54), timedelta(hours=24),
                                                     timedelta(hours=24, minutes=6)])
                hours, fuel = 0.0, 0.0
            elif roll < 0.013:                     # the device clock runs ahead: rejected by a check
                last_active = reported + timedelta(minutes=rng.randrange(1, 30))
            if roll > 0.97:
                lon, lat = point_outside(rng, ring)
            elif roll > 0.955:
                lon, lat = point_on_edge(rng, site, ring)
            else:
                lon, lat = point_inside(rng, ring)
            lines.append(json.dumps({"telemetry": {
                "device_id": device_id, "lat": lat, "lon": lon, "working_hours": hours, "fuel_liters": fuel,
                "last_active": rfc3339(last_active), "reported_at": rfc3339(reported), "site": site,
            }}, separators=(", ", ": ")))
    # Interleave devices by report time, as a telemetry feed arrives.
    lines.sort(key=lambda s: (json.loads(s)["telemetry"]["reported_at"], json.loads(s)["telemetry"]["device_id"]))
    return lines[:count]


# --- Leases ------------------------------------------------------------------------------------

BASE_FEES = {"excavator": ("400.00", "450.00", "520.00"), "crane": ("900.00", "1100.00"), "loader": ("300.00", "350.00")}
BOUNDARY_HOURS = ["0", "0.00", "99.99", "100", "100.00", "199.99", "200", "399.99", "400", "400.00", "600", "744"]


def lease_rows(count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed + 2)
    rows = []
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    n_leases = max(1, math.ceil(count / len(months)))
    leases = []
    for i in range(1, n_leases + 1):
        cls = rng.choices(["excavator", "crane", "loader"], weights=[50, 20, 30])[0]
        leases.append((f"L-2026-{i:04d}", cls, rng.choice(BASE_FEES[cls]), rng.uniform(40, 420)))
    for month in months:
        for lease_id, cls, fee, typical in leases:
            roll = rng.random()
            if roll < 0.04:
                hours = rng.choice(BOUNDARY_HOURS)
            elif roll < 0.07:
                hours = "0"                                     # parked all month
            elif roll < 0.075:
                hours = rng.choice(["-2.5", "750", "812.25"])   # meter faults: declined
            else:
                h = max(0.0, rng.gauss(typical, typical * 0.25))
                hours = f"{min(h, 700.0):.2f}" if rng.random() < 0.7 else f"{min(h, 700.0):.1f}"
            m = month if rng.random() > 0.002 else "2026-13"    # a typo in the billing month
            rows.append([lease_id, cls, hours, m, fee])
    rng.shuffle(rows)
    return rows[:count]


def write_leases(path: Path, count: int, seed: int) -> None:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["lease.lease_id", "lease.machine_class", "lease.hours", "lease.month", "lease.base_fee"])
    w.writerows(lease_rows(count, seed))
    path.write_text(out.getvalue(), encoding="utf-8")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default %(default)s)")
    ap.add_argument("--receivables", type=int, default=3000, metavar="N", help="receivable lines (default %(default)s)")
    ap.add_argument("--telemetry", type=int, default=3000, metavar="N", help="telemetry lines (default %(default)s)")
    ap.add_argument("--leases", type=int, default=2000, metavar="N", help="lease rows (default %(default)s)")
    ap.add_argument("--out", type=Path, metavar="PATH",
                    help="write only the receivables, to PATH (for the throughput benchmark)")
    args = ap.parse_args(argv)
    if args.out is not None:
        write_receivables(args.out, args.receivables, args.seed)
        print(f"wrote {args.receivables} receivables to {args.out}", file=sys.stderr)
        return 0
    write_receivables(HERE / "receivables.jsonl", args.receivables, args.seed)
    (HERE / "telemetry.jsonl").write_text("\n".join(telemetry_lines(args.telemetry, args.seed)) + "\n", encoding="utf-8")
    write_leases(HERE / "leases.csv", args.leases, args.seed)
    print(f"wrote {args.receivables} receivables, {args.telemetry} telemetry reports, {args.leases} leases to {HERE}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
