#!/usr/bin/env bash
# Where the time goes: profiles one server under one load-harness scenario with `perf record -a -g`, sampling only the
# measured part (the harness opens and closes perf's window around each broadcast, or around the ping-pong run), then
# splits the samples into kernel / runtime / our code (profile-split.py). For the JIT servers it also records
# dotnet-counters (GC, thread pool, lock contention) over the same run.
# Usage: RogerRat.Bench/Load/profile.sh <rogerrat-aot|rogerrat-jit|kestrel-core> <name> [loadtest args...]
#   e.g. profile.sh rogerrat-aot broadcast-1000 --scenario broadcast --n 1000 --repeats 10 --quiet-ms 1500
# Needs: perf (apt-get install linux-perf), the Release build (or ROGERRAT_JIT=path/rogerrat.dll), ./publish/rogerrat (or
# ROGERRAT_AOT=path) with its .dbg beside it, and for counters dotnet-counters in PATH or in $DOTNET_TOOLS
# (dotnet tool install --tool-path "$DOTNET_TOOLS" dotnet-counters).
# Output: RogerRat.Bench/Load/results/profile-<server>-<name>/{perf.data,split.txt,counters.csv,loadtest.tsv,server.log}
set -u
cd "$(dirname "$0")/../.."
server=$1 name=$2; shift 2
out=RogerRat.Bench/Load/results/profile-$server-$name; rm -rf "$out"; mkdir -p "$out"
bench=RogerRat.Bench/bin/Release/net10.0/RogerRat.Bench.dll
host=${ROGERRAT_JIT:-RogerRat.Host/bin/Release/net10.0/rogerrat.dll}
aot=${ROGERRAT_AOT:-./publish/rogerrat}
counters=$(command -v dotnet-counters || echo "${DOTNET_TOOLS:-/tmp/dntools}/dotnet-counters")
port=7591
config=$(mktemp --suffix .json); ctl=$(mktemp -u); ack=$(mktemp -u)
trap 'rm -f "$config" "$ctl" "$ack"' EXIT
printf '{"Hub":{"MaxCallsignsPerChannel":24000}}\n' > "$config"
hub_args=(--port $port --max-sessions-per-channel 12000 --max-connections 30000 --config "$config" --log-level warning)

# AOT code resolves through the binary's .dbg, added to perf's build-id cache. JIT code resolves through
# /tmp/perf-<pid>.map, which needs W^X off (with it, code runs from a memfd mapping the map does not describe) and
# ReadyToRun off (precompiled framework code is in no map; with it off the framework is jitted and tiered like ours).
# The runtime's own native code (libcoreclr: GC, stubs) has no symbols in the shipped runtime: it shows as one bucket.
jit_env=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 DOTNET_ReadyToRun=0)
case $server in
  rogerrat-aot) [ -f "$aot.dbg" ] && perf buildid-cache -a "$aot.dbg" 2>/dev/null; "$aot" "${hub_args[@]}" >"$out/server.log" 2>&1 & ;;
  rogerrat-jit) env "${jit_env[@]}" dotnet "$host" "${hub_args[@]}" >"$out/server.log" 2>&1 & ;;
  kestrel-core) env "${jit_env[@]}" dotnet "$bench" serve-kestrel-core $port 12000 >"$out/server.log" 2>&1 & ;;
  *) echo "unknown server $server"; exit 2 ;;
esac
pid=$!; echo "$pid" > "$out/server.pid"
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
# A short pass of the same scenario first, unrecorded: the JIT servers reach their tier-1 code before the window opens.
# (Arguments are first-match, so the shorter settings in front win.)
dotnet "$bench" loadtest --port $port --repeats 2 --seconds 3 --dm-seconds 3 "$@" >"$out/warmup.log" 2>&1
uptime | tee "$out/uptime.txt"

counting=
if [ "$server" != rogerrat-aot ] && [ -x "$counters" ]; then
  "$counters" collect -p "$pid" --format csv -o "$out/counters.csv" --refresh-interval 1 \
    --counters 'System.Runtime[dotnet.gc.collections,dotnet.gc.heap.total_allocated,dotnet.gc.pause.time,dotnet.thread_pool.queue.length,dotnet.thread_pool.thread.count,dotnet.thread_pool.work_item.count,dotnet.monitor.lock_contentions,cpu-usage,time-in-gc,alloc-rate,threadpool-queue-length,threadpool-completed-items-count,monitor-lock-contention-count,gen-0-gc-count,gen-1-gc-count,gen-2-gc-count]' \
    >"$out/counters.log" 2>&1 &
  counting=$!
  sleep 2
fi

mkfifo "$ctl" "$ack"
perf record -a -g -F 2999 -D -1 --control "fifo:$ctl,$ack" -o "$out/perf.data" -- \
  dotnet "$bench" loadtest --port $port --pid "$pid" --label "$server" --out "$out/loadtest.tsv" --perf-ctl "$ctl,$ack" "$@" \
  2>"$out/perf-record.log" | tee "$out/loadtest.log"
uptime | tee -a "$out/uptime.txt"

[ -n "$counting" ] && { sleep 2; kill -TERM "$counting"; wait "$counting" 2>/dev/null; }
kill "$pid"; for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
client=$(sed -n 's/^# harness pid //p' "$out/loadtest.log")
perf script -i "$out/perf.data" -F comm,pid,tid,time,ip,sym,dso 2>/dev/null \
  | python3 RogerRat.Bench/Load/profile-split.py --pid "$pid" --client "${client:-0}" | tee "$out/split.txt"
