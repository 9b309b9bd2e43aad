"""The AOT hub started under a small open-file limit (ulimit -n 128) must keep its connections under it: connections
past its limit get 503 and it keeps serving (a hub that ran out of descriptors could not accept or even load files).
Usage: fd-limit.py PORT HUB_LOG. Exit 0 on pass."""
import socket, sys, time

port, log = int(sys.argv[1]), sys.argv[2]

def status(s):
    s.settimeout(5)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n")
    data = b""
    try:
        while b"\r\n" not in data:
            chunk = s.recv(4096)
            if not chunk: break
            data += chunk
    except OSError:
        pass
    return data.split(b" ")[1].decode() if data.startswith(b"HTTP/1.1 ") else "none"

held = []
for _ in range(300):
    held.append(socket.create_connection(("127.0.0.1", port)))
time.sleep(0.5)
statuses = [status(s) for s in held]
ok, busy, other = statuses.count("200"), statuses.count("503"), len(statuses) - statuses.count("200") - statuses.count("503")
print(f"300 connections under ulimit -n 128: {ok} answered 200, {busy} refused 503, {other} other")
for s in held: s.close()
time.sleep(0.5)
after = status(socket.create_connection(("127.0.0.1", port)))
warned = any("open-file limit is 128" in line for line in open(log))
print(f"after the flood: {after}; limit warning logged: {warned}")
sys.exit(0 if ok > 0 and busy > 0 and other == 0 and after == "200" and warned else 1)
