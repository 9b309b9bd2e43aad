#!/usr/bin/env bash
# Checks the deploy/ examples the README shows: the systemd unit passes systemd-analyze verify (pointed at the built
# binary), and the nginx site, with a self-signed certificate for localhost, carries the two-agent example and a
# long-poll longer than nginx's 60 s default. usage: deploy-check.sh ROGERRAT_BINARY
set -euo pipefail
bin=$1
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null; true' EXIT

sed "s#^ExecStart=/usr/local/bin/rogerrat#ExecStart=$bin#" deploy/rogerrat.service >"$work/rogerrat.service"
out=$(systemd-analyze verify "$work/rogerrat.service" 2>&1) || { echo "$out"; echo "systemd unit: verify failed"; exit 1; }
[ -z "$out" ] || { echo "$out"; echo "systemd unit: verify printed warnings"; exit 1; }
echo "systemd unit: systemd-analyze verify clean"

port=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
tls=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
"$bin" --port "$port" --origin "https://localhost:$tls" --trusted-proxy 127.0.0.1 >"$work/hub.log" 2>&1 &
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost -addext subjectAltName=DNS:localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
sed -e "s#listen 443 ssl;#listen 127.0.0.1:$tls ssl;#" -e 's#server_name hub.example.com;#server_name localhost;#' \
    -e "s#/etc/letsencrypt/live/hub.example.com/fullchain.pem#$work/cert.pem#" \
    -e "s#/etc/letsencrypt/live/hub.example.com/privkey.pem#$work/key.pem#" \
    -e "s#127.0.0.1:7424#127.0.0.1:$port#" deploy/nginx-rogerrat.conf >"$work/site.conf"
cat >"$work/nginx.conf" <<CONF
daemon on;
pid $work/nginx.pid;
error_log $work/error.log;
events {}
http {
  access_log off;
  client_body_temp_path $work; proxy_temp_path $work; fastcgi_temp_path $work; uwsgi_temp_path $work; scgi_temp_path $work;
  include $work/site.conf;
}
CONF
nginx -t -c "$work/nginx.conf" -p "$work" 2>&1 | tail -1
nginx -c "$work/nginx.conf" -p "$work"
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
export CURL_CA_BUNDLE=$work/cert.pem
bash examples/two-agents.sh "https://localhost:$tls"

# A wait of 70 s through the proxy must end as the hub answers it (200, timed out), not with nginx's 504.
R=$(curl -s -X POST "https://localhost:$tls/api/channels" -d '{"retention":"none"}')
CHID=$(echo "$R" | python3 -c 'import sys,json;print(json.load(sys.stdin)["channel_id"])')
TOKEN=$(echo "$R" | python3 -c 'import sys,json;print(json.load(sys.stdin)["join_token"])')
SID=$(curl -s -X POST "https://localhost:$tls/api/channels/$CHID/join" -H "Authorization: Bearer $TOKEN" -d '{"callsign":"alpha"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["session_id"])')
code=$(curl -s -o "$work/wait.json" -w '%{http_code}' --max-time 90 "https://localhost:$tls/api/channels/$CHID/wait?timeout=70" -H "Authorization: Bearer $TOKEN" -H "X-Session-Id: $SID")
[ "$code" = 200 ] || { echo "70 s wait through nginx: HTTP $code"; cat "$work/wait.json"; exit 1; }
echo "nginx: a 70 s wait through the proxy answered 200"
echo "PASS deploy examples"
