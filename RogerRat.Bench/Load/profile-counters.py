#!/usr/bin/env python3
"""Sums profile.sh's dotnet-counters CSV (1 s rates) over the bursts of a run.

A burst is a run of seconds in which the server ran thread-pool work. A broadcast run with --quiet-ms alternates
(joins + first park), wake, park, wake, ...: the wakes are the even-numbered bursts after the first (1, 3, 5...), each
alone in its seconds because the park delay before it and the quiet time after it are idle. A ping-pong run is one
burst. Prints, per burst kind, the totals and the figures per request (--per: requests in one burst).
Usage: profile-counters.py counters.csv --kind broadcast|pingpong --per N
"""
import argparse
import collections
import csv


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--kind", choices=["broadcast", "pingpong"], required=True)
    ap.add_argument("--per", type=float, required=True, help="requests per burst (broadcast: N woken listens)")
    ap.add_argument("--threshold", type=float, default=50, help="work items/s that make a second active")
    args = ap.parse_args()
    seconds = collections.OrderedDict()
    with open(args.csv) as f:
        for row in csv.DictReader(f):
            name = row["Counter Name"]
            value = float(row["Mean/Increment"])
            key = {
                "dotnet.gc.heap.total_allocated (By / 1 sec)": "allocated_bytes",
                "dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen0]": "gen0",
                "dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen1]": "gen1",
                "dotnet.gc.collections ({collection} / 1 sec)[gc.heap.generation=gen2]": "gen2",
                "dotnet.gc.pause.time (s / 1 sec)": "gc_pause_s",
                "dotnet.monitor.lock_contentions ({contention} / 1 sec)": "lock_contentions",
                "dotnet.thread_pool.work_item.count ({work_item} / 1 sec)": "work_items",
            }.get(name)
            if key:
                seconds.setdefault(row["Timestamp"], collections.Counter())[key] += value
    bursts, current = [], None
    for stamp, c in seconds.items():
        if c["work_items"] > args.threshold:
            current = current or collections.Counter()
            current.update(c)
        elif current is not None:
            bursts.append(current)
            current = None
    if current is not None:
        bursts.append(current)
    chosen = bursts[1::2] if args.kind == "broadcast" else bursts[-1:]
    if not chosen:
        print("no burst found")
        return
    total = collections.Counter()
    for b in chosen:
        total.update(b)
    n = len(chosen)
    print(f"{args.kind}: {n} burst(s) of {args.per:g} requests (of {len(bursts)} bursts in the run)")
    for key in ["allocated_bytes", "gen0", "gen1", "gen2", "gc_pause_s", "lock_contentions", "work_items"]:
        per_burst = total[key] / n
        print(f"  {key:<18} per burst {per_burst:14,.3f}   per request {per_burst / args.per:12,.3f}")


if __name__ == "__main__":
    main()
