#!/usr/bin/env python3
"""One markdown table from several profile.sh outputs: a column per profile, a row per bucket of profile-split.py
(% of the server's samples) plus the machine's share (server, client, other processes) during the window.
Usage: profile-table.py RogerRat.Bench/Load/results/profile-*/  (column title: the folder name without "profile-")
"""
import os
import re
import sys

ROWS = [
    ("machine: server process", "share", "server"),
    ("machine: client (the harness)", "share", "client (the harness)"),
    ("machine: other processes + idle", "share", None),
    ("kernel: send (incl. loopback delivery)", "bucket", "kernel: send"),
    ("kernel: recv", "bucket", "kernel: recv"),
    ("kernel: epoll", "bucket", "kernel: epoll"),
    ("kernel: syscall entry/exit, other calls", "bucket", "kernel: other syscalls, syscall entry/exit"),
    ("kernel: softirq/irq, futex, faults, other", "bucket", ["kernel: softirq/irq", "kernel: futex", "kernel: other", "kernel: scheduler", "kernel: accept/close"]),
    ("runtime: GC", "bucket", "runtime: GC"),
    ("runtime: thread pool + async machinery", "bucket", ["runtime: thread pool", "runtime: async machinery"]),
    ("runtime: other (allocation helpers, libc, JIT, native)", "bucket", ["runtime: allocation", "runtime: libc", "runtime: JIT compiler",
                                                                     "runtime: native (libcoreclr, no symbols: GC, stubs, type checks)"]),
    ("ours: HTTP parser", "bucket", "our code: HTTP parser"),
    ("ours: HTTP server (connection, response, router)", "bucket", "our code: HTTP server (connection, response, router)"),
    ("ours: REST + service layer", "bucket", "our code: REST + service layer"),
    ("ours: JSON (WireJson, Utf8JsonWriter)", "bucket", "our code: JSON (WireJson, Utf8JsonWriter)"),
    ("ours: engine lock (Channel._gate)", "bucket", "our code: engine lock (Channel._gate)"),
    ("ours: engine (lease, ring, waiter)", "bucket", "our code: engine (lease, ring, waiter)"),
    ("libraries: sockets, Pipelines, other BCL", "bucket", ["library: sockets (managed)", "library: Pipelines", "library: other BCL"]),
    ("Kestrel / ASP.NET Core (kestrel-core only)", "bucket", "library: Kestrel / ASP.NET Core"),
    ("unresolved (other: ...)", "bucket", None),
]


def parse(path):
    shares, buckets, total = {}, {}, None
    section = "shares"
    for line in open(os.path.join(path, "split.txt")):
        if line.startswith("samples in the window"):
            total = int(re.search(r"(\d+)", line).group(1))
        elif line.startswith("server process"):
            section = "groups"
        elif section == "groups" and line.strip() == "" and buckets == {}:
            section = "buckets"
        m = re.match(r"^  (\S.*?)\s+([\d.]+)%$", line.rstrip())
        if not m:
            continue
        if section == "shares":
            shares[m.group(1)] = float(m.group(2))
        elif section == "buckets":
            buckets[m.group(1)] = float(m.group(2))
    return total, shares, buckets


def main():
    paths = [p.rstrip("/") for p in sys.argv[1:]]
    cols = [parse(p) for p in paths]
    print("| % of the server's samples (machine rows: % of both cores) | " + " | ".join(os.path.basename(p).replace("profile-", "") for p in paths) + " |")
    print("|---|" + "---:|" * len(paths))
    for title, kind, key in ROWS:
        cells = []
        for total, shares, buckets in cols:
            if kind == "share":
                v = shares.get(key, 0.0) if key else 100.0 - shares.get("server", 0) - shares.get("client (the harness)", 0)
            elif key is None:
                v = sum(val for k, val in buckets.items() if k.startswith("other:"))
            else:
                keys = key if isinstance(key, list) else [key]
                v = sum(buckets.get(k, 0.0) for k in keys)
            cells.append(f"{v:.1f}")
        print(f"| {title} | " + " | ".join(cells) + " |")
    print("| samples in the window (both cores, 2,999 Hz) | " + " | ".join(str(c[0]) for c in cols) + " |")


if __name__ == "__main__":
    main()
