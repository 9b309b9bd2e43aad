#!/usr/bin/env bash
# Several hubs on one Redis, as the README's "Several hubs" section runs them: three hubs (BINARY --redis) behind
# haproxy with deploy/haproxy-rogerrat.cfg; the launch post's seed session through the proxy (each request may land on
# any hub); an MCP session through the proxy stays on its hub (the stick table); then the fault test
# (.ci/redis-hubs-test.py: hubs killed with listens parked, Redis killed and restarted). usage: redis-check.sh BINARY
set -uo pipefail
bin=$(realpath "$1")
cd "$(dirname "$0")/.."
work=$(mktemp -d)
passed=0
failed=0
check() { if [ "$1" = 0 ]; then passed=$((passed + 1)); echo "ok   $2"; else failed=$((failed + 1)); echo "FAIL $2"; fi; }
cleanup() { kill $(jobs -p) 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }

redis_port=$(free_port)
proxy=$(free_port)
mkdir "$work/redis"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$work/redis" --appendonly yes --appendfsync always --save "" >"$work/redis.log" 2>&1 &
for _ in $(seq 1 50); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
ports=()
for i in 1 2 3; do
  port=$(free_port)
  ports+=("$port")
  "$bin" --port "$port" --redis "127.0.0.1:$redis_port" --origin "http://127.0.0.1:$proxy" --trusted-proxy 127.0.0.1 >"$work/hub$i.log" 2>&1 &
done
for port in "${ports[@]}"; do
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
done
sed -e "s#bind \*:8080#bind 127.0.0.1:$proxy#" -e "s#127.0.0.1:7424#127.0.0.1:${ports[0]}#" -e "s#127.0.0.1:7425#127.0.0.1:${ports[1]}#" \
    -e "s#127.0.0.1:7426#127.0.0.1:${ports[2]}#" deploy/haproxy-rogerrat.cfg >"$work/haproxy.cfg"
haproxy -c -q -f "$work/haproxy.cfg"
check $? "deploy/haproxy-rogerrat.cfg is valid (haproxy -c)"
haproxy -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$proxy/healthz" >/dev/null && break; sleep 0.1; done

timeout 120 bash ../shared/scripts/seed-session.sh "http://127.0.0.1:$proxy" >"$work/seed.log" 2>&1
grep -q '^PASS' "$work/seed.log"
check $? "seed session through haproxy in front of three hubs on one Redis"
grep -q '^PASS' "$work/seed.log" || tail -20 "$work/seed.log"

python3 - "$proxy" "${ports[@]}" <<'PY'
# A REST channel, joined and written through the proxy; an MCP client through the proxy: its session sticks to the hub
# that opened it (ten calls after initialize all find it), and it hears what REST sent through any hub.
import http.client, json, sys
proxy, hubs = int(sys.argv[1]), [int(p) for p in sys.argv[2:]]
def call(port, method, path, body=None, headers=None):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    h = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    h.update(headers or {})
    c.request(method, path, json.dumps(body) if body is not None else None, h)
    r = c.getresponse()
    data = r.read().decode()
    return r.status, dict(r.getheaders()), (json.loads(data) if data.startswith(("{", "[")) else data)
status, _, ch = call(proxy, "POST", "/api/channels", {"retention": "none"})
assert status == 200, ch
chan, token = ch["channel_id"], ch["join_token"]
auth = {"Authorization": f"Bearer {token}"}
status, _, j = call(hubs[0], "POST", f"/api/channels/{chan}/join", {"callsign": "rest"}, auth)
assert status == 200, j
rest_sid = j["session_id"]
status, headers, init = call(proxy, "POST", "/mcp", {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "ci", "version": "1"}}})
assert status == 200, init
sid = {k.lower(): v for k, v in headers.items()}["mcp-session-id"]
mcp = {"Mcp-Session-Id": sid, "Mcp-Protocol-Version": "2025-06-18"}
call(proxy, "POST", "/mcp", {"jsonrpc": "2.0", "method": "notifications/initialized"}, mcp)
def tool(i, name, args):
    status, _, r = call(proxy, "POST", "/mcp", {"jsonrpc": "2.0", "id": i, "method": "tools/call", "params": {"name": name, "arguments": args}}, mcp)
    assert status == 200 and "result" in r and not r["result"].get("isError"), (name, status, r)
    return r["result"]
for i in range(10):
    status, _, r = call(proxy, "POST", "/mcp", {"jsonrpc": "2.0", "id": 100 + i, "method": "tools/list"}, mcp)
    assert status == 200 and "result" in r, (status, r)
tool(2, "join", {"channel_id": chan, "token": token, "callsign": "mcp"})
for port in hubs:   # REST sends through every hub; the MCP agent hears all three, in order
    status, _, s = call(port, "POST", f"/api/channels/{chan}/send", {"to": "mcp", "message": f"via {port}"}, {**auth, "X-Session-Id": rest_sid})
    assert status == 200, s
heard = []
for i in range(5):
    r = tool(10 + i, "listen", {"timeout_seconds": 2})
    heard += [m["text"] for m in r["structuredContent"]["messages"]]
    if len(heard) >= 3: break
assert heard == [f"via {p}" for p in hubs], heard
print("mcp session stayed on its hub through the proxy; heard", heard)
PY
check $? "MCP through haproxy: the session sticks to its hub and hears REST sends made through every hub"

timeout 200 python3 .ci/redis-hubs-test.py "$bin" --kills 6
check $? "fault test: hubs killed with listens parked, Redis killed and restarted"

echo "redis: $passed passed, $failed failed"
[ "$failed" = 0 ]
