#!/usr/bin/env bash
# Reliability checks of `proviso serve`, on loopback only, bounded in time (about 2 minutes):
#   1. reload under load: 30 s of wrk while the policy is rewritten 20 times, 5 of them broken
#      (a syntax error, a type error, a failing test): no non-2xx answer, no answer from a broken
#      version, and the final state is the last good version;
#   2. kill -9 under load, then restart: the log opens cleanly and every answered decision id is in it;
#   3. malformed and oversize bodies, a client that trickles bytes, 1,000 concurrent connections:
#      clear errors, bounded memory, and the server keeps serving;
#   4. the hostile-client findings of issue 9 against the real binary, with tokens and TLS on:
#      a request smuggled behind two Content-Length fields is never decided or logged, framing and
#      media-type refusals are one JSON error each, tokens and scopes are enforced and named in the
#      log, and client certificates are required when a client CA is set.
# Needs wrk, curl and openssl (Debian packages). Exits non-zero if any check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "reliability: wrk is not installed (apt-get install wrk)" >&2; exit 69; }
swift build -c release --product proviso 2>&1 | grep -E "error" >&2 || true
proviso=$PWD/.build/release/proviso
work=$(mktemp -d /tmp/proviso-reliability.XXXXXX)
server_pid=""
cleanup() { [[ -n "$server_pid" ]] && kill -KILL "$server_pid" 2>/dev/null || true; }
trap cleanup EXIT
failures=0 passes=0
check() { if eval "$2"; then echo "PASS $1"; passes=$((passes + 1)); else echo "FAIL $1"; failures=$((failures + 1)); fi; }

mkdir -p "$work/policies"
cp policies/receivable-financing.yaml "$work/policies/"
head -n 1 examples/receivables.jsonl > "$work/body.json"

start() {  # start the server on an ephemeral port; sets $port and $server_pid
  : > "$work/server.out"   # before the server starts, so an earlier run's PORT line is never read
  "$proviso" serve "$work/policies" --port 0 --threads 2 --decision-log "$work/log.sqlite" > "$work/server.out" 2> "$work/server.err" &
  server_pid=$!
  port=""
  for _ in $(seq 100); do
    port=$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$work/server.out" | head -1)
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  [[ -n "$port" ]] || { echo "server did not start:"; cat "$work/server.err"; exit 70; }
}
url() { echo "http://127.0.0.1:$port$1"; }

# RELIABILITY_HOSTILE_ONLY=1 runs section 4 alone (about 10 s).
if [[ "${RELIABILITY_HOSTILE_ONLY:-0}" != 1 ]]; then
# ---- 1. reload under load ---------------------------------------------------------------
start
cat > "$work/versions.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body.json", "rb"); wrk.body = f:read("*a"); f:close()
local seen = {}
response = function(status, headers, body)
  if status ~= 200 then io.write("STATUS " .. status .. "\n") return end
  local v = string.match(body, '"version":"(%x+)"')
  if v and not seen[v] then seen[v] = true; io.write("VERSION " .. v .. "\n") end
end
LUA
timeout 60 wrk -t2 -c32 -d30s --timeout 2s -s "$work/versions.lua" "$(url /v1/decisions/receivable-financing)" > "$work/wrk-reload.txt" 2>&1 &
wrk_pid=$!
good_versions=()
for i in $(seq 1 20); do
  sleep 1.2
  target="$work/policies/.edit.yaml"
  case $i in
    4)  printf 'policy: receivable-financing\nchecks: [\n' > "$target" ;;                          # YAML syntax error
    8)  sed 's/request.applicant == receivable.creditor/request.applicant == receivable.amount/' policies/receivable-financing.yaml > "$target" ;;  # type error
    11) sed 's/min_days_to_maturity: 15/min_days_to_maturity: 30/' policies/receivable-financing.yaml > "$target" ;;  # its own tests fail
    15) sed 's/advance_rate: 0.90/advance_rate: 0.90.1/' policies/receivable-financing.yaml > "$target" ;;   # not a number
    18) printf '\t- bad indentation\n' > "$target" ;;                                             # tab
    *)  { cat policies/receivable-financing.yaml; echo "# revision $i"; } > "$target" ;;                 # a new good version
  esac
  mv "$target" "$work/policies/receivable-financing.yaml"   # editors rename into place
  case $i in 4|8|11|15|18) ;; *) sleep 0.4; good_versions+=("$("$proviso" check "$work/policies/receivable-financing.yaml" 2>&1 | sed -n 's/.*version \([0-9a-f]*\)).*/\1/p' || true)") ;; esac
done
wait "$wrk_pid" || true
sleep 0.5
non2xx=$(grep -c '^STATUS' "$work/wrk-reload.txt" || true)
requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/wrk-reload.txt")
served_versions=$(sed -n 's/^VERSION //p' "$work/wrk-reload.txt" | sort -u)
bad_served=0
for v in $served_versions; do
  ok=0
  [[ "$("$proviso" check policies/receivable-financing.yaml 2>&1)" == *"${v:0:12}"* ]] && ok=1
  for g in "${good_versions[@]}"; do [[ "${v:0:12}" == "$g" ]] && ok=1; done
  (( ok )) || { echo "   answered by an unexpected version $v"; bad_served=$((bad_served + 1)); }
done
final=$(curl -fsS "$(url /v1/policies)" | sed -n 's/.*"version":"\([0-9a-f]*\)".*/\1/p')
echo "   $requests decisions during 20 rewrites (5 broken); versions that answered: $(echo "$served_versions" | wc -l)"
check "reload under load: no non-2xx answers ($non2xx)" '[[ "$non2xx" == 0 ]]'
check "reload under load: no answer from a broken version" '[[ "$bad_served" == 0 ]]'
check "reload under load: the final state is the last good version" '[[ "${final:0:12}" == "${good_versions[-1]}" ]]'
check "reload errors are reported in /v1/policies" 'curl -fsS "$(url /v1/policies)" | grep -q last_reload_error'

# Reload latency: from the file write to the new version answering.
latencies=()
for i in 1 2 3 4 5; do
  { cat policies/receivable-financing.yaml; echo "# latency probe $i"; } > "$work/policies/.edit.yaml"
  want=$("$proviso" check "$work/policies/.edit.yaml" 2>&1 | sed -n 's/.*version \([0-9a-f]*\)).*/\1/p' || true)
  t0=$(date +%s%N)
  mv "$work/policies/.edit.yaml" "$work/policies/receivable-financing.yaml"
  for _ in $(seq 300); do
    curl -fsS -X POST -H "Content-Type: application/json" --data-binary @"$work/body.json" "$(url /v1/decisions/receivable-financing)" | grep -q "\"version\":\"$want" && break
    sleep 0.005
  done
  latencies+=($(( ($(date +%s%N) - t0) / 1000000 )))
done
max_latency=$(printf '%s\n' "${latencies[@]}" | sort -n | tail -1)
echo "   reload latency, file write to new version answering (ms): ${latencies[*]}"
check "reload latency <= 300 ms (max ${max_latency} ms)" '(( max_latency <= 300 ))'

# ---- 2. kill -9 under load ----------------------------------------------------------------
cat > "$work/ids.lua" <<LUA
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = io.open("$work/body.json", "rb"); wrk.body = f:read("*a"); f:close()
response = function(status, headers, body)
  if status == 200 then io.write(string.sub(body, 8, 33) .. "\n") end
end
LUA
timeout 30 wrk -t2 -c32 -d6s --timeout 2s -s "$work/ids.lua" "$(url /v1/decisions/receivable-financing)" > "$work/answered.txt" 2>&1 &
wrk_pid=$!
sleep 3
kill -KILL "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
wait "$wrk_pid" || true
grep -E '^[0-9A-Z]{26}$' "$work/answered.txt" | sort -u > "$work/answered.ids"
start   # restart on the same log
"$proviso" log --log "$work/log.sqlite" | sed -n 's/^{"id":"\([0-9A-Z]*\)".*/\1/p' | sort -u > "$work/logged.ids"
missing=$(comm -23 "$work/answered.ids" "$work/logged.ids" | wc -l)
echo "   $(wc -l < "$work/answered.ids") decisions answered before the kill; $(wc -l < "$work/logged.ids") in the log after restart"
check "kill -9: every answered decision id is in the log ($missing missing)" '[[ "$missing" == 0 && -s "$work/answered.ids" ]]'
check "kill -9: the service restarts on the same log and decides" 'curl -fsS -X POST -H "Content-Type: application/json" --data-binary @"$work/body.json" "$(url /v1/decisions/receivable-financing)" | grep -q "\"decision\""'

# ---- 3. bad clients ------------------------------------------------------------------------
code() { curl -s -o "$work/resp.json" -w '%{http_code}' -H "Content-Type: application/json" "$@"; }
check "malformed JSON is 400 with line and column" '[[ $(code -X POST --data "{\"receivable\": [1," "$(url /v1/decisions/receivable-financing)") == 400 ]] && grep -q "\"line\"" "$work/resp.json"'
check "input that fails the schema is 422 naming the field" '[[ $(code -X POST --data "{\"receivable\": {}}" "$(url /v1/decisions/receivable-financing)") == 422 ]] && grep -q "receivable.amount" "$work/resp.json"'
head -c 2000000 /dev/zero | tr '\0' ' ' > "$work/big.json"
check "a body over 1 MiB is 413" '[[ $(code -X POST --data-binary @"$work/big.json" "$(url /v1/decisions/receivable-financing)") == 413 ]]'
check "an unknown policy is 404" '[[ $(code -X POST --data "{}" "$(url /v1/decisions/nope)") == 404 ]]'
check "a form post (no JSON media type) is 415" '[[ $(curl -s -o /dev/null -w "%{http_code}" -X POST --data "{}" "$(url /v1/decisions/receivable-financing)") == 415 ]]'
# A client that trickles one byte a second: the server drops it and keeps serving others.
( exec 3<>/dev/tcp/127.0.0.1/"$port"; printf 'POST /v1/decisions/receivable-financing HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n' >&3
  for _ in $(seq 1 40); do printf '{' >&3 2>/dev/null || break; sleep 1; done ) &
trickle=$!
sleep 1
check "a trickling client does not block others" '[[ $(code -m 3 "$(url /health)") == 200 ]]'
timeout 30 wrk -t2 -c1000 -d5s --timeout 3s -s "$work/ids.lua" "$(url /v1/decisions/receivable-financing)" > "$work/wrk-1000.txt" 2>&1 || true
rss=$(sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/\1/p' /proc/$server_pid/status)
echo "   1,000 connections: $(sed -n 's/^Requests\/sec: *//p' "$work/wrk-1000.txt") decisions/s; peak memory ${rss} kB"
check "1,000 concurrent connections: the server keeps serving" '[[ $(code -m 3 "$(url /health)") == 200 ]]'
check "1,000 concurrent connections: memory stays bounded (< 512 MB)" '(( rss < 524288 ))'
kill "$trickle" 2>/dev/null || true
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
check "graceful shutdown on SIGTERM" 'grep -q "shutting down" "$work/server.err"'
fi

# ---- 4. hostile clients, tokens and TLS ----------------------------------------------------------
# The smuggling probe runs on plain HTTP (a raw socket cannot speak TLS); then TLS with tokens.
start
# The request goes out in one write: libmicrohttpd closes right after a refusal without lingering, so
# bytes still arriving then would make the kernel reset the connection and lose the 400.
raw() { printf "%b" "$1" > "$work/raw.req"; timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$port"'; cat "$1" >&3; cat <&3' _ "$work/raw.req" 2>/dev/null || true; }
body=$(cat "$work/body.json")
inner="POST /v1/decisions/receivable-financing HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${#body}\r\n\r\n$body"
inner_length=$(printf "%b" "$inner" | wc -c)
before=$("$proviso" log --log "$work/log.sqlite" | wc -l)
raw "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: $inner_length\r\n\r\n$inner" > "$work/smuggle.txt"
check "smuggling: two Content-Length fields get one 400 and the inner decision is never made" \
  '[[ $(grep -c "^HTTP/1.1 " "$work/smuggle.txt") == 1 ]] && grep -q "duplicate_content_length" "$work/smuggle.txt" && [[ $("$proviso" log --log "$work/log.sqlite" | wc -l) == "$before" ]]'
raw "POST /v1/decisions/receivable-financing%00junk HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${#body}\r\n\r\n$body" > "$work/nul.txt"
check "a %00 in the path is 400, not a decision of the truncated path" 'grep -q "^HTTP/1.1 400" "$work/nul.txt" && grep -q control_character_in_target "$work/nul.txt"'
raw "GET /health HTTP/1.1\r\n\r\n" > "$work/nohost.txt"
check "HTTP/1.1 without Host is 400" 'grep -q "^HTTP/1.1 400" "$work/nohost.txt" && grep -q missing_host "$work/nohost.txt"'
check "refusals are counted by reason in /metrics" 'curl -fsS "$(url /metrics)" | grep -q "proviso_http_refusals_total{reason=\"duplicate_content_length\"} 1"'
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""

( cd "$work"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=proviso test CA"
  printf 'subjectAltName=IP:127.0.0.1\n' > server.ext; printf 'extendedKeyUsage=clientAuth\n' > client.ext
  for name in server client; do
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $name.key -out $name.csr -subj "/CN=$name"
    openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $name.pem -days 2 -extfile $name.ext
  done ) > "$work/openssl.log" 2>&1
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
cat > "$work/tokens.yaml" <<YAML
tokens:
  - {name: teller, sha256: $(sha teller-secret), scopes: [decide], policies: [receivable-financing]}
  - {name: ops, sha256: $(sha ops-secret), scopes: [read, admin]}
YAML
: > "$work/server.out"
"$proviso" serve "$work/policies" --port 0 --threads 2 --decision-log "$work/log.sqlite" --tokens "$work/tokens.yaml" \
  --tls-cert "$work/server.pem" --tls-key "$work/server.key" --tls-client-ca "$work/ca.pem" > "$work/server.out" 2> "$work/server.err" &
server_pid=$!
port=""
for _ in $(seq 100); do port=$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$work/server.out" | head -1); [[ -n "$port" ]] && break; sleep 0.1; done
tls() { curl -s -o "$work/resp.json" -w '%{http_code}' --max-time 5 --cacert "$work/ca.pem" --cert "$work/client.pem" --key "$work/client.key" "$@"; }
decide="https://127.0.0.1:$port/v1/decisions/receivable-financing"
check "TLS + tokens: a decision with the teller token is 200" '[[ $(tls -H "Authorization: Bearer teller-secret" -H "Content-Type: application/json" --data-binary @"$work/body.json" "$decide") == 200 ]]'
check "TLS + tokens: no token is 401, a read token is 403" '[[ $(tls -H "Content-Type: application/json" --data-binary @"$work/body.json" "$decide") == 401 && $(tls -H "Authorization: Bearer ops-secret" -H "Content-Type: application/json" --data-binary @"$work/body.json" "$decide") == 403 ]]'
check "TLS + tokens: /v1/policies needs read; /health is open" '[[ $(tls "https://127.0.0.1:$port/v1/policies") == 401 && $(tls -H "Authorization: Bearer ops-secret" "https://127.0.0.1:$port/v1/policies") == 200 && $(tls "https://127.0.0.1:$port/health") == 200 ]]'
check "TLS: a client without a certificate is refused" '! curl -sf --max-time 5 --cacert "$work/ca.pem" "https://127.0.0.1:$port/health" > /dev/null'
check "TLS: plain HTTP on the TLS port gets no answer" '! curl -s --max-time 3 "http://127.0.0.1:$port/health" > /dev/null'
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""
check "the decision log names the token of the TLS decision" '"$proviso" log --log "$work/log.sqlite" | grep -q "\"token\":\"teller\""'
check "a non-loopback address without --tokens is refused at start" 'timeout 10 "$proviso" serve "$work/policies" --host 0.0.0.0 --port 0 --no-watch > /dev/null 2>&1; [[ $? == 64 ]]'

echo "reliability: $passes passed, $failures failed"
exit $(( failures > 0 ))
