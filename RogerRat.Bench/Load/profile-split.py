#!/usr/bin/env python3
"""Splits `perf script -F comm,pid,tid,time,ip,sym,dso` output (recorded with -a -g) into where the time goes.

Every sample of the server process (--pid) gets exactly one bucket, so the buckets add up to 100%:
- kernel: the leaf frame is in the kernel; named after the system call found in its stack (send, recv, epoll,
  futex = threads sleeping and waking, other) or softirq/scheduler when it has none. On loopback the sender's send
  also runs the receiver's TCP input, so "send" includes delivering the bytes.
- runtime/our code/libraries: the nearest frame, from the leaf up, that one of RULES names (first match wins), so a
  memmove inside Utf8JsonWriter counts as JSON and a lock spin under Channel.TryTake as the engine's lock.
Samples of other processes are summed per process name: how much of the 2 cores the client and the rest took.
"""
import argparse
import collections
import re
import sys

KERNEL_CALLS = [
    ("send", re.compile(r"__sys_sendto|__sys_sendmsg|sock_sendmsg|tcp_sendmsg|__x64_sys_sendto|__x64_sys_write|ksys_write|sock_write_iter")),
    ("recv", re.compile(r"__sys_recvfrom|__sys_recvmsg|sock_recvmsg|tcp_recvmsg|__x64_sys_recvfrom|__x64_sys_read|ksys_read|sock_read_iter")),
    ("epoll", re.compile(r"ep_poll|do_epoll_wait|epoll_ctl|__x64_sys_epoll")),
    ("futex", re.compile(r"futex")),
    ("accept/close", re.compile(r"__sys_accept|sys_close|__fput|sock_close|tcp_close")),
    ("other syscalls, syscall entry/exit", re.compile(r"do_syscall_64")),
    ("softirq/irq", re.compile(r"do_softirq|__irq_exit|irq_exit|asm_sysvec|asm_common_interrupt|net_rx_action")),
    ("scheduler", re.compile(r"schedule|finish_task_switch|ret_from_fork")),
]

# (bucket, pattern on the frame's symbol). Order matters: the first rule that matches the nearest frame wins.
RULES = [
    ("runtime: GC", re.compile(r"gc_heap::|WKS::|SVR::|GCHeap::|GCToEEInterface|gc_mark|mark_object|plan_phase|RhpGcPoll|GarbageCollect|memclr_for_gc|GCStress")),
    ("our code: engine lock (Channel._gate)", re.compile(r"System\.Threading\.Lock[.:]|System_Threading_Lock|Monitor\.|Monitor__|ObjectNative|AwareLock|JIT_MonEnter|RhpMonitor|SyncBlock|System_Threading_Monitor")),
    ("our code: JSON (WireJson, Utf8JsonWriter)", re.compile(r"System\.Text\.Json|System_Text_Json|WireJson|Listened\.Write|Listened__Write|JavaScriptEncoder|System_Text_Encodings_Web|System\.Text\.Encodings\.Web")),
    ("our code: HTTP parser", re.compile(r"HttpParser|HttpRequestHead|RogerRat_Http_Server_HttpParser|RogerRat_Http_Server_HttpRequestHead")),
    ("our code: engine (lease, ring, waiter)", re.compile(r"RogerRat\.Core\.(Channel|MessageRing|ListenWaiter|Hub|CallsignState|Storage|Session|Delivery)|RogerRat_Core_(Channel|MessageRing|ListenWaiter|Hub|CallsignState|Storage|Session|Delivery)")),
    ("our code: HTTP server (connection, response, router)", re.compile(r"RogerRat\.Http\.Server|RogerRat_Http_Server")),
    ("our code: REST + service layer", re.compile(r"RogerRat\.Http\.Api|RogerRat_Http_Api|RogerRat\.Core\.Service|RogerRat_Core_Service|RogerRat\.Core|RogerRat_Core|RogerRat\.Http|RogerRat_Http|RogerRat")),
    ("library: Pipelines", re.compile(r"System\.IO\.Pipelines|System_IO_Pipelines")),
    ("library: sockets (managed)", re.compile(r"System\.Net\.Sockets|System_Net_Sockets|SystemNative_|System\.Net\.|System_Net_")),
    ("runtime: thread pool", re.compile(r"ThreadPool|WorkStealingQueue|LowLevelLifoSemaphore|LowLevelMonitor|PortableThreadPool|WorkerThread|ThreadPoolWorkQueue|System_Threading_Thread|SemaphoreSlim")),
    ("runtime: async machinery", re.compile(r"AsyncTaskMethodBuilder|AsyncValueTaskMethodBuilder|PoolingAsyncValueTask|AsyncStateMachineBox|ManualResetValueTaskSourceCore|ExecutionContext|System\.Threading\.Tasks|System_Threading_Tasks|CancellationToken|TimerQueue|System_Threading_Timer|System\.Threading\.Timer")),
    ("runtime: allocation", re.compile(r"RhpNew|RhNew|JIT_New|AllocateObject|Alloc(ate)?String|RhpAlloc|alloc_more_space|try_allocate|allocate_more|Allocate")),
    ("library: Kestrel / ASP.NET Core", re.compile(r"Microsoft\.AspNetCore|Microsoft_AspNetCore")),
    ("library: other BCL", re.compile(r"^System\.|^System_|Microsoft\.|Microsoft_|S_P_CoreLib|System\.Private")),
]


def frames_of(lines):
    out = []
    for line in lines:
        parts = line.strip().split(None, 1)
        if len(parts) < 2:
            continue
        rest = parts[1]
        dso = rest[rest.rfind("(") + 1:-1] if rest.endswith(")") else ""
        sym = rest[:rest.rfind("(")].strip() if "(" in rest else rest
        sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
        out.append((sym, dso))
    return out


SYSCALL = re.compile(r"__(?:x64|se)_sys_(\w+)")


def bucket(frames):
    """(bucket, the frame that decided it)."""
    if not frames:
        return "unknown", "?"
    leaf_sym, leaf_dso = frames[0]
    if "kernel" in leaf_dso:
        kernel = [s for s, d in frames if "kernel" in d]
        joined = " ".join(kernel)
        # No sys_* frame: a sample on the way in or out of a system call (return to user space, rescheduling).
        call = next((m.group(1) for m in map(SYSCALL.search, kernel) if m), None)
        if call is None:
            at = next((i for i, k in enumerate(kernel) if k == "do_syscall_64"), None)
            call = kernel[at - 1] if at else kernel[-1]
        for name, pattern in KERNEL_CALLS:
            if pattern.search(joined):
                return f"kernel: {name}", call
        return "kernel: other", call
    # The shipped runtime's native code has no symbols: a sample in it stays the runtime's (GC, allocation helpers,
    # stubs) rather than going to the managed method that called into it.
    if leaf_sym == "[unknown]" and ("libcoreclr" in leaf_dso or "libclrgc" in leaf_dso):
        return "runtime: native (libcoreclr, no symbols: GC, stubs, type checks)", leaf_sym
    for sym, dso in frames:
        if sym == "[unknown]":
            continue
        for name, pattern in RULES:
            if pattern.search(sym):
                if name.startswith("library: other"):
                    caller = next((c for c, _ in frames if "RogerRat" in c), "")
                    sym = f"{sym} (under {caller})" if caller else sym
                return name, sym
    if "libcoreclr" in leaf_dso or "libclrgc" in leaf_dso:
        return "runtime: native (libcoreclr, no symbols: GC, stubs, type checks)", leaf_sym
    if "libclrjit" in leaf_dso:
        return "runtime: JIT compiler", leaf_sym
    if "libc" in leaf_dso:
        return "runtime: libc", next((s for s, _ in frames if s != "[unknown]"), leaf_sym)
    if "libSystem.Native" in leaf_dso:
        return "library: sockets (managed)", leaf_sym
    return f"other: {leaf_dso.rsplit('/', 1)[-1] or leaf_sym}", leaf_sym


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("--client", type=int, default=0, help="the harness's pid (perf record's child)")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--detail", type=int, default=4, help="frames shown under each bucket")
    args = ap.parse_args()
    per_process = collections.Counter()
    buckets = collections.Counter()
    leaves = collections.Counter()
    deciders = collections.defaultdict(collections.Counter)
    total = 0
    head, stack = None, []

    def flush():
        nonlocal total
        if head is None:
            return
        total += 1
        comm, pid = head
        if pid != args.pid:
            if pid in client_pids:
                per_process["client (the harness)"] += 1
            elif comm.startswith((".NET", "dotnet", "RogerRat")):
                per_process["other .NET processes (other engineers' builds and runs)"] += 1
            elif pid == 0:
                per_process["idle"] += 1
            else:
                per_process["other processes"] += 1
            return
        per_process["server"] += 1
        frames = frames_of(stack)
        name, by = bucket(frames)
        buckets[name] += 1
        deciders[name][by] += 1
        leaf = next((s for s, _ in frames if s != "[unknown]"), frames[0][0] if frames else "?")
        leaves[leaf] += 1

    client_pids = set()
    lines = sys.stdin.read().splitlines()
    if args.client:
        client_pids.add(args.client)

    for line in lines:
        if line and not line.startswith("\t") and not line.startswith(" "):
            flush()
            m = re.match(r"^(.+?)\s+(\d+)/(\d+)\s+[\d.]+:", line)
            head = (m.group(1).strip(), int(m.group(2))) if m else None
            stack = []
        elif line.strip():
            stack.append(line)
    flush()

    print(f"samples in the window: {total} (both cores)")
    for name, n in per_process.most_common(8):
        print(f"  {name:<45} {100.0 * n / total:5.1f}%")
    server = per_process["server"]
    if server == 0:
        return
    print(f"\nserver process: {server} samples, split (each sample once; % of the server's samples)")
    groups = collections.Counter()
    for name, n in buckets.items():
        groups[name.split(":")[0]] += n
    for g, n in groups.most_common():
        print(f"  {g:<60} {100.0 * n / server:5.1f}%")
    print()
    for name, n in buckets.most_common():
        print(f"  {name:<60} {100.0 * n / server:5.1f}%")
        for by, m in deciders[name].most_common(args.detail):
            print(f"      {100.0 * m / server:5.1f}%  {by[:100]}")
    print(f"\nserver: top {args.top} leaf functions (self)")
    for name, n in leaves.most_common(args.top):
        print(f"  {100.0 * n / server:5.1f}%  {name[:110]}")


if __name__ == "__main__":
    main()
