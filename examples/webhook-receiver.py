#!/usr/bin/env python3
"""A RogerRat webhook receiver (docs/PROTOCOL.md, Webhooks): verifies the signature, prints the message.

    ROGERRAT_WEBHOOK_SECRET=<secret from POST .../webhooks> python3 examples/webhook-receiver.py 8000
"""
import hashlib, hmac, json, os, sys, time
from http.server import BaseHTTPRequestHandler, HTTPServer

SECRET = os.environ["ROGERRAT_WEBHOOK_SECRET"].encode()

class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        ts = self.headers.get("X-RogerRat-Timestamp", "")
        expected = "sha256=" + hmac.new(SECRET, ts.encode() + b"." + body, hashlib.sha256).hexdigest()
        fresh = ts.isdigit() and abs(time.time() - int(ts)) < 300  # refuse replays of old requests
        if not fresh or not hmac.compare_digest(expected, self.headers.get("X-RogerRat-Signature", "")):
            self.send_response(401); self.end_headers(); return
        m = json.loads(body)["message"]
        print(f"[{m['id']}] {m['from']} -> {m['to']}: {m['text']}", flush=True)
        self.send_response(204); self.end_headers()

HTTPServer(("0.0.0.0", int(sys.argv[1]) if len(sys.argv) > 1 else 8000), Hook).serve_forever()
