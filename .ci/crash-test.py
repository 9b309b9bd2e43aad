#!/usr/bin/env python3
"""Crash test for the durable store (issue 13).

Usage: python3 .ci/crash-test.py BINARY [--kills N] [--seed S] [--callsigns C] [--keep]

Starts BINARY with a fresh temp --data-dir and --fsync always, creates a channel, and runs C callsigns (default 4),
each with a sender thread (DMs and broadcasts, unique texts, one Idempotency-Key per message) and a listener thread
(plain cursor listens, no `since`). Every 0.3-1.5 s the hub gets kill -9 and is restarted on the same dir (on a new
free port); clients keep their X-Session-Id, a send in flight at the kill is retried with its same Idempotency-Key,
a listen is simply repeated. Senders pace themselves (~50 sends/s each) and listeners idle up to 0.3 s between
listens, so every kill finds a backlog of queued messages but no callsign's backlog nears the channel's 100-message
ring (a `missed` gap report counts as a problem). After N kills and a final restart every callsign drains until empty, and the clients'
own records are checked: every acknowledged send delivered exactly once to every eligible callsign (broadcast: all
but the sender; DM: the addressee), in increasing id order, nothing unknown delivered, ids never going backwards.
Prints `crash test: K kills, A acknowledged, L lost, D duplicated`; exits 0 only when L=0, D=0 and no other problem.
Stdlib only. Every socket call has a timeout, the hub is killed on every exit path, and a watchdog bounds the run.
"""
import argparse, http.client, json, os, random, shutil, signal, socket, subprocess, sys, tempfile, threading, time

SOCK_TIMEOUT = 5.0          # every HTTP call
LISTEN_TIMEOUT = 1          # the hub's long-poll timeout (seconds, its minimum)
SEND_GAP = 0.02             # per sender; keeps backlogs well under the channel's 100-message ring
LISTEN_PAUSE = 0.3          # a listener idles up to this long between listens (backlog of ~30 at most)
WATCHDOG = 170.0            # whole run


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class HttpError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}: {body[:200]}")
        self.status, self.body = status, body


class Hub:
    def __init__(self, binary, data_dir, log_path):
        self.binary, self.data_dir, self.log_path = binary, data_dir, log_path
        self.proc = None
        self.port = None
        self.epoch = 0
        self.up = False
        self.cond = threading.Condition()

    def start(self):
        port = free_port()
        log = open(self.log_path, "ab")
        log.write(f"\n=== start epoch {self.epoch + 1} port {port} ===\n".encode())
        log.flush()
        self.proc = subprocess.Popen([self.binary, "--port", str(port), "--data-dir", self.data_dir, "--fsync", "always"],
                                     stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hub exited with {self.proc.returncode} at start (epoch {self.epoch + 1})")
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                c.request("GET", "/healthz")
                r = c.getresponse()
                r.read()
                c.close()
                if r.status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.02)
        else:
            raise RuntimeError("hub did not answer /healthz within 15 s")
        with self.cond:
            self.port = port
            self.epoch += 1
            self.up = True
            self.cond.notify_all()

    def kill9(self):
        with self.cond:
            self.up = False
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        if self.proc:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass

    def current(self):
        with self.cond:
            return self.port, self.epoch, self.up

    def wait_newer(self, epoch, stop):
        """Wait until a hub newer than `epoch` is up (or stop is set). Returns False on stop/timeout."""
        deadline = time.time() + 30
        with self.cond:
            while not (self.up and self.epoch > epoch):
                if stop.is_set() or time.time() > deadline:
                    return False
                self.cond.wait(0.1)
        return True


def call(port, method, path, body=None, headers=None, timeout=SOCK_TIMEOUT):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        h = {"Content-Type": "application/json"} if body is not None else {}
        h.update(headers or {})
        c.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
        r = c.getresponse()
        data = r.read().decode("utf-8", "replace")
    finally:
        c.close()
    if r.status != 200:
        raise HttpError(r.status, data)
    return json.loads(data)


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.problems = []
        self.acks = []            # (epoch, id, sender, to, text, replayed)
        self.attempted = {}       # text -> (sender, to)
        self.received = {}        # callsign -> [(id, text, from, to, epoch)]
        self.unresolved = []      # texts whose send never got a 200

    def problem(self, msg):
        with self.lock:
            self.problems.append(msg)


def sender(cs, others, hub, st, chan, sid, token, stop_sending, stop_all, rng):
    seq = 0
    base = f"/api/channels/{chan}"
    while not stop_sending.is_set() and not stop_all.is_set():
        seq += 1
        to = "all" if rng.random() < 0.4 else rng.choice(others)
        text = f"{cs}-{seq}-{rng.getrandbits(32):08x}"
        with st.lock:
            st.attempted[text] = (cs, to)
        hdr = {"Authorization": f"Bearer {token}", "X-Session-Id": sid, "Idempotency-Key": "k-" + text}
        body = {"to": to, "message": text}
        tries = 0
        while True:
            if stop_all.is_set():
                with st.lock:
                    st.unresolved.append(text)
                return
            port, epoch, up = hub.current()
            if not up:
                hub.wait_newer(epoch, stop_all)
                continue
            tries += 1
            try:
                r = call(port, "POST", base + "/send", body, hdr)
            except HttpError as e:
                st.problem(f"{cs}: send {text} (try {tries}, epoch {epoch}) got {e}")
                with st.lock:
                    st.unresolved.append(text)
                # The hub lost our channel or session (a hub without durability): stop until the next restart.
                if not hub.wait_newer(epoch, stop_all) or stop_sending.is_set():
                    return
                break
            except (OSError, http.client.HTTPException, ValueError):
                # In flight at the kill (or refused before the restart): retry with the same key on a newer hub.
                if hub.current()[1] == epoch and hub.current()[2]:
                    time.sleep(0.05)       # the same hub: a plain timeout or reset, retry
                    if tries > 20:
                        st.problem(f"{cs}: send {text} failed 20 times on one live hub")
                        with st.lock:
                            st.unresolved.append(text)
                        return
                else:
                    hub.wait_newer(epoch, stop_all)
                continue
            with st.lock:
                st.acks.append((epoch, r.get("id"), cs, to, text, bool(r.get("replayed"))))
            if not isinstance(r.get("id"), int):
                st.problem(f"{cs}: send {text} answered 200 without an integer id: {r}")
            break
        time.sleep(SEND_GAP * rng.uniform(0.5, 1.5))


def listener(cs, hub, st, chan, sid, token, senders_done, stop_all, rng):
    base = f"/api/channels/{chan}"
    hdr = {"Authorization": f"Bearer {token}", "X-Session-Id": sid}
    while not stop_all.is_set():
        port, epoch, up = hub.current()
        if not up:
            hub.wait_newer(epoch, stop_all)
            continue
        drained_check = senders_done.is_set()
        try:
            r = call(port, "GET", base + f"/listen?timeout={LISTEN_TIMEOUT}", None, hdr)
        except HttpError as e:
            st.problem(f"{cs}: listen (epoch {epoch}) got {e}")
            if drained_check:
                return
            if not hub.wait_newer(epoch, stop_all):
                return
            continue
        except (OSError, http.client.HTTPException, ValueError):
            if hub.current()[1] == epoch and hub.current()[2]:
                time.sleep(0.05)
            else:
                hub.wait_newer(epoch, stop_all)
            continue
        msgs = r.get("messages") or []
        if r.get("missed"):
            st.problem(f"{cs}: listen reported missed={r.get('missed')} oldest_available_id={r.get('oldest_available_id')}")
        with st.lock:
            for m in msgs:
                if m.get("kind") == "status":
                    continue
                st.received[cs].append((m.get("id"), m.get("text"), m.get("from"), m.get("to"), epoch))
        if drained_check and not msgs:
            return          # every send was resolved before this listen started: the callsign is drained
        if not drained_check:
            time.sleep(rng.uniform(0, LISTEN_PAUSE))   # let a backlog build, so a kill finds queued messages


def main():
    ap = argparse.ArgumentParser(description="kill -9 crash test for rogerrat --data-dir --fsync always")
    ap.add_argument("binary")
    ap.add_argument("--kills", type=int, default=20)
    ap.add_argument("--callsigns", type=int, default=4)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the data dir and hub log")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"crash test: seed {seed}, {a.kills} kills, {a.callsigns} callsigns, binary {a.binary}", flush=True)

    tmp = tempfile.mkdtemp(prefix="rr-crash-")
    data_dir = os.path.join(tmp, "data")
    log_path = os.path.join(tmp, "hub.log")
    hub = Hub(os.path.abspath(a.binary), data_dir, log_path)
    st = State()
    stop_sending, senders_done, stop_all = threading.Event(), threading.Event(), threading.Event()
    kills = 0
    threads_s, threads_l = [], []
    fatal = None

    def watchdog():
        if not stop_all.wait(WATCHDOG):
            st.problem(f"watchdog: run exceeded {WATCHDOG:.0f} s")
            stop_all.set()
            hub.kill9()
    threading.Thread(target=watchdog, daemon=True).start()

    try:
        hub.start()
        port = hub.port
        ch = call(port, "POST", "/api/channels", {})
        chan, token = ch["channel_id"], ch["join_token"]
        names = [f"cs{i}" for i in range(a.callsigns)]
        sids = {}
        for n in names:
            sid = f"crash-{n}-{rng.getrandbits(48):012x}"
            j = call(port, "POST", f"/api/channels/{chan}/join", {"callsign": n},
                     {"Authorization": f"Bearer {token}", "X-Session-Id": sid})
            if j.get("session_id") != sid:
                raise RuntimeError(f"join {n}: hub returned session_id {j.get('session_id')}, expected {sid}")
            sids[n] = sid
            st.received[n] = []
        for n in names:
            t = threading.Thread(target=listener, args=(n, hub, st, chan, sids[n], token, senders_done, stop_all,
                                                        random.Random(rng.random())), daemon=True)
            t.start()
            threads_l.append(t)
        for n in names:
            t = threading.Thread(target=sender, args=(n, [o for o in names if o != n], hub, st, chan, sids[n], token,
                                                      stop_sending, stop_all, random.Random(rng.random())), daemon=True)
            t.start()
            threads_s.append(t)

        for k in range(a.kills):
            if stop_all.is_set():
                break
            time.sleep(rng.uniform(0.3, 1.5))
            hub.kill9()
            kills += 1
            if k == a.kills - 1:
                stop_sending.set()       # no new sends; in-flight ones are retried on the final hub
            hub.start()

        # Final hub: let every sender resolve its in-flight send, then drain every callsign.
        for t in threads_s:
            t.join(timeout=30)
            if t.is_alive():
                st.problem("a sender did not finish within 30 s on the final hub")
        senders_done.set()
        for t in threads_l:
            t.join(timeout=30)
            if t.is_alive():
                st.problem("a listener did not drain within 30 s on the final hub")
    except Exception as e:
        fatal = f"{type(e).__name__}: {e}"
    finally:
        stop_all.set()
        hub.kill9()

    # ---- checks ----
    problems = []                    # the checks' findings first, then what the clients saw while running
    names = list(st.received.keys())
    acked = {}                       # text -> (id, sender, to)
    for (epoch, mid, cs, to, text, replayed) in st.acks:
        if text in acked and acked[text][0] != mid:
            problems.append(f"{text}: acknowledged twice with different ids {acked[text][0]} and {mid}")
        acked.setdefault(text, (mid, cs, to))
    # ids never go backwards: a new (non-replayed) id in epoch e is above every id acknowledged in an earlier epoch.
    max_before, by_epoch = {}, {}
    for (epoch, mid, cs, to, text, replayed) in st.acks:
        if isinstance(mid, int):
            by_epoch.setdefault(epoch, []).append((mid, replayed))
    running = None
    for e in sorted(by_epoch):
        new = [m for m, rp in by_epoch[e] if not rp]
        if running is not None and new and min(new) <= running:
            problems.append(f"ids went backwards: epoch {e} acknowledged new id {min(new)} <= {running} from earlier epochs")
        running = max([running or 0] + [m for m, _ in by_epoch[e]])
    lost = dup = 0
    for n in names:
        got = st.received[n]
        seen = {}
        prev = None
        for (mid, text, frm, to, epoch) in got:
            if prev is not None and isinstance(mid, int) and mid <= prev:
                problems.append(f"{n}: id order broken: {mid} after {prev} ({text})")
            if isinstance(mid, int):
                prev = mid if prev is None else max(prev, mid)
            seen[text] = seen.get(text, 0) + 1
            if seen[text] == 2:
                problems.append(f"{n}: {text} (id {mid}) delivered more than once (this copy in epoch {epoch})")
            if text not in st.attempted:
                problems.append(f"{n}: delivered {text!r} (id {mid}) that was never sent")
                continue
            s_cs, s_to = st.attempted[text]
            if s_cs == n or (s_to != "all" and s_to != n):
                problems.append(f"{n}: received {text} from {s_cs} to {s_to}, not eligible")
            if text in acked and acked[text][0] != mid:
                problems.append(f"{n}: {text} delivered with id {mid}, acknowledged as {acked[text][0]}")
        dup += sum(c - 1 for c in seen.values() if c > 1)
        for text, (mid, s_cs, s_to) in acked.items():
            if s_cs != n and (s_to == "all" or s_to == n) and text not in seen:
                lost += 1
                if lost <= 5:
                    problems.append(f"{n}: acknowledged {text} (id {mid}, from {s_cs} to {s_to}) never delivered")
    # A send never acknowledged (unresolved) may or may not be delivered, but at most once: covered by `dup` above.
    if st.unresolved:
        problems.append(f"{len(st.unresolved)} sends never resolved by their idempotent retry, e.g. {st.unresolved[:3]}")

    problems = (["fatal: " + fatal] if fatal else []) + problems + st.problems
    print(f"crash test: {kills} kills, {len(acked)} acknowledged, {lost} lost, {dup} duplicated", flush=True)
    ok = lost == 0 and dup == 0 and not problems and kills >= a.kills
    if not ok:
        print(f"{len(problems)} problems; the first ones:")
        for p in problems[:12]:
            print("  " + p)
        try:
            with open(log_path, "rb") as f:
                tail = f.read()[-3000:].decode("utf-8", "replace")
            print("--- hub log tail ---\n" + tail)
        except OSError:
            pass
    if a.keep or not ok:
        print(f"data dir and hub log kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
