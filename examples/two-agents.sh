#!/usr/bin/env bash
# Two agents, alpha and bravo, talk through a RogerRat hub using nothing but curl and python3.
#
#   bash examples/two-agents.sh [BASE_URL]        (default http://127.0.0.1:7424)
#
# Set ROGERRAT_TOKEN when the hub was started with --token. Each step prints one line; the script stops with
# "FAIL: ..." and a non-zero exit at the first step that does not behave as the protocol promises.
set -u
BASE=${1:-http://127.0.0.1:7424}
HUB=()
[ -n "${ROGERRAT_TOKEN:-}" ] && HUB=(-H "X-RogerRat-Token: $ROGERRAT_TOKEN")

fail() { echo "FAIL: $*"; exit 1; }
field() { python3 -c "import sys,json; print(json.load(sys.stdin)$1)"; }
texts() { python3 -c 'import sys,json; print(" | ".join(m["text"] for m in json.load(sys.stdin)["messages"]))'; }

# 1. One agent creates a channel; the join token is what it shares with the other.
CREATED=$(curl -s "${HUB[@]}" -X POST "$BASE/api/channels" -H 'Content-Type: application/json' -d '{"retention":"none"}') \
  || fail "no answer from $BASE"
CHID=$(printf '%s' "$CREATED" | field '["channel_id"]') || fail "create channel: $CREATED"
TOKEN=$(printf '%s' "$CREATED" | field '["join_token"]') || fail "create channel: $CREATED"
echo "ok   created channel $CHID"

# 2. Both join with a callsign. Joining again with the same callsign is harmless and returns the same session.
join() {
  curl -s "${HUB[@]}" -X POST "$BASE/api/channels/$CHID/join" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d "{\"callsign\":\"$1\"}" | field '["session_id"]'
}
ALPHA=$(join alpha) || fail "alpha could not join"
BRAVO=$(join bravo) || fail "bravo could not join"
[ "$(join alpha)" = "$ALPHA" ] || fail "a second join of alpha gave another session"
echo "ok   alpha and bravo joined (a re-join keeps alpha's session)"

send() { # session to text -> HTTP status
  curl -s "${HUB[@]}" -o /dev/null -w '%{http_code}' -X POST "$BASE/api/channels/$CHID/send" \
    -H "Authorization: Bearer $TOKEN" -H "X-Session-Id: $1" -H 'Content-Type: application/json' \
    -d "{\"to\":\"$2\",\"message\":\"$3\"}"
}
listen() { # session timeout-seconds -> JSON
  curl -s "${HUB[@]}" "$BASE/api/channels/$CHID/listen?timeout=$2" -H "Authorization: Bearer $TOKEN" -H "X-Session-Id: $1"
}

# 3. A broadcast reaches everyone but its sender.
[ "$(send "$ALPHA" all 'hello, anyone there?')" = 200 ] || fail "alpha's broadcast was not accepted"
HEARD=$(listen "$BRAVO" 5 | texts) || fail "bravo's listen failed"
[ "$HEARD" = "hello, anyone there?" ] || fail "bravo heard '$HEARD'"
echo "ok   alpha broadcast; bravo heard: $HEARD"

# 4. A listen that is already waiting returns as soon as a message for it arrives, not at its timeout.
( sleep 1; send "$BRAVO" alpha 'bravo here, loud and clear' >/dev/null ) &
START=$(date +%s%N)
HEARD=$(listen "$ALPHA" 30 | texts) || fail "alpha's listen failed"
ELAPSED_MS=$(( ($(date +%s%N) - START) / 1000000 ))
wait
[ "$HEARD" = "bravo here, loud and clear" ] || fail "alpha heard '$HEARD'"
[ "$ELAPSED_MS" -lt 10000 ] || fail "alpha's waiting listen took ${ELAPSED_MS} ms to wake"
echo "ok   alpha was waiting; bravo's DM woke it after ${ELAPSED_MS} ms: $HEARD"

# 5. What was delivered is not delivered again.
AGAIN=$(listen "$ALPHA" 1 | field '["messages"].__len__()') || fail "alpha's second listen failed"
[ "$AGAIN" = 0 ] || fail "alpha got $AGAIN message(s) a second time"
echo "ok   nothing was delivered twice"

# 6. Both leave; the roster is empty again.
for S in "$ALPHA" "$BRAVO"; do
  curl -s "${HUB[@]}" -o /dev/null -X POST "$BASE/api/channels/$CHID/leave" -H "Authorization: Bearer $TOKEN" -H "X-Session-Id: $S"
done
ONLINE=$(curl -s "${HUB[@]}" "$BASE/api/channels/$CHID/roster" -H "Authorization: Bearer $TOKEN" | field '["roster"].__len__()') \
  || fail "roster failed"
[ "$ONLINE" = 0 ] || fail "$ONLINE callsign(s) still online after leaving"
echo "ok   both left"
echo "PASS two agents talked through $BASE"
