#!/usr/bin/env python3
"""fsync benchmark for the durable store (issue 13).

Usage: python3 RogerRat.Bench/Durability/fsync-bench.py BINARY [--seconds N] [--senders 1,50] [--modes memory,off,batch,always]
                                                              [--dir DIR]

In one run, starts BINARY once per mode, one after another: in memory (no --data-dir), then --data-dir with
--fsync off, batch and always. The data dir is on a real disk (default: a fresh dir under /var/tmp, never /tmp, which
may be tmpfs; --dir to choose). For each mode and each sender count, S senders each hold one raw keep-alive HTTP
connection (asyncio streams, one event loop: cheaper per request than threads + http.client) and send DMs back to back for N seconds (default 5) to a listener that drains; the send
latency is the time from the request to its 200. Prints a markdown table (sends/s, p50, p99 per mode and sender count)
and the batch/always throughput ratio at the largest sender count. The in-memory row is the client's own ceiling: the
Python client (GIL-bound threads) cannot push faster than that, so a durable row close to it is client-bound.
Stdlib only; every socket call has a timeout and each hub is killed on every exit path.
"""
import argparse, asyncio, http.client, json, os, shutil, signal, socket, subprocess, sys, tempfile, threading, time

TIMEOUT = 10.0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def fs_type(path):
    try:
        out = subprocess.run(["stat", "-f", "-c", "%T", path], capture_output=True, text=True, timeout=5).stdout.strip()
        return out or "?"
    except Exception:
        return "?"


class Conn:
    """One keep-alive connection; reconnects if the hub closed it."""
    def __init__(self, port):
        self.port = port
        self.c = None

    def req(self, method, path, body=None, headers=None):
        for attempt in (0, 1):
            if self.c is None:
                self.c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            try:
                h = {"Content-Type": "application/json"} if body is not None else {}
                h.update(headers or {})
                self.c.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
                r = self.c.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                return r.status, data
            except (OSError, http.client.HTTPException):
                self.close()
                if attempt:
                    raise

    def close(self):
        if self.c is not None:
            try:
                self.c.close()
            except Exception:
                pass
            self.c = None


def start_hub(binary, mode, data_dir, log_path):
    port = free_port()
    args = [binary, "--port", str(port)]
    if mode != "memory":
        args += ["--data-dir", data_dir, "--fsync", mode]
    log = open(log_path, "ab")
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    log.close()
    deadline = time.time() + 15
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"hub ({mode}) exited with {proc.returncode}; see {log_path}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/healthz")
            r = c.getresponse()
            r.read()
            c.close()
            if r.status == 200:
                return proc, port
        except OSError:
            pass
        time.sleep(0.02)
    proc.kill()
    raise RuntimeError(f"hub ({mode}) did not answer /healthz")


def stop_hub(proc):
    if proc and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def pct(sorted_vals, p):
    if not sorted_vals:
        return float("nan")
    i = min(len(sorted_vals) - 1, max(0, int(round(p / 100.0 * (len(sorted_vals) - 1)))))
    return sorted_vals[i]


def run_case(port, senders, seconds):
    c = Conn(port)
    st, data = c.req("POST", "/api/channels", {})
    ch = json.loads(data)
    chan, token = ch["channel_id"], ch["join_token"]
    auth = {"Authorization": f"Bearer {token}"}
    base = f"/api/channels/{chan}"

    def join(cs):
        s, d = c.req("POST", base + "/join", {"callsign": cs}, auth)
        if s != 200:
            raise RuntimeError(f"join {cs}: {s} {d[:200]!r}")
        return json.loads(d)["session_id"]

    sink_sid = join("sink")
    sids = [join(f"s{i}") for i in range(senders)]
    c.close()

    stop = threading.Event()
    lat = [[] for _ in range(senders)]
    errors = [0] * senders

    def drain():
        d = Conn(port)
        h = dict(auth, **{"X-Session-Id": sink_sid})
        while not stop.is_set():
            try:
                d.req("GET", base + "/listen?timeout=1", None, h)
            except Exception:
                time.sleep(0.05)
        d.close()

    async def send(i, deadline_box):
        body = json.dumps({"to": "sink", "message": "x" * 64}).encode()
        req = (f"POST {base}/send HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
               f"X-Session-Id: {sids[i]}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
               ).encode() + body
        mine = lat[i]
        reader = writer = None
        while not stop.is_set():
            try:
                if writer is None:
                    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), TIMEOUT)
                t0 = time.perf_counter()
                writer.write(req)
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), TIMEOUT)
                status = int(head[9:12])
                length, close = 0, False
                for line in head.split(b"\r\n")[1:]:
                    k, _, v = line.partition(b":")
                    k = k.strip().lower()
                    if k == b"content-length":
                        length = int(v)
                    elif k == b"connection" and v.strip().lower() == b"close":
                        close = True
                if length:
                    await asyncio.wait_for(reader.readexactly(length), TIMEOUT)
                t1 = time.perf_counter()
                if status == 200:
                    if not stop.is_set():
                        mine.append(t1 - t0)
                else:
                    errors[i] += 1
                if close:
                    writer.close()
                    reader = writer = None
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                errors[i] += 1
                if writer is not None:
                    writer.close()
                reader = writer = None
                await asyncio.sleep(0.01)
        if writer is not None:
            writer.close()

    async def senders_main():
        await asyncio.gather(*(send(i, None) for i in range(senders)))

    dt = threading.Thread(target=drain, daemon=True)
    dt.start()
    time.sleep(0.2)
    t_stop = []
    timer = threading.Timer(seconds, lambda: (t_stop.append(time.perf_counter()), stop.set()))
    t_start = time.perf_counter()
    timer.start()
    # The senders: one asyncio loop, one raw keep-alive connection per sender (much cheaper per request than
    # threads + http.client, so the client stays out of the way at the `always` rate).
    asyncio.run(asyncio.wait_for(senders_main(), seconds + TIMEOUT + 5))
    stop.set()
    elapsed = (t_stop[0] if t_stop else time.perf_counter()) - t_start   # only sends answered before the stop count
    dt.join(timeout=5)
    all_lat = sorted(x for l in lat for x in l)
    return {"rate": len(all_lat) / elapsed, "p50": pct(all_lat, 50) * 1000, "p99": pct(all_lat, 99) * 1000,
            "n": len(all_lat), "errors": sum(errors)}


def main():
    ap = argparse.ArgumentParser(description="sends/s and send latency per --fsync mode")
    ap.add_argument("binary")
    ap.add_argument("--seconds", type=float, default=5.0)
    ap.add_argument("--senders", default="1,50")
    ap.add_argument("--modes", default="memory,off,batch,always")
    ap.add_argument("--dir", default=None, help="parent of the data dirs (default /var/tmp); must not be tmpfs")
    a = ap.parse_args()
    binary = os.path.abspath(a.binary)
    counts = [int(x) for x in a.senders.split(",")]
    modes = a.modes.split(",")
    parent = a.dir or ("/var/tmp" if os.path.isdir("/var/tmp") else os.getcwd())
    work = tempfile.mkdtemp(prefix="rr-fsync-bench-", dir=parent)
    fst = fs_type(work)
    print(f"fsync bench: {binary}, {a.seconds:g} s per case, data dirs under {work} (filesystem {fst})", flush=True)
    if fst in ("tmpfs", "ramfs"):
        print("warning: the data dir is on tmpfs; fsync costs nothing there, pass --dir on a real disk", flush=True)
    results = {}
    proc = None
    try:
        for mode in modes:
            for n in counts:
                data_dir = os.path.join(work, f"data-{mode}-{n}")
                proc, port = start_hub(binary, mode, data_dir, os.path.join(work, f"hub-{mode}.log"))
                try:
                    r = run_case(port, n, a.seconds)
                finally:
                    stop_hub(proc)
                    proc = None
                results[(mode, n)] = r
                print(f"  {mode:>6} x{n:<3} {r['rate']:9.0f} sends/s  p50 {r['p50']:7.2f} ms  p99 {r['p99']:7.2f} ms"
                      f"  ({r['n']} sends, {r['errors']} errors)", flush=True)
    except Exception as e:
        print(f"fsync bench failed: {type(e).__name__}: {e}")
        stop_hub(proc)
        print(f"logs kept in {work}")
        sys.exit(1)

    label = {"memory": "in memory", "off": "`--fsync off`", "batch": "`--fsync batch`", "always": "`--fsync always`"}
    head = "| mode | " + " | ".join(f"{n} sender{'s' if n != 1 else ''}: sends/s | p50 ms | p99 ms" for n in counts) + " |"
    print()
    print(head)
    print("|---|" + "---:|---:|---:|" * len(counts))
    for mode in modes:
        cells = []
        for n in counts:
            r = results[(mode, n)]
            cells.append(f"{r['rate']:.0f} | {r['p50']:.2f} | {r['p99']:.2f}")
        print(f"| {label.get(mode, mode)} | " + " | ".join(cells) + " |")
    big = max(counts)
    if ("batch", big) in results and ("always", big) in results and results[("always", big)]["rate"] > 0:
        ratio = results[("batch", big)]["rate"] / results[("always", big)]["rate"]
        print(f"\nbatch/always at {big} senders: {ratio:.1f}x")
    if ("memory", big) in results:
        print(f"client ceiling (in-memory row, {big} senders): ~{results[('memory', big)]['rate']:.0f} sends/s")
    if any(r["errors"] for r in results.values()):
        print("note: some sends failed (non-200 or socket errors); see the per-case lines above")
    print(f"data dir filesystem: {fst}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
