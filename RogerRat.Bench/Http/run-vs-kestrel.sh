#!/usr/bin/env bash
# Throughput comparison: the same two routes (GET /hello small JSON, POST /echo) served by RogerRat.Http and by a
# minimal Kestrel app, loaded one after the other with wrk on 127.0.0.1 with identical settings.
# Each pair is run ROUNDS times, alternating servers, and the median of the rounds is reported (the 2-core machine
# shares its cores between wrk and the server, so single runs move by 10-20%).
# Each server is warmed up first (WARMUP seconds of the same load): Kestrel's framework is precompiled (ReadyToRun),
# RogerRat.Http is JIT-compiled and reaches its tier-1 code only after a few seconds of load, so a short warm-up
# measures the JIT rather than the server.
# usage: RogerRat.Bench/Http/run-vs-kestrel.sh [duration_seconds=10] [connections=64] [threads=2] [rounds=3] [warmup_seconds=5]
set -uo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-10}
CONNECTIONS=${2:-64}
THREADS=${3:-2}
ROUNDS=${4:-3}
WARMUP=${5:-5}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
dotnet build RogerRat.Bench -c Release -v q -nologo >/dev/null
BIN=RogerRat.Bench/bin/Release/net10.0/RogerRat.Bench.dll
POST_LUA=$(mktemp --suffix=.lua)
cat >"$POST_LUA" <<'LUA'
wrk.method = "POST"
wrk.body   = '{"to":"all","message":"hello from wrk","priority":"high"}'
wrk.headers["Content-Type"] = "application/json"
LUA

run() { # server port route [script]
  local server=$1 port=$2 route=$3 script=${4:-}
  dotnet "$BIN" "serve-$server" "$port" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$port/hello" && break; sleep 0.1; done
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" ${script:+-s "$script"} "http://127.0.0.1:$port$route" >/dev/null  # warm-up
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency ${script:+-s "$script"} "http://127.0.0.1:$port$route")
  kill -TERM $pid 2>/dev/null; sleep 1; kill -KILL $pid 2>/dev/null || true; wait $pid 2>/dev/null || true
  local rps p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  echo "$rps $p99"
}

to_ms() { # wrk latency like 1.23ms, 512.00us, 1.02s
  python3 -c "import sys;v=sys.argv[1];print(float(v[:-2])/1000 if v.endswith('us') else float(v[:-2]) if v.endswith('ms') else float(v[:-1])*1000)" "$1"
}

echo "| route | server | requests/s | p99 latency |"
echo "|---|---|---:|---:|"
median() { python3 -c "import statistics,sys;print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }

for route in "GET /hello" "POST /echo"; do
  path=${route#* }
  script=""
  [ "${route%% *}" = POST ] && script=$POST_LUA
  k_all=(); kp_all=(); r_all=(); rp_all=()
  for _ in $(seq 1 "$ROUNDS"); do
    read -r rps p99 < <(run kestrel 7481 "$path" "$script"); k_all+=("$rps"); kp_all+=("$(to_ms "$p99")")
    read -r rps p99 < <(run rogerrat 7482 "$path" "$script"); r_all+=("$rps"); rp_all+=("$(to_ms "$p99")")
  done
  echo "# $route rounds: Kestrel ${k_all[*]} req/s, p99 ${kp_all[*]} ms; RogerRat.Http ${r_all[*]} req/s, p99 ${rp_all[*]} ms" >&2
  k_rps=$(median "${k_all[@]}"); k_p99="$(median "${kp_all[@]}")ms"
  r_rps=$(median "${r_all[@]}"); r_p99="$(median "${rp_all[@]}")ms"
  echo "| $route | Kestrel | $k_rps | $k_p99 |"
  echo "| $route | RogerRat.Http | $r_rps | $r_p99 |"
  python3 -c "import sys;print(f'| {sys.argv[1]} | ratio RogerRat/Kestrel | {float(sys.argv[3])/float(sys.argv[2]):.2f} | {float(sys.argv[5])/float(sys.argv[4]):.2f} |')" \
    "$route" "$k_rps" "$r_rps" "$(to_ms "$k_p99")" "$(to_ms "$r_p99")"
done
rm -f "$POST_LUA"
