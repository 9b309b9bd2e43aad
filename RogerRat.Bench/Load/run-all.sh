#!/usr/bin/env bash
# Runs the load harness against RogerRat AOT, RogerRat JIT, Kestrel over RogerRat.Core, and Kestrel over the
# one-lock baseline, one after the other with identical settings; prints every figure with its ratio against
# both baselines and draws BENCHMARKS.md's wake-p99-vs-N chart.
# Usage: RogerRat.Bench/Load/run-all.sh [loadtest args...]   e.g. --pairs 1,50 --seconds 5 --n 100,1000 --repeats 3
# Needs: ./publish/rogerrat (dotnet publish RogerRat.Host -c Release -r linux-x64 -p:PublishAot=true -o publish)
# and the Release build of the solution. Output: RogerRat.Bench/Load/results/{results.tsv,wake-p99.png,*.log}
# Env: BEFORE_AOT (a rogerrat binary) and BEFORE_JIT (a rogerrat.dll) add an earlier build as two more servers, for a
# before/after in the same run (labels rogerrat-aot-before, rogerrat-jit-before).
set -u
cd "$(dirname "$0")/../.."
args=("$@"); [ ${#args[@]} -eq 0 ] && args=(--pairs 1,50 --seconds 5 --n 100,1000 --repeats 3)
max_sessions=12000
# A broadcast to 10,000 needs a channel that holds 10,000 sessions and remembers their callsigns (default 4,096).
config=$(mktemp --suffix .json); trap 'rm -f "$config"' EXIT
printf '{"Hub":{"MaxCallsignsPerChannel":%d}}\n' $((2 * max_sessions)) > "$config"
out=RogerRat.Bench/Load/results; mkdir -p "$out"; rm -f "$out/results.tsv"
bench=RogerRat.Bench/bin/Release/net10.0/RogerRat.Bench.dll
host=RogerRat.Host/bin/Release/net10.0/rogerrat.dll
port=7491
start_and_run() { # label, command...
  local label=$1; shift
  "$@" >"$out/$label.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  dotnet "$bench" loadtest --port "$port" --pid "$pid" --label "$label" --out "$out/results.tsv" "${args[@]}" || echo "$label: harness reported lost/duplicated/errors"
  # A server still draining parked listens after 10 s is killed: the next server needs the machine to itself.
  kill "$pid"; for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  port=$((port + 1))
}
start_and_run rogerrat-aot ./publish/rogerrat --port $port --max-sessions-per-channel $max_sessions --max-connections 30000 --config "$config"
start_and_run rogerrat-jit dotnet "$host" --port $port --max-sessions-per-channel $max_sessions --max-connections 30000 --config "$config"
start_and_run kestrel-core dotnet "$bench" serve-kestrel-core $port $max_sessions
start_and_run kestrel-locked dotnet "$bench" serve-kestrel-locked $port $max_sessions
[ -n "${BEFORE_AOT:-}" ] && start_and_run rogerrat-aot-before "$BEFORE_AOT" --port $port --max-sessions-per-channel $max_sessions --max-connections 30000 --config "$config"
[ -n "${BEFORE_JIT:-}" ] && start_and_run rogerrat-jit-before dotnet "$BEFORE_JIT" --port $port --max-sessions-per-channel $max_sessions --max-connections 30000 --config "$config"
dotnet "$bench" loadtest-report "$out/results.tsv" "$out/wake-p99.png"
