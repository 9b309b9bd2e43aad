#!/usr/bin/env bash
# Runs fsyncbench (memory, off, batch, always) on the native disk, then on slow-flush devices: a FUSE passthrough
# (slowflush.c) over a directory of the same disk whose every fsync first sleeps DELAY_US. Group commit only pays
# where a flush is expensive (cloud block volumes, SSDs honouring FLUSH, disks: 1-10 ms); the project VM flushes in
# ~0.3 ms, so without this the ratio batch/always says more about the CPU than about the log.
# Usage: RogerRat.Bench/Durability/slow-flush.sh BINARY [DELAY_US ...] [-- fsyncbench args]
#   e.g. slow-flush.sh /tmp/rr-aot/rogerrat 0 1000 5000 -- --seconds 4 --senders 1,50   (0 = the native disk)
# Needs root, /dev/fuse, gcc and libfuse3-dev (apt-get install -y gcc libfuse3-dev fuse3), the .NET SDK.
set -eu
cd "$(dirname "$0")/../.."
binary=$(realpath "${1:?usage: slow-flush.sh BINARY [DELAY_US ...] [-- fsyncbench args]}"); shift
delays=(); while [ $# -gt 0 ] && [ "$1" != "--" ]; do delays+=("$1"); shift; done
[ $# -gt 0 ] && shift
[ ${#delays[@]} -eq 0 ] && delays=(0 1000 5000)
pkg-config --exists fuse3 || { echo "needs libfuse3-dev: apt-get install -y gcc libfuse3-dev fuse3" >&2; exit 2; }

work=$(mktemp -d /var/tmp/rr-slowflush.XXXXXX)
mnt=$work/mnt; back=$work/back; fuse_pid=
cleanup() {
  if [ -n "$fuse_pid" ]; then umount "$mnt" 2>/dev/null || true; wait "$fuse_pid" 2>/dev/null || true; fuse_pid=; fi
  rm -rf "$back" "$mnt"
}
trap 'cleanup; rm -rf "$work"' EXIT
gcc -O2 -Wall RogerRat.Bench/Durability/slowflush.c $(pkg-config fuse3 --cflags --libs) -o "$work/slowflush"
dotnet build RogerRat.Bench -c Release -v q -nologo >/dev/null
bench=RogerRat.Bench/bin/Release/net10.0/RogerRat.Bench.dll

# The flush cost as a program sees it, and proof the bytes reach the backing directory: 200 x (200-byte write + fsync).
probe() { # dir-written, dir-checked
  python3 - "$1" "$2" <<'EOF'
import os, sys, time
path, check = (os.path.join(d, "rr-probe") for d in sys.argv[1:3])
fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
t = time.perf_counter()
for _ in range(200):
    os.write(fd, b"x" * 200)
    os.fsync(fd)
ms = (time.perf_counter() - t) / 200 * 1000
os.close(fd)
ok = os.path.getsize(check) == 40000
os.unlink(path)
print(f"# probe: write+fsync {ms:.3f} ms each; {'bytes on the backing disk' if ok else 'BACKING FILE WRONG'}")
sys.exit(0 if ok else 1)
EOF
}

for delay in "${delays[@]}"; do
  if [ "$delay" = 0 ]; then
    label=native; dir=$work; check=$work
  else
    label="flush-$((delay / 1000)).$(printf %03d $((delay % 1000)))ms"; dir=$mnt; check=$back
    mkdir -p "$back" "$mnt"
    # fuse 3.14 warns of its own default thread limit; that line is noise.
    "$work/slowflush" "$back" "$mnt" "$delay" -f 2> >(grep -v "max threads" >&2) &
    fuse_pid=$!
    for _ in $(seq 1 50); do mountpoint -q "$mnt" && break; sleep 0.1; done
    mountpoint -q "$mnt" || { echo "slowflush did not mount" >&2; exit 1; }
  fi
  echo "# device $label: data dirs under $dir; $(uptime)"
  probe "$dir" "$check"
  dotnet "$bench" fsyncbench --binary "$binary" --dir "$dir" --label "$label" "$@"
  echo "# device $label done; $(uptime)"
  if [ "$delay" != 0 ]; then kill -USR1 "$fuse_pid"; sleep 0.2; cleanup; fi
done
