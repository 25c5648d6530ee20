#!/usr/bin/env bash
# Load test for the decision service, on loopback only, bounded in time.
#
#   scripts/load-test.sh --scratch [--threads N] [--duration S] [--connections C]
#       Builds a throwaway server in /tmp from Sources/PolicyServer (a fake engine that answers a
#       fixed decision, the real HTTP server, router, metrics and SQLite decision log) in release
#       mode, and measures GET /health (the ceiling) and POST /v1/decisions/fake with logging on.
#   scripts/load-test.sh --log-bench
#       Builds the same scratch binary and measures DecisionLog group-commit throughput: 1, 8 and 32
#       threads appending 160,000 records in total, each append waiting for its commit, then one
#       thread appending with completions (512 outstanding), as the deferred HTTP path does.
#   scripts/load-test.sh --kill-test
#       Runs wrk against the scratch server's decision endpoint, recording every decision id it gets
#       back, kills the server with SIGKILL mid-load, reopens the log and checks each id is in it.
#   scripts/load-test.sh --serve POLICY_DIR [--policy ID --body FILE.json] [...]
#       Starts .build/release/proviso serve on an ephemeral loopback port with a decision log in /tmp
#       and measures the same two endpoints.
#   scripts/load-test.sh --secure-compare POLICY_DIR --policy ID --body FILE.json [...]
#       The cost of TLS and tokens: alternates (plain, secure, plain, secure) a plain server and one
#       with --tls-cert/--tls-key (a CA and certificate made with openssl) and --tokens (the decision
#       carries a bearer token), measuring logged decisions on each, and prints every rate and the
#       ratio secure / plain of their means. wrk has no client certificates, so --tls-client-ca is off.
#
# Prints wrk's summary (requests/s, latency percentiles) for each run and the decision/health ratio.
# Scratch-server knobs (environment): PROVISO_BLOCKING=1 serves with the blocking handler;
# PROVISO_WAL_RESTART_PAGES=N sets DecisionLog.Configuration.walRestartPages.
set -euo pipefail

log_bench=0 kill_test=0 mode="" policy_dir="" policy="receivable-financing" body_file="" threads=2 duration=5 connections=64
while [[ $# -gt 0 ]]; do
  case "$1" in
    --scratch) mode=scratch; shift ;;
    --log-bench) mode=scratch; log_bench=1; shift ;;
    --kill-test) mode=scratch; kill_test=1; shift ;;
    --serve) mode=serve; policy_dir="$2"; shift 2 ;;
    --secure-compare) mode=secure; policy_dir="$2"; shift 2 ;;
    --policy) policy="$2"; shift 2 ;;
    --body) body_file="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    *) echo "usage: $0 --scratch | --log-bench | --kill-test | --serve|--secure-compare POLICY_DIR [--policy ID --body FILE] [--threads N] [--duration S] [--connections C]" >&2; exit 64 ;;
  esac
done
[[ -n "$mode" ]] || { echo "usage: $0 --scratch | --serve POLICY_DIR ..." >&2; exit 64; }
(( duration <= 60 )) || { echo "duration is capped at 60 s" >&2; exit 64; }
(( connections <= 1000 )) || { echo "connections are capped at 1000" >&2; exit 64; }
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 69; }

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/proviso-load.XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

if [[ "$mode" == secure ]]; then
  binary="$repo/.build/release/proviso"
  [[ -x "$binary" ]] || { echo "build first: swift build -c release --product proviso" >&2; exit 70; }
  [[ -n "$body_file" ]] || { echo "--secure-compare needs --body FILE.json with an input for --policy" >&2; exit 64; }
  command -v openssl >/dev/null || { echo "openssl is not installed" >&2; exit 69; }
  ( cd "$work"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=load CA"
    printf 'subjectAltName=IP:127.0.0.1\n' > server.ext
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1"
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext
  ) > "$work/openssl.log" 2>&1
  secret="load-test-$(openssl rand -hex 16)"
  printf 'tokens:\n  - {name: load, sha256: %s, scopes: [decide, read]}\n' "$(printf '%s' "$secret" | sha256sum | cut -d' ' -f1)" > "$work/tokens.yaml"
  cp "$body_file" "$work/body.json"
  cat > "$work/plain.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body.json", "rb"); wrk.body = f:read("*a"); f:close()
LUA
  cat > "$work/secure.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $secret"
local f = io.open("$work/body.json", "rb"); wrk.body = f:read("*a"); f:close()
LUA
  measure() {  # measure KIND: starts the server, runs wrk on decisions, stops it; leaves requests/s in $rps
    local kind="$1" extra=() scheme=http curl_extra=()
    if [[ "$kind" == secure ]]; then
      extra=(--tokens "$work/tokens.yaml" --tls-cert "$work/server.pem" --tls-key "$work/server.key")
      scheme=https; curl_extra=(--cacert "$work/ca.pem" -H "Authorization: Bearer $secret")
    fi
    : > "$work/server.out"   # before the server starts, so the previous run's PORT line is never read
    "$binary" serve "$policy_dir" --port 0 --threads "$threads" --no-watch --decision-log "$work/$kind.sqlite" "${extra[@]}" \
      > "$work/server.out" 2> "$work/server.err" &
    server_pid=$!
    local port=""
    for _ in $(seq 100); do port=$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$work/server.out" | head -1); [[ -n "$port" ]] && break; sleep 0.1; done
    [[ -n "$port" ]] || { echo "server did not start:" >&2; cat "$work/server.err" >&2; exit 70; }
    local url="$scheme://127.0.0.1:$port/v1/decisions/$policy"
    [[ $(curl -s -o /dev/null -w '%{http_code}' -m 3 "${curl_extra[@]}" -H "Content-Type: application/json" --data-binary @"$work/body.json" "$url") == 200 ]] \
      || { echo "$kind: the first decision failed" >&2; cat "$work/server.err" >&2; exit 70; }
    local out; out="$(timeout $((duration + 30)) wrk -t2 -c"$connections" -d"${duration}s" --timeout 2s --latency -s "$work/$kind.lua" "$url")"
    rps="$(echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')"
    local errors; errors="$(echo "$out" | sed -n 's/^ *Non-2xx or 3xx responses: *//p')"
    echo "== $kind ($scheme$([[ $kind == secure ]] && echo ", bearer token")): $rps decisions/s, p99 $(echo "$out" | sed -n 's/^ *99% *//p'), non-2xx: ${errors:-0}"
    kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
  }
  plain=() secure=()
  for round in 1 2; do
    measure plain; plain+=("$rps")
    measure secure; secure+=("$rps")
  done
  awk -v p="${plain[*]}" -v s="${secure[*]}" 'BEGIN {
    np = split(p, a, " "); ns = split(s, b, " "); for (i = 1; i <= np; i++) pm += a[i] / np; for (i = 1; i <= ns; i++) sm += b[i] / ns
    printf "== summary: plain %.0f decisions/s, TLS + tokens %.0f decisions/s (means of %d runs each), ratio %.2f\n", pm, sm, np, sm / pm }'
  exit 0
fi

if [[ "$mode" == scratch ]]; then
  scratch=/tmp/proviso-scratch-server
  mkdir -p "$scratch/Sources/scratch-server"
  rm -rf "$scratch/Sources/PolicyServer" "$scratch/Sources/CMicroHTTPD" "$scratch/Sources/CSQLite"
  cp -r "$repo/Sources/PolicyServer" "$repo/Sources/CMicroHTTPD" "$repo/Sources/CSQLite" "$scratch/Sources/"
  cat > "$scratch/Package.swift" <<'SWIFT'
// swift-tools-version:6.0
import PackageDescription
let package = Package(
  name: "scratch-server", platforms: [.macOS(.v15)],
  targets: [
    .systemLibrary(name: "CMicroHTTPD", pkgConfig: "libmicrohttpd"),
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3"),
    .target(name: "PolicyServer", dependencies: ["CMicroHTTPD", "CSQLite"]),
    .executableTarget(name: "scratch-server", dependencies: ["PolicyServer"]),
  ],
  swiftLanguageModes: [.v6])
SWIFT
  cat > "$scratch/Sources/scratch-server/main.swift" <<'SWIFT'
// A throwaway server: the real PolicyServer stack with a fake engine that answers one fixed decision.
import Foundation
import Glibc
import PolicyServer

/// Group-commit throughput: W threads append R records each, every append waiting for its commit.
enum LogBench {
  static func run(_ arguments: [String]) throws {
    let writers = Int(arguments[3]) ?? 8
    let perWriter = Int(arguments[4]) ?? 20_000
    let log = try DecisionLog(configuration: DecisionLog.Configuration(path: arguments[2]))
    let ids = DecisionIDGenerator()
    let input = #"{"receivable":{"id":"r-1","debtor":"core","creditor":"acme","amount":"1000.00","due_date":"2026-12-31T00:00:00Z","financed":false,"confirmed_by_debtor":true},"request":{"applicant":"acme","at":"2026-11-24T00:00:00Z"}}"#
    let result = #"{"decision":"approved","reasons":[],"outputs":{"advance":"900.00","fee":"4.50"}}"#
    let started = monotonicNow()
    let group = DispatchGroup()
    if writers == 0 {
      // One producer that never blocks: appends with completions, at most 512 outstanding.
      let window = DispatchSemaphore(value: 512)
      let total = perWriter
      for _ in 0..<total {
        window.wait()
        group.enter()
        try log.append(DecisionRecord(id: ids.next(), at: LogTime.nowMicros(), policy: "receivable-financing",
                                      version: "sha256:0123456789abcdef", inputJSON: input, resultJSON: result, latencyMicros: 12)) { _ in
          window.signal()
          group.leave()
        }
      }
      group.wait()
      let seconds = monotonicNow() - started
      log.close()
      print("LOGBENCH \(total) appends with completions (512 outstanding) in \(String(format: "%.2f", seconds)) s: \(Int(Double(total) / seconds)) appends/s")
      return
    }
    for _ in 0..<writers {
      group.enter()
      Thread.detachNewThread {
        for _ in 0..<perWriter {
          try? log.append(DecisionRecord(id: ids.next(), at: LogTime.nowMicros(), policy: "receivable-financing",
                                         version: "sha256:0123456789abcdef", inputJSON: input, resultJSON: result, latencyMicros: 12))
        }
        group.leave()
      }
    }
    group.wait()
    let seconds = monotonicNow() - started
    log.close()
    let total = writers * perWriter
    let rows = (try? DecisionLogReader(path: arguments[2]).count()) ?? -1
    print("LOGBENCH \(total) appends from \(writers) threads in \(String(format: "%.2f", seconds)) s: \(Int(Double(total) / seconds)) appends/s, rows \(rows)")
  }

  static func monotonicNow() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }
}

struct FixedEngine: DecisionEngine {
  func decide(_ request: DecisionRequest) -> DecisionAnswer {
    guard request.policy == "fake" else { return .unknownPolicy }
    let body = #"{"id":"\#(request.id)","policy":"fake","version":"v1","decision":"approved","reasons":[]}"#
    return .decided(Decision(version: "v1", outcome: "approved", body: Array(body.utf8), evaluationMicros: 1))
  }
  func policies() -> [PolicyStatus] { [] }
  func policyDetail(id: String) -> PolicyDetail? { nil }
  func reload() -> [ReloadResult] { [] }
  var isReady: Bool { true }
}

let arguments = CommandLine.arguments
if arguments.count > 3, arguments[1] == "verify-log" {
  // Every id a client saw answered must be in the log (opened by the writer, which recovers the WAL).
  let log = try DecisionLog(configuration: DecisionLog.Configuration(path: arguments[2]))
  let text = try String(contentsOfFile: arguments[3], encoding: .utf8)
  let answered = text.split(separator: "\n").map(String.init).filter { $0.utf8.count == 26 }
  let missing = try answered.filter { try log.reader.decision(id: $0) == nil }
  print("VERIFY answered \(answered.count), in log \(answered.count - missing.count), missing \(missing.count), rows \(try log.reader.count())")
  log.close()
  exit(missing.isEmpty && !answered.isEmpty ? 0 : 1)
}
if arguments.count > 3, arguments[1] == "bench-log" {
  try LogBench.run(arguments)
  exit(0)
}
let threads = arguments.count > 1 ? Int(arguments[1]) ?? 2 : 2
let logPath = arguments.count > 2 ? arguments[2] : ""
var signals = sigset_t()
sigemptyset(&signals)
sigaddset(&signals, SIGTERM)
sigaddset(&signals, SIGINT)
pthread_sigmask(SIG_BLOCK, &signals, nil)   // worker threads inherit the mask; main waits below
var logConfiguration = DecisionLog.Configuration(path: logPath)
if let pages = ProcessInfo.processInfo.environment["PROVISO_WAL_RESTART_PAGES"].flatMap({ Int($0) }) {
  logConfiguration.walRestartPages = pages
}
let log = logPath.isEmpty ? nil : try DecisionLog(configuration: logConfiguration)
let service = DecisionService(engine: FixedEngine(), log: log)
let blocking = ProcessInfo.processInfo.environment["PROVISO_BLOCKING"] == "1"
let server = blocking
  ? HTTPServer(configuration: HTTPServer.Configuration(port: 0, threads: threads)) { service.handle($0) }
  : HTTPServer(configuration: HTTPServer.Configuration(port: 0, threads: threads)) { service.handle($0, responder: $1) }
try server.start()
let line = Array("PORT \(server.port)\n".utf8)
_ = line.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
var received: Int32 = 0
sigwait(&signals, &received)
server.stop()
log?.close()
if let count = try? DecisionLogReader(path: logPath).count() { print("LOGGED \(count)") }
SWIFT
  echo "building the scratch server (release) in $scratch ..." >&2
  (cd "$scratch" && swift build -c release --product scratch-server 2>&1 | grep -E "error|warning: |Compiling|Build" >&2) || true
  binary="$scratch/.build/release/scratch-server"
  [[ -x "$binary" ]] || { echo "scratch build failed" >&2; exit 70; }
  if (( log_bench )); then
    for writers in 1 8 32; do timeout 120 "$binary" bench-log "$work/bench-$writers.sqlite" "$writers" $((160000 / writers)); done
    timeout 120 "$binary" bench-log "$work/bench-async.sqlite" 0 160000
    exit 0
  fi
  "$binary" "$threads" "$work/decisions.sqlite" > "$work/server.out" 2>&1 &
  server_pid=$!
  decision_path="/v1/decisions/fake"
  printf '{"receivable":{"id":"r-1","amount":"1000.00"},"request":{"applicant":"acme"}}' > "$work/body.json"
else
  binary="$repo/.build/release/proviso"
  [[ -x "$binary" ]] || { echo "build first: swift build -c release --product proviso" >&2; exit 70; }
  [[ -n "$body_file" ]] || { echo "--serve needs --body FILE.json with an input for --policy" >&2; exit 64; }
  "$binary" serve "$policy_dir" --bind 127.0.0.1 --port 0 --threads "$threads" \
    --decision-log "$work/decisions.sqlite" > "$work/server.out" 2>&1 &
  server_pid=$!
  decision_path="/v1/decisions/$policy"
  cp "$body_file" "$work/body.json"
fi

port=""
for _ in $(seq 100); do
  port="$(sed -n 's/^PORT \([0-9]*\)$/\1/p; s/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/server.out" | head -1)"
  [[ -n "$port" ]] && break
  sleep 0.1
done
[[ -n "$port" ]] || { echo "server did not report its port:" >&2; cat "$work/server.out" >&2; exit 70; }
base="http://127.0.0.1:$port"

cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body.json", "rb"); wrk.body = f:read("*a"); f:close()
LUA

if (( kill_test )); then
  cat > "$work/record.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body.json", "rb"); wrk.body = f:read("*a"); f:close()
response = function(status, headers, body)
  if status == 200 then io.write(string.sub(body, 8, 33) .. "\n") end
end
LUA
  timeout 30 wrk -t2 -c"$connections" -d6s --timeout 2s -s "$work/record.lua" "$base$decision_path" > "$work/answered.txt" 2>&1 &
  wrk_pid=$!
  sleep 3
  kill -KILL "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
  echo "== killed the server with SIGKILL under load"
  wait "$wrk_pid" || true
  ls -l "$work"/decisions.sqlite* | awk '{print "   " $5 " " $9}'
  "$binary" verify-log "$work/decisions.sqlite" "$work/answered.txt"
  exit $?
fi

run() {  # run NAME URL [wrk args...]; prints wrk output and leaves requests/s in $rps
  local name="$1" url="$2"; shift 2
  echo "== $name: wrk -t2 -c$connections -d${duration}s --latency $* $url"
  local out; out="$(timeout $((duration + 30)) wrk -t2 -c"$connections" -d"${duration}s" --timeout 2s --latency "$@" "$url")"
  echo "$out"
  rps="$(echo "$out" | sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p')"
}

curl -fsS -m 2 "$base/health" >/dev/null
curl -fsS -m 2 -X POST -H "Content-Type: application/json" --data-binary @"$work/body.json" "$base$decision_path" >/dev/null
run "health (ceiling)" "$base/health"; health_rps="$rps"
run "decisions, logged" "$base$decision_path" -s "$work/post.lua"; decide_rps="$rps"
echo "== metrics excerpt"
curl -fsS -m 2 "$base/metrics" | grep -E '^proviso_(http_requests_total|decision_log_write_errors_total|decision_log_queue_depth)' | head -8
echo "== summary: health ${health_rps} req/s, decisions ${decide_rps} req/s, ratio $(awk -v d="$decide_rps" -v h="$health_rps" 'BEGIN { if (h > 0) printf "%.2f", d / h; else print "n/a" }')"
echo "== server peak resident memory: $(sed -n 's/^VmHWM:[[:space:]]*//p' /proc/$server_pid/status)"
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
sed -n 's/^LOGGED \(.*\)/== decisions in the log after shutdown: \1/p' "$work/server.out"
