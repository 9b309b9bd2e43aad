#!/usr/bin/env bash
# Seconds-long smoke of the load harness (RogerRat.Bench loadtest) against a rogerrat binary: small N, short runs.
# Fails only on lost / duplicated messages or errors (the harness exits 1); figures are printed, never gated.
# Usage: .ci/loadtest-smoke.sh [path/to/rogerrat]   (default ./publish/rogerrat; the Release bench must be built)
set -u
cd "$(dirname "$0")/.."
bin=${1:-$PWD/publish/rogerrat}
bench=RogerRat.Bench/bin/Release/net10.0/RogerRat.Bench.dll
if [ ! -f "$bench" ]; then dotnet build RogerRat.Bench -c Release -v q -nologo >/dev/null || { echo "loadtest smoke: bench build failed"; exit 1; }; fi
port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
log=$(mktemp)
"$bin" --port "$port" --max-sessions-per-channel 2000 >"$log" 2>&1 &
hub=$!
trap 'kill $hub 2>/dev/null; wait $hub 2>/dev/null' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
timeout 90 dotnet "$bench" loadtest --port "$port" --pid "$hub" --label smoke --pairs 1,10 --seconds 2 --n 50,500 --repeats 2
rc=$?
if [ $rc -ne 0 ]; then echo "loadtest smoke: FAILED (rc=$rc)"; tail -20 "$log"; exit 1; fi
echo "loadtest smoke: PASS"
