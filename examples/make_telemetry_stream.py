#!/usr/bin/env python3
"""Writes examples/telemetry-stream.jsonl: three days of a four-machine fleet, one report every
15 minutes, in which every alert of policies/equipment-telemetry.yaml fires and resolves.

Deterministic (no randomness, no clock): running it again gives the same file.

- EX-1001 (north-yard) works 07:00-17:00 on day 1, goes silent from day 2 12:00 to day 3 12:00
  and works again: idle-over-24h fires on a timer tick during the silence, resolves on day 3.
- EX-1002 (harbour-site) leaves its site on day 1 10:00-10:45: outside-allowed-region (for: 15m).
- EX-1003 (depot) burns 60 l per working hour in one report on day 2 14:00: fuel-per-hour-high.
- CR-2001 (north-yard) is trucked away on day 3 09:00 and back at 12:00: moved-too-fast and
  outside-allowed-region.
"""
import json
import os

T0 = 1767225600  # 2026-01-01T00:00:00Z
STEP = 15 * 60
DAYS = 3
HOME = {
    "EX-1001": (53.615, 9.925),
    "EX-1002": (53.545, 9.975),
    "EX-1003": (53.585, 10.033),
    "CR-2001": (53.620, 9.930),
}


def working(t):
    hour = (t - T0) % 86400 // 3600
    return 7 <= hour < 17


def position(device, t):
    lat, lon = HOME[device]
    minutes = (t - T0) // 60
    if device == "EX-1002" and 10 * 60 <= minutes < 10 * 60 + 45:  # day 1, 10:00-10:44
        return 53.565, 9.975
    if device == "CR-2001":
        day3 = 2 * 1440
        if day3 + 9 * 60 + 15 <= minutes < day3 + 9 * 60 + 30:
            return 53.700, 9.950
        if day3 + 9 * 60 + 30 <= minutes < day3 + 12 * 60:
            return 53.750, 9.960
        if day3 + 12 * 60 <= minutes < day3 + 12 * 60 + 15:
            return 53.700, 9.950
    return lat, lon


def silent(device, t):
    return device == "EX-1001" and T0 + 86400 + 12 * 3600 <= t < T0 + 2 * 86400 + 12 * 3600


def main():
    hours = {d: 1500.0 + 100 * i for i, d in enumerate(HOME)}
    fuel = {d: 18000.0 + 1000 * i for i, d in enumerate(HOME)}
    lines = []
    for t in range(T0, T0 + DAYS * 86400, STEP):
        for device in HOME:
            if silent(device, t):
                continue
            transported = device == "CR-2001" and position(device, t) != HOME[device]
            idle_day = device == "EX-1001" and t >= T0 + 86400 and t < T0 + 2 * 86400 + 12 * 3600
            if working(t) and not transported and not idle_day:
                hours[device] += 0.25
                burn = 15.0 if device == "EX-1003" and t == T0 + 86400 + 14 * 3600 else 5.0
                fuel[device] += burn
            lat, lon = position(device, t)
            payload = {
                "device_id": device,
                "timestamp": t,
                "location": {"lat": lat, "lon": lon},
                "working_hours": round(hours[device], 2),
                "fuel_consumption": round(fuel[device], 1),
            }
            lines.append(json.dumps({"topic": f"device/{device}/data", "payload": payload}))
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "telemetry-stream.jsonl")
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
