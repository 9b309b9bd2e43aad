#!/usr/bin/env python3
"""Several hubs on one Redis, under faults (issue 14).

Usage: python3 .ci/redis-hubs-test.py BINARY [--kills N] [--callsigns C] [--seed S]

Starts a redis-server (temp dir, appendonly yes, appendfsync always) and three hubs (BINARY --redis) on free ports,
creates a channel through the first and joins C callsigns with their own session ids. Each callsign has a sender
(DMs and broadcasts, one Idempotency-Key per message, each send through a random live hub, retried with the same key
on any hub after an error) and a listener (plain cursor listens, no `since`, on a home hub; when its hub dies mid-listen
it carries on with the same session id on another hub). Every 0.5-1.5 s the senders pause until every listener has
caught up and is parked again, then one hub gets kill -9 with those listens parked on it, and a new hub process takes
its place while the senders go on; halfway, Redis itself is killed mid-traffic and restarted on the same port and
data, and meanwhile every request must answer 503 store_unavailable (no hub is restarted for it). At the end every callsign
drains, and the clients' own records are checked: every acknowledged send delivered exactly once to every eligible
callsign, in increasing id order, nothing unknown, no gap reported.
Prints `redis hubs test: K hub kills, 1 redis restart, A acknowledged, L lost, D duplicated, R listens resumed on
another hub, U 503s while Redis was down`; exits 0 only when nothing was lost or duplicated, listens did resume on
another hub and no other problem showed. Stdlib only; every socket call has a timeout; a watchdog bounds the run.
"""
import argparse, http.client, json, os, random, shutil, signal, socket, subprocess, tempfile, threading, time

SOCK_TIMEOUT = 5.0
LISTEN_TIMEOUT = 2
SEND_GAP = 0.05
WATCHDOG = 150.0


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
        try:
            self.code = json.loads(body).get("code")
        except ValueError:
            self.code = None


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


def wait_healthy(port, proc, what):
    deadline = time.time() + 15
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} at start")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/healthz")
            ok = c.getresponse().status == 200
            c.close()
            if ok:
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not answer /healthz within 15 s")


class Redis:
    def __init__(self, tmp):
        self.dir = os.path.join(tmp, "redis")
        os.makedirs(self.dir)
        self.port = free_port()
        self.proc = None
        self.down = threading.Event()

    def start(self):
        self.proc = subprocess.Popen(["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir,
                                      "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--daemonize", "no"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        self.down.clear()
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not answer PING")

    def kill9(self):
        self.down.set()
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


class Hubs:
    """Three hub slots; a killed slot gets a new process (a new hub) on a new port."""

    def __init__(self, binary, redis_port, tmp):
        self.binary, self.redis_port, self.tmp = binary, redis_port, tmp
        self.lock = threading.Lock()
        self.slots = [None, None, None]     # (port, proc, generation)
        self.generation = 0

    def start(self, i):
        port = free_port()
        log = open(os.path.join(self.tmp, f"hub{i}.log"), "ab")
        proc = subprocess.Popen([self.binary, "--port", str(port), "--redis", f"127.0.0.1:{self.redis_port}", "--log-level", "warning"],
                                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        wait_healthy(port, proc, f"hub {i}")
        with self.lock:
            self.generation += 1
            self.slots[i] = (port, proc, self.generation)

    def kill9(self, i):
        with self.lock:
            slot, self.slots[i] = self.slots[i], None
        if slot and slot[1].poll() is None:
            os.kill(slot[1].pid, signal.SIGKILL)
            slot[1].wait(timeout=10)

    def live(self):
        with self.lock:
            return [(i, s[0], s[2]) for i, s in enumerate(self.slots) if s is not None]

    def port_of(self, i):
        with self.lock:
            s = self.slots[i]
            return (s[0], s[2]) if s else (None, None)

    def kill_all(self):
        for i in range(3):
            self.kill9(i)


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.problems = []
        self.acks = {}            # text -> (id, sender, to)
        self.received = {}        # callsign -> [(id, text)]
        self.unresolved = []
        self.resumed = 0
        self.unavailable = 0

    def problem(self, msg):
        with self.lock:
            self.problems.append(msg)


def sender(cs, others, hubs, redis, st, chan, sid, token, go, stop_sending, stop_all, rng):
    seq = 0
    while not stop_sending.is_set() and not stop_all.is_set():
        go.wait()
        seq += 1
        to = "all" if rng.random() < 0.4 else rng.choice(others)
        text = f"{cs}-{seq}-{rng.getrandbits(32):08x}"
        hdr = {"Authorization": f"Bearer {token}", "X-Session-Id": sid, "Idempotency-Key": "k-" + text}
        deadline = time.time() + 40
        while True:
            if stop_all.is_set() or time.time() > deadline:
                st.problem(f"{cs}: send {text} never acknowledged")
                with st.lock:
                    st.unresolved.append(text)
                return
            live = hubs.live()
            if not live:
                time.sleep(0.05)
                continue
            _, port, _ = rng.choice(live)
            try:
                r = call(port, "POST", f"/api/channels/{chan}/send", {"to": to, "message": text}, hdr)
            except HttpError as e:
                if e.status == 503 and e.code == "store_unavailable":
                    with st.lock:
                        st.unavailable += 1
                    if not redis.down.is_set():
                        time.sleep(0.05)   # a hub catching up after Redis came back, or a killed hub's lease
                    time.sleep(0.05)
                    continue
                st.problem(f"{cs}: send {text} got {e}")
                with st.lock:
                    st.unresolved.append(text)
                break
            except (OSError, http.client.HTTPException, ValueError):
                time.sleep(0.05)           # that hub died mid-request: the same key again, anywhere
                continue
            with st.lock:
                if text in st.acks and st.acks[text][0] != r.get("id"):
                    st.problems.append(f"{text}: acknowledged with ids {st.acks[text][0]} and {r.get('id')}")
                st.acks.setdefault(text, (r.get("id"), cs, to))
            break
        time.sleep(SEND_GAP * rng.uniform(0.5, 1.5))


def listener(cs, home, hubs, st, chan, sid, token, senders_done, stop_all, rng):
    hdr = {"Authorization": f"Bearer {token}", "X-Session-Id": sid}
    slot = home
    while not stop_all.is_set():
        port, _ = hubs.port_of(slot)
        if port is None:
            live = hubs.live()
            if not live:
                time.sleep(0.05)
                continue
            slot = rng.choice(live)[0]
            continue
        drained_check = senders_done.is_set()
        try:
            r = call(port, "GET", f"/api/channels/{chan}/listen?timeout={LISTEN_TIMEOUT}", None, hdr)
        except HttpError as e:
            if e.status == 503 and e.code == "store_unavailable":
                time.sleep(0.1)
                continue
            st.problem(f"{cs}: listen got {e}")
            time.sleep(0.1)
            continue
        except (OSError, http.client.HTTPException, ValueError):
            # Its hub was killed while the listen was parked there: carry on through another hub, same session.
            others = [i for i, _, _ in hubs.live() if i != slot]
            if others:
                slot = rng.choice(others)
                with st.lock:
                    st.resumed += 1
            time.sleep(0.02)
            continue
        msgs = r.get("messages") or []
        if r.get("missed"):
            st.problem(f"{cs}: listen reported missed={r.get('missed')}")
        with st.lock:
            for m in msgs:
                st.received[cs].append((m.get("id"), m.get("text")))
        if drained_check and not msgs:
            return


def caught_up(st, names, timeout):
    """Every acknowledged send has reached every eligible callsign (in-flight sends are waited for too)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        time.sleep(0.1)   # a send answered just before the pause is counted
        with st.lock:
            got = {n: {t for _, t in st.received[n]} for n in names}
            pending = [1 for text, (_, sender_cs, to) in st.acks.items() for n in names
                       if sender_cs != n and (to == "all" or to == n) and text not in got[n]]
        if not pending:
            return True
    return False


def main():
    ap = argparse.ArgumentParser(description="three hubs on one Redis under kill -9 of hubs and of Redis")
    ap.add_argument("binary")
    ap.add_argument("--kills", type=int, default=6)
    ap.add_argument("--callsigns", type=int, default=4)
    ap.add_argument("--seed", type=int, default=None)
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print(f"redis hubs test: seed {seed}, {a.kills} hub kills, {a.callsigns} callsigns", flush=True)
    tmp = tempfile.mkdtemp(prefix="rr-redis-hubs-")
    redis = Redis(tmp)
    hubs = None
    st = State()
    stop_sending, senders_done, stop_all = threading.Event(), threading.Event(), threading.Event()
    go = threading.Event()
    go.set()
    kills = 0
    restarts = 0
    fatal = None
    senders, listeners = [], []

    def watchdog():
        if not stop_all.wait(WATCHDOG):
            st.problem(f"watchdog: run exceeded {WATCHDOG:.0f} s")
            stop_all.set()
    threading.Thread(target=watchdog, daemon=True).start()
    try:
        redis.start()
        hubs = Hubs(os.path.abspath(a.binary), redis.port, tmp)
        for i in range(3):
            hubs.start(i)
        port0, _ = hubs.port_of(0)
        ch = call(port0, "POST", "/api/channels", {})
        chan, token = ch["channel_id"], ch["join_token"]
        names = [f"cs{i}" for i in range(a.callsigns)]
        sids = {}
        for n in names:
            sid = f"hubs-{n}-{rng.getrandbits(48):012x}"
            call(port0, "POST", f"/api/channels/{chan}/join", {"callsign": n}, {"Authorization": f"Bearer {token}", "X-Session-Id": sid})
            sids[n] = sid
            st.received[n] = []
        for k, n in enumerate(names):
            t = threading.Thread(target=listener, args=(n, k % 3, hubs, st, chan, sids[n], token, senders_done, stop_all,
                                                        random.Random(rng.random())), daemon=True)
            t.start()
            listeners.append(t)
        for n in names:
            t = threading.Thread(target=sender, args=(n, [o for o in names if o != n], hubs, redis, st, chan, sids[n], token,
                                                      go, stop_sending, stop_all, random.Random(rng.random())), daemon=True)
            t.start()
            senders.append(t)
        for k in range(a.kills):
            if stop_all.is_set():
                break
            time.sleep(rng.uniform(0.5, 1.5))
            victim = k % 3
            # The listens are parked when the hub dies: the senders pause until every listener has everything.
            go.clear()
            if not caught_up(st, names, 15):
                st.problem("listeners did not catch up within 15 s before a kill")
            time.sleep(0.2)
            hubs.kill9(victim)
            kills += 1
            go.set()
            if k == a.kills // 2:
                redis.kill9()
                time.sleep(1.0)
                redis.start()
                restarts += 1
            time.sleep(rng.uniform(0.2, 0.6))
            hubs.start(victim)
        stop_sending.set()
        for t in senders:
            t.join(timeout=45)
            if t.is_alive():
                st.problem("a sender did not finish within 45 s")
        senders_done.set()
        for t in listeners:
            t.join(timeout=45)
            if t.is_alive():
                st.problem("a listener did not drain within 45 s")
    except Exception as e:
        fatal = f"{type(e).__name__}: {e}"
    finally:
        stop_all.set()
        if hubs:
            hubs.kill_all()
        redis.kill9()

    problems = []
    lost = dup = 0
    ids = {text: v[0] for text, v in st.acks.items()}
    for n in st.received:
        got = st.received[n]
        texts = [t for _, t in got]
        counts = {}
        for t in texts:
            counts[t] = counts.get(t, 0) + 1
        for t, c in counts.items():
            if c > 1:
                dup += c - 1
                problems.append(f"{n}: {t} delivered {c} times")
            if t not in st.acks:
                problems.append(f"{n}: delivered {t}, which was never acknowledged")
        order = [i for i, _ in got]
        if any(b <= x for x, b in zip(order, order[1:])):
            problems.append(f"{n}: deliveries out of id order")
        for text, (mid, sender_cs, to) in st.acks.items():
            eligible = sender_cs != n and (to == "all" or to == n)
            if eligible and text not in counts:
                lost += 1
                problems.append(f"{n}: lost {text} (id {mid})")
    if st.resumed == 0:
        problems.append("no listen was ever cut by a hub kill: the test did not test resumption")
    if fatal:
        problems.append(fatal)
    problems += st.problems
    print(f"redis hubs test: {kills} hub kills, {restarts} redis restart{'s' if restarts != 1 else ''}, {len(st.acks)} acknowledged, "
          f"{lost} lost, {dup} duplicated, {st.resumed} listens resumed on another hub, {st.unavailable} 503s while Redis was down")
    for p in [p for p in problems if " lost " not in p][:20] + [p for p in problems if " lost " in p][:10]:
        print("  problem:", p)
    if problems:
        print(f"  (logs kept in {tmp})")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if not problems and lost == 0 and dup == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
