#!/usr/bin/env python3
"""Live speed of `proviso watch --mqtt` on loopback, beside `mosquitto_sub` alone (the baseline).

Starts mosquitto on a free loopback port with a temporary config, then:
  1. drain rate: N QoS 1 messages published with `mosquitto_pub -l`, received by `mosquitto_sub`
     alone, and by the watcher (counted through its /metrics);
  2. publish-to-alert latency: M messages, each raising or resolving fuel-per-hour-high, written
     one at a time; the time from writing a message to `mosquitto_sub` receiving its alert event.
Needs a release build: `swift build -c release --product proviso`. Prints one JSON object.
"""
import json, os, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROVISO = os.path.join(ROOT, ".build/release/proviso")
POLICY = os.path.join(ROOT, "policies/equipment-telemetry.yaml")
N = int(os.environ.get("N", "20000"))
M = int(os.environ.get("M", "200"))


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p


def report(device, t, hours, fuel):
    return json.dumps({"device_id": device, "timestamp": t, "location": {"lat": 53.585, "lon": 10.033},
                       "working_hours": hours, "fuel_consumption": fuel})


def lines(device, n, start):
    return "".join(report(device, start + i, 100 + i * 0.01, 1000 + i * 0.2) + "\n" for i in range(n))


def metric(port, name):
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2).read().decode()
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    return 0.0


def main():
    tmp = tempfile.mkdtemp()
    port = free_port()
    conf = os.path.join(tmp, "mosquitto.conf")
    open(conf, "w").write(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 0\n")
    broker = subprocess.Popen(["mosquitto", "-c", conf], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = [broker]
    try:
        time.sleep(0.5)
        now = int(time.time())
        # 1a. mosquitto_sub alone.
        sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-t", "device/+/data", "-C", str(N)],
                               stdout=subprocess.DEVNULL)
        procs.append(sub); time.sleep(0.5)
        t0 = time.time()
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-l", "-t", "device/EX-1001/data"],
                       input=lines("EX-1001", N, now - N - 10).encode(), check=True)
        sub.wait(timeout=120)
        sub_seconds = time.time() - t0
        # 1b. the watcher.
        mport = free_port()
        watch = subprocess.Popen([PROVISO, "watch", POLICY, "--mqtt", f"127.0.0.1:{port}", "--alerts-topic", "alerts/{device}",
                                  "--metrics-port", str(mport), "--client-id", f"bench-{port}"],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(watch)
        for _ in range(100):
            try:
                if metric(mport, "proviso_watch_connections_total") >= 1: break
            except Exception:
                pass
            time.sleep(0.1)
        t0 = time.time()
        subprocess.run(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-l", "-t", "device/EX-1001/data"],
                       input=lines("EX-1001", N, now - N - 10).encode(), check=True)
        while metric(mport, "proviso_watch_messages_total") < N and time.time() - t0 < 300:
            time.sleep(0.02)
        watch_seconds = time.time() - t0
        applied = metric(mport, "proviso_watch_messages_applied_total")
        # 2. latency: EX-1003 alternates 60 l/h and 20 l/h: every message fires or resolves.
        alerts = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-t", "alerts/EX-1003", "-C", str(M),
                                   "-F", "%U"], stdout=subprocess.PIPE, text=True)
        procs.append(alerts); time.sleep(0.5)
        pub = subprocess.Popen(["mosquitto_pub", "-h", "127.0.0.1", "-p", str(port), "-q", "1", "-l", "-t", "device/EX-1003/data"],
                               stdin=subprocess.PIPE, text=True)
        procs.append(pub)
        hours, fuel, sent = 100.0, 1000.0, []
        pub.stdin.write(report("EX-1003", now - 2 * M - 5, hours, fuel) + "\n"); pub.stdin.flush(); time.sleep(0.2)
        for i in range(M + 1):
            hours += 0.25; fuel += 15.0 if i % 2 == 0 else 5.0
            sent.append(time.time())
            pub.stdin.write(report("EX-1003", now - 2 * M + i, hours, fuel) + "\n"); pub.stdin.flush()
            time.sleep(0.02)
        out, _ = alerts.communicate(timeout=60)
        pub.stdin.close(); pub.wait(timeout=10)
        received = [float(x) for x in out.split()]
        lat = sorted((r - s) * 1000 for r, s in zip(received, sent))
        result = {
            "messages": N, "mosquitto_sub_per_s": round(N / sub_seconds), "watch_per_s": round(N / watch_seconds),
            "watch_vs_sub": round(sub_seconds / watch_seconds, 2), "watch_applied": int(applied),
            "latency_samples": len(lat), "latency_ms_p50": round(lat[len(lat) // 2], 2) if lat else None,
            "latency_ms_p99": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 2) if lat else None,
            "load_average": os.getloadavg()[0],
        }
        print(json.dumps(result))
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
                try: p.wait(timeout=5)
                except Exception: p.kill()


if __name__ == "__main__":
    main()
