#!/usr/bin/env bash
# What NativeAOT loses against the JIT host, one setting at a time (issue 11): publishes the AOT binary once per
# code-generation setting, runs each GC setting as an environment variable on the default binary, runs the same
# load-harness scenarios against every variant and the JIT host one after the other, and prints every figure with its
# ratio against the JIT host and the default AOT binary.
# Usage: RogerRat.Bench/Load/aot-variants.sh [loadtest args...]   (default: ping-pong 1 and 50 pairs, broadcast to
# 1,000 and 10,000, 100 DM pairs for 10 s). Needs the Release build of the solution. Output: RogerRat.Bench/Load/results/aot-variants.tsv
set -u
cd "$(dirname "$0")/../.."
args=("$@"); [ ${#args[@]} -eq 0 ] && args=(--scenario pingpong,broadcast,dm --pairs 1,50 --seconds 3 --n 1000,10000 --repeats 3 --dm-seconds 10)
out=RogerRat.Bench/Load/results; mkdir -p "$out"; tsv="$out/aot-variants.tsv"; rm -f "$tsv"
bench=RogerRat.Bench/bin/Release/net10.0/RogerRat.Bench.dll
host=RogerRat.Host/bin/Release/net10.0/rogerrat.dll
config=$(mktemp --suffix .json); trap 'rm -f "$config"' EXIT
printf '{"Hub":{"MaxCallsignsPerChannel":24000}}\n' > "$config"
hub_args=(--max-sessions-per-channel 12000 --max-connections 30000 --config "$config" --log-level warning)

publish() { # name, msbuild properties...
  local name=$1; shift
  [ -x "/tmp/rr-aot-$name/rogerrat" ] && return
  dotnet publish RogerRat.Host -c Release -r linux-x64 -p:PublishAot=true "$@" -o "/tmp/rr-aot-$name" >"$out/publish-$name.log" 2>&1 \
    || { echo "publish $name failed: $out/publish-$name.log"; exit 1; }
}
publish default
publish speed -p:OptimizationPreference=Speed
publish v3 -p:IlcInstructionSet=x86-64-v3
publish speed-v3 -p:OptimizationPreference=Speed -p:IlcInstructionSet=x86-64-v3

port=7531
run() { # label, env assignments (or -), command...
  local label=$1 envs=$2; shift 2
  [ "$envs" = - ] && envs=
  env $envs "$@" --port "$port" "${hub_args[@]}" >"$out/$label.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  dotnet "$bench" loadtest --port "$port" --pid "$pid" --label "$label" --out "$tsv" "${args[@]}" >/dev/null || echo "$label: harness reported lost/duplicated/errors"
  kill "$pid"; for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  port=$((port + 1))
}
run jit - dotnet "$host"
run aot - /tmp/rr-aot-default/rogerrat
run aot-speed - /tmp/rr-aot-speed/rogerrat
run aot-v3 - /tmp/rr-aot-v3/rogerrat
run aot-speed-v3 - /tmp/rr-aot-speed-v3/rogerrat
run aot-server-gc DOTNET_gcServer=1 /tmp/rr-aot-default/rogerrat
run aot-server-gc-no-datas "DOTNET_gcServer=1 DOTNET_GCDynamicAdaptationMode=0" /tmp/rr-aot-default/rogerrat
run aot-no-concurrent-gc DOTNET_gcConcurrent=0 /tmp/rr-aot-default/rogerrat
run aot-tiered-pgo-off-jit "DOTNET_TieredPGO=0" dotnet "$host"

python3 - "$tsv" <<'PY'
import sys, collections
rows = [l.rstrip('\n').split('\t') for l in open(sys.argv[1]) if l.count('\t') == 3]
labels = list(dict.fromkeys(r[0] for r in rows))
val = {(r[0], r[1], r[2]): float(r[3]) for r in rows}
keys = list(dict.fromkeys((r[1], r[2]) for r in rows))
print('| scenario | metric | ' + ' | '.join(labels) + ' | ' + ' | '.join(f'{l} / jit' for l in labels if l != 'jit') + ' |')
print('|' + '---|' * (2 + 2 * len(labels) - 1))
for s, m in keys:
    cells = [f"{val[(l, s, m)]:g}" if (l, s, m) in val else '-' for l in labels]
    base = val.get(('jit', s, m))
    ratios = [f"{val[(l, s, m)] / base:.2f}x" if base and (l, s, m) in val else '-' for l in labels if l != 'jit']
    print(f'| {s} | {m} | ' + ' | '.join(cells) + ' | ' + ' | '.join(ratios) + ' |')
PY
