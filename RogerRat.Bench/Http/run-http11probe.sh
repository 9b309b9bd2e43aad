#!/usr/bin/env bash
# HTTP/1.1 compliance scores, RogerRat.Http against Kestrel, with the public Http11Probe suite (and h1spec if given).
# Neither suite is a package, so point the script at local checkouts:
#   Http11Probe: https://github.com/MDA2AV/Http11Probe (build: dotnet build -c Release src/Http11Probe.Cli)
#   h1spec:      https://github.com/dropseed/h1spec (stdlib Python; run as `python3 -m h1spec host:port --strict`)
# usage: RogerRat.Bench/Http/run-http11probe.sh /path/to/Http11Probe.Cli.dll [/path/to/h1spec-checkout]
# Scored targets: the probe's expected app (GET / "OK", POST / echo, POST /echo headers) on RogerRat.Http and on
# Kestrel (RogerRat.Bench/Http/ProbeTargetServers.cs), and the whole hub (RogerRat.Host) as shipped.
set -uo pipefail
cd "$(dirname "$0")/../.."
PROBE=${1:?path to Http11Probe.Cli.dll}
H1SPEC=${2:-}
OUT=$(mktemp -d)
dotnet build RogerRat.Bench -c Release -v q -nologo >/dev/null
dotnet build RogerRat.Host -c Release -v q -nologo >/dev/null
BENCH=RogerRat.Bench/bin/Release/net10.0/RogerRat.Bench.dll
HOST=RogerRat.Host/bin/Release/net10.0/rogerrat.dll

wait_up() { for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$1/" && return 0; sleep 0.1; done; return 1; }

score() { # name port command...
  local name=$1 port=$2; shift 2
  "$@" >/dev/null 2>&1 &
  local pid=$!
  wait_up "$port" || { echo "$name did not start"; kill $pid 2>/dev/null; return; }
  dotnet "$PROBE" --host 127.0.0.1 --port "$port" --output "$OUT/$name.json" >"$OUT/$name.txt" 2>&1
  python3 - "$name" "$OUT/$name.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[2], encoding="utf-8"))
s = d["summary"]
print(f"| {sys.argv[1]} | {s['passed']}/{s['passed'] + s['failed']} | {s['failed']} | {s['warnings']} |")
PY
  if [ -n "$H1SPEC" ]; then
    local h1
    h1=$(cd "$H1SPEC" && timeout 120 python3 -m h1spec "127.0.0.1:$port" --strict 2>&1 | sed 's/\x1b\[[0-9;]*m//g' | grep -E '[0-9]+/[0-9]+ passed' | tail -1)
    echo "|   h1spec --strict | ${h1:-no result} | | |"
  fi
  kill -TERM $pid 2>/dev/null; sleep 1; kill -KILL $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
}

echo "| target | Http11Probe scored pass | failed | warnings |"
echo "|---|---:|---:|---:|"
score "RogerRat.Http (probe app)" 7491 dotnet "$BENCH" probe-target-rogerrat 7491
score "Kestrel (probe app)" 7492 dotnet "$BENCH" probe-target-kestrel 7492
score "rogerrat hub" 7493 dotnet "$HOST" --port 7493
echo "raw results: $OUT"
