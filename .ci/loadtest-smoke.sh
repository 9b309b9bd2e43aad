#!/usr/bin/env bash
# Seconds-long smoke of the load harness (RogerRat.Bench loadtest) against a rogerrat binary: ping-pong (1 and 10
# pairs), one broadcast to 50 and 500 parked listens, 10 streaming DM pairs. Fails only on lost / duplicated messages
# or errors (the harness exits 1); figures are printed, never gated. Ring evictions the hub reports as `missed` are
# printed as `evicted` and do not fail it (a slow reader, not a loss).
# Usage: .ci/loadtest-smoke.sh [path/to/rogerrat]   (default ./publish/rogerrat; builds the Release bench if missing)
set -u
cd "$(dirname "$0")/.."
bin=${1:-$PWD/publish/rogerrat}
bench=RogerRat.Bench/bin/Release/net10.0/RogerRat.Bench.dll
if [ ! -f "$bench" ]; then dotnet build RogerRat.Bench -c Release -v q -nologo >/dev/null || { echo "loadtest smoke: bench build failed"; exit 1; }; fi
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
log=$(mktemp); out=$(mktemp)
"$bin" --port "$port" --max-sessions-per-channel 2000 >"$log" 2>&1 &
hub=$!
trap 'kill $hub 2>/dev/null; wait $hub 2>/dev/null; rm -f "$log" "$out"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
timeout 120 dotnet "$bench" loadtest --port "$port" --pid "$hub" --label smoke --scenario pingpong,broadcast,dm \
  --pairs 1,10 --seconds 2 --n 50,500 --repeats 2 --dm-pairs 10 --dm-seconds 2 | tee "$out"
rc=${PIPESTATUS[0]}
counts=$(awk -F'\t' '$3 ~ /^(lost|duplicated|errors|evicted)$/ {printf "%s %s ", $4, $3}' "$out")
if [ "$rc" -ne 0 ]; then echo "loadtest smoke: FAILED (rc=$rc) ${counts}"; tail -20 "$log"; exit 1; fi
echo "loadtest smoke: PASS ${counts}"
