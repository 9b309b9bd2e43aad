#!/usr/bin/env bash
# GET /healthz under `wrk -t2 -c50` (issue 11) against the four servers of run-all.sh: rogerrat AOT, rogerrat JIT,
# kestrel-core and kestrel-locked (their /healthz answers the hub's bytes: status, Content-Type, the six security
# headers, "ok"). Each round runs every server once, one at a time, in the same order; each server gets WARMUP seconds of
# the same load before its measured DURATION (the JIT servers reach tier-1 code). Prints every round, the median round
# per server, and the ratios against both Kestrel baselines (requests/s: higher is better; p99: lower is better).
# Usage: RogerRat.Bench/Load/run-healthz.sh [rounds=3] [duration=10] [warmup=5]
# Env: ROGERRAT_AOT (default ./publish/rogerrat), ROGERRAT_JIT (default the Release build's rogerrat.dll); BEFORE_AOT and
# BEFORE_JIT add two more servers (an earlier build) to the same rounds, for a before/after in one run.
# Output: RogerRat.Bench/Load/results/healthz.tsv (label, round, requests/s, p99 ms) and a markdown table on stdout.
set -u
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3} DURATION=${2:-10} WARMUP=${3:-5}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
bench=RogerRat.Bench/bin/Release/net10.0/RogerRat.Bench.dll
aot=${ROGERRAT_AOT:-./publish/rogerrat}
jit=${ROGERRAT_JIT:-RogerRat.Host/bin/Release/net10.0/rogerrat.dll}
out=RogerRat.Bench/Load/results; mkdir -p "$out"; tsv="$out/healthz.tsv"; rm -f "$tsv"
port=7651

servers=(rogerrat-aot rogerrat-jit kestrel-core kestrel-locked)
[ -n "${BEFORE_AOT:-}" ] && servers+=(rogerrat-aot-before)
[ -n "${BEFORE_JIT:-}" ] && servers+=(rogerrat-jit-before)

command_for() { # label -> the server's command line on $port
  case $1 in
    rogerrat-aot) echo "$aot --port $port --log-level warning" ;;
    rogerrat-jit) echo "dotnet $jit --port $port --log-level warning" ;;
    rogerrat-aot-before) echo "$BEFORE_AOT --port $port --log-level warning" ;;
    rogerrat-jit-before) echo "dotnet $BEFORE_JIT --port $port --log-level warning" ;;
    kestrel-core) echo "dotnet $bench serve-kestrel-core $port" ;;
    kestrel-locked) echo "dotnet $bench serve-kestrel-locked $port" ;;
  esac
}

to_ms() { # wrk latency like 1.23ms, 512.00us, 1.02s
  python3 -c "import sys;v=sys.argv[1];print(float(v[:-2])/1000 if v.endswith('us') else float(v[:-2]) if v.endswith('ms') else float(v[:-1])*1000)" "$1"
}

for round in $(seq 1 "$ROUNDS"); do
  for label in "${servers[@]}"; do
    # A simple command in the background, so that $! is the server itself (a backgrounded compound command would
    # leave the server running under a subshell that the kill below does not reach).
    $(command_for "$label") >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null || { echo "$label did not start on port $port" >&2; exit 1; }
    wrk -t2 -c50 -d"${WARMUP}s" "http://127.0.0.1:$port/healthz" >/dev/null
    load=$(cut -d' ' -f1 /proc/loadavg)
    result=$(wrk -t2 -c50 -d"${DURATION}s" --latency "http://127.0.0.1:$port/healthz")
    kill "$pid"; for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    rps=$(echo "$result" | awk '/Requests\/sec/ {print $2}')
    p99=$(to_ms "$(echo "$result" | awk '$1=="99%" {print $2}')")
    errors=$(echo "$result" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$round" "$rps" "$p99" "$load" "$errors" | tee -a "$tsv" >&2
    port=$((port + 1))
  done
done

python3 - "$tsv" <<'PY'
import statistics, sys
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1])]
labels = list(dict.fromkeys(r[0] for r in rows))
med = {l: (statistics.median(float(r[2]) for r in rows if r[0] == l), statistics.median(float(r[3]) for r in rows if r[0] == l)) for l in labels}
print('| server | requests/s (median round) | p99 ms (median round) | rounds: requests/s | rounds: p99 ms | load average at each round |')
print('|---|---:|---:|---|---|---|')
for l in labels:
    rs = [r for r in rows if r[0] == l]
    print(f"| {l} | {med[l][0]:,.0f} | {med[l][1]:.2f} | {' / '.join(f'{float(r[2]):,.0f}' for r in rs)} | {' / '.join(r[3] for r in rs)} | {' / '.join(r[4] for r in rs)} |")
print()
print('| ratio | requests/s | p99 |')
print('|---|---:|---:|')
for l in labels:
    if l.startswith('kestrel'): continue
    for b in ('kestrel-core', 'kestrel-locked'):
        print(f'| {l} / {b} | {med[l][0] / med[b][0]:.2f}x | {med[l][1] / med[b][1]:.2f}x |')
for a, b in (('rogerrat-aot', 'rogerrat-jit'), ('rogerrat-aot', 'rogerrat-aot-before'), ('rogerrat-jit', 'rogerrat-jit-before')):
    if a in med and b in med:
        print(f'| {a} / {b} | {med[a][0] / med[b][0]:.2f}x | {med[a][1] / med[b][1]:.2f}x |')
PY
