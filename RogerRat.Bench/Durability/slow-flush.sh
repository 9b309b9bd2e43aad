#!/usr/bin/env bash
# Runs fsyncbench (memory, off, batch, always) on the native disk, then on slow-flush disks: ext4 on a loop device
# whose image file lies on slowflush (slowflush.c, a FUSE passthrough whose every flush fsyncs for real, then sleeps
# until DELAY_US have passed). Group commit only pays where a flush is expensive (cloud block volumes, SSDs honouring
# FLUSH, hard disks: 1-10 ms); the project VM flushes in ~0.3 ms, so there batch/always says more about the CPU.
# Usage: RogerRat.Bench/Durability/slow-flush.sh BINARY [DELAY_US ...] [-- fsyncbench args]
#   e.g. slow-flush.sh /tmp/rr-aot/rogerrat 0 1000 5000 -- --seconds 4 --senders 1,50   (0 = the native disk)
# Needs root, /dev/fuse, a free loop device, gcc, libfuse3-dev and e2fsprogs (apt-get install -y gcc libfuse3-dev
# fuse3 e2fsprogs), the .NET SDK.
set -eu
cd "$(dirname "$0")/../.."
binary=$(realpath "${1:?usage: slow-flush.sh BINARY [DELAY_US ...] [-- fsyncbench args]}"); shift
delays=(); while [ $# -gt 0 ] && [ "$1" != "--" ]; do delays+=("$1"); shift; done
[ $# -gt 0 ] && shift
[ ${#delays[@]} -eq 0 ] && delays=(0 1000 5000)
pkg-config --exists fuse3 || { echo "needs libfuse3-dev: apt-get install -y gcc libfuse3-dev fuse3 e2fsprogs" >&2; exit 2; }

work=$(mktemp -d /var/tmp/rr-slowflush.XXXXXX)
back=$work/back; fuse=$work/fuse; fs=$work/fs; fuse_pid=; loop=
cleanup() {
  if mountpoint -q "$fs"; then umount "$fs"; fi
  if [ -n "$loop" ]; then losetup -d "$loop"; loop=; fi
  if [ -n "$fuse_pid" ]; then
    # A detached loop device lets go of its image a moment later.
    for _ in $(seq 1 50); do umount "$fuse" 2>/dev/null && break; sleep 0.1; done
    mountpoint -q "$fuse" && umount -l "$fuse"
    wait "$fuse_pid" 2>/dev/null || true; fuse_pid=
  fi
  rm -rf "$back" "$fuse" "$fs"
}
trap 'cleanup; rm -rf "$work"' EXIT
gcc -O2 -Wall RogerRat.Bench/Durability/slowflush.c $(pkg-config fuse3 --cflags --libs) -o "$work/slowflush"
dotnet build RogerRat.Bench -c Release -v q -nologo >/dev/null
bench=RogerRat.Bench/bin/Release/net10.0/RogerRat.Bench.dll

flushes() { kill -USR1 "$fuse_pid"; sleep 0.3; tail -1 "$work/slowflush.log" | awk '{print $2}'; }

# What a program pays per fsync on DIR: 200 x (a 200-byte write + fsync). With IMAGE, also checks that the last
# write reached the image file on the real disk (under slowflush, which fsyncs it there).
probe() { # dir [image]
  python3 - "$@" <<'EOF'
import os, sys, time
path = os.path.join(sys.argv[1], "rr-probe")
marker = os.urandom(8).hex().encode()
fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
t = time.perf_counter()
for i in range(200):
    os.write(fd, marker + b"%04d" % i + b"x" * 180)
    os.fsync(fd)
ms = (time.perf_counter() - t) / 200 * 1000
os.close(fd)
os.unlink(path)
found = "no image to check"
if len(sys.argv) > 2:
    last, tail = marker + b"0199", b""
    with open(sys.argv[2], "rb") as f:
        while (chunk := f.read(1 << 24)) and last not in tail + chunk: tail = chunk[-64:]
    found = "the last write is in the image on the real disk" if chunk else "LAST WRITE NOT IN THE IMAGE"
print(f"# probe: write+fsync {ms:.3f} ms each; {found}")
sys.exit(0 if "NOT" not in found else 1)
EOF
}

for delay in "${delays[@]}"; do
  if [ "$delay" = 0 ]; then
    label=native; dir=$work/native; mkdir -p "$dir"
    echo "# device $label: data dirs under $dir; $(uptime)"
    probe "$dir"
  else
    label="flush-$(awk "BEGIN { print $delay / 1000 }")ms"; dir=$fs
    mkdir -p "$back" "$fuse" "$fs"
    # fuse 3.14 warns of its own default thread limit at every start; that line is noise.
    "$work/slowflush" "$back" "$fuse" "$delay" -f 2> >(grep --line-buffered -v "max threads" >"$work/slowflush.log") &
    fuse_pid=$!
    for _ in $(seq 1 50); do mountpoint -q "$fuse" && break; sleep 0.1; done
    mountpoint -q "$fuse" || { echo "slowflush did not mount" >&2; exit 1; }
    truncate -s 1G "$fuse/disk.img"
    loop=$(losetup -f --show "$fuse/disk.img")
    # Nothing left for ext4 to initialise in the background while the bench runs.
    mkfs.ext4 -q -E lazy_itable_init=0,lazy_journal_init=0 "$loop"
    mount "$loop" "$fs"
    echo "# device $label: ext4 on $loop on slowflush, data dirs under $dir; $(uptime)"
    before=$(flushes)
    probe "$dir" "$back/disk.img"
    after=$(flushes)
    echo "# probe: $(awk "BEGIN { print ($after - $before) / 200 }") device flushes per fsync; $(tail -1 "$work/slowflush.log")"
  fi
  dotnet "$bench" fsyncbench --binary "$binary" --dir "$dir" --label "$label" "$@"
  if [ "$delay" != 0 ]; then flushes >/dev/null; echo "# $(tail -1 "$work/slowflush.log") (whole run)"; fi
  echo "# device $label done; $(uptime)"
  cleanup
done
