#!/usr/bin/env bash
# Packs every package into a temporary folder and checks what a consumer gets: each library .nupkg carries its README,
# the MIT licence expression, repository metadata and its XML docs, with a .snupkg beside it; .ci/consumer (outside
# the solution) restores only from that folder plus nuget.org, builds and runs; the `rogerrat` tool installs from the
# folder and passes the seed session; samples/EmbeddedHub and samples/InProcessBus run and print PASS.
# usage: .ci/packages-check.sh   (exit 0 = all passed; prints "packages: N passed, M failed")
set -uo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
# A private package cache: a 0.1.0 packed by an earlier run must never stand in for the one packed now.
export NUGET_PACKAGES=$work/nuget-cache
feed=$work/consumer/feed
passed=0
failed=0
check() { if [ "$1" = 0 ]; then passed=$((passed + 1)); echo "ok   $2"; else failed=$((failed + 1)); echo "FAIL $2"; fi; }
hub_pid=
cleanup() { [ -n "$hub_pid" ] && kill -TERM "$hub_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cp -r .ci/consumer "$work/consumer"
rm -rf "$work/consumer/bin" "$work/consumer/obj"
if ! timeout 300 dotnet pack RogerRat.sln -c Release -o "$feed" -p:ContinuousIntegrationBuild=true >"$work/pack.log" 2>&1; then
  tail -30 "$work/pack.log"; check 1 "dotnet pack"; echo "packages: $passed passed, $failed failed"; exit 1
fi
check 0 "dotnet pack"
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)

for id in RogerRat.Core RogerRat.Http RogerRat.Mcp RogerRat.Storage RogerRat.Extensions.Hosting rogerrat; do
  python3 - "$feed" "$id" "$version" <<'PY'
import os, re, sys, zipfile
feed, pid, ver = sys.argv[1:4]
nupkg = os.path.join(feed, f"{pid}.{ver}.nupkg")
problems = []
if not os.path.exists(os.path.join(feed, f"{pid}.{ver}.snupkg")): problems.append("no .snupkg")
with zipfile.ZipFile(nupkg) as z:
    names = z.namelist()
    nuspec = z.read(next(n for n in names if n.endswith(".nuspec"))).decode()
    if "README.md" not in names or "<readme>README.md</readme>" not in nuspec: problems.append("no package README")
    if '<license type="expression">MIT</license>' not in nuspec: problems.append("no MIT licence expression")
    if not re.search(r'<repository type="git" url="[^"]+"', nuspec):
        problems.append("no repository metadata")
    if pid != "rogerrat" and f"lib/net10.0/{pid}.xml" not in names: problems.append("no XML doc file")
    if pid == "rogerrat" and not any(n.endswith("DotnetToolSettings.xml") for n in names): problems.append("not a .NET tool")
print(f"{pid}: " + ("; ".join(problems) if problems else "README, MIT, repository, symbols" + ("" if pid == "rogerrat" else ", XML docs")))
sys.exit(1 if problems else 0)
PY
  check $? "package $id"
done

# Deterministic: compiling the same commit again from scratch (--no-incremental) gives the same library bytes.
timeout 300 dotnet build RogerRat.Core -c Release --no-incremental -p:ContinuousIntegrationBuild=true >"$work/pack2.log" 2>&1
timeout 120 dotnet pack RogerRat.Core -c Release --no-build -o "$work/again" -p:ContinuousIntegrationBuild=true >>"$work/pack2.log" 2>&1
python3 - "$feed/RogerRat.Core.$version.nupkg" "$work/again/RogerRat.Core.$version.nupkg" <<'PY2'
import sys, zipfile
dll = "lib/net10.0/RogerRat.Core.dll"
a, b = (zipfile.ZipFile(p).read(dll) for p in sys.argv[1:3])
sys.exit(0 if a == b else 1)
PY2
check $? "deterministic RogerRat.Core.dll across two packs"

(cd "$work/consumer" && timeout 300 dotnet run -c Release -p:RogerRatVersion="$version" 2>&1) | tee "$work/consumer.log" | tail -20
grep -q '^PASS' "$work/consumer.log"
check $? "consumer project against the packed packages"

tools=$work/tools
if timeout 180 dotnet tool install --tool-path "$tools" --add-source "$feed" --version "$version" rogerrat >"$work/tool.log" 2>&1; then
  port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
  "$tools/rogerrat" --port "$port" >"$work/tool-hub.log" 2>&1 &
  hub_pid=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  timeout 120 bash ../shared/scripts/seed-session.sh "http://127.0.0.1:$port" >"$work/seed.log" 2>&1
  tail -3 "$work/seed.log"
  grep -q '^PASS' "$work/seed.log"
  check $? "the rogerrat tool (dotnet tool install) passes the seed session"
  kill -TERM "$hub_pid" 2>/dev/null; wait "$hub_pid" 2>/dev/null; hub_pid=
else
  cat "$work/tool.log"; check 1 "dotnet tool install rogerrat"
fi

for sample in EmbeddedHub InProcessBus; do
  timeout 60 dotnet run --project "samples/$sample" -c Release 2>&1 | tee "$work/$sample.log" | tail -3
  grep -q '^PASS' "$work/$sample.log"
  check $? "samples/$sample prints PASS"
done

echo "packages: $passed passed, $failed failed"
[ "$failed" = 0 ]
