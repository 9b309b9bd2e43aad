#!/usr/bin/env python3
"""Runs the README's command blocks as a newcomer would. Every ```bash block must follow a marker line
`<!-- ci: KIND -->`, so a new block cannot go untested by accident:
  hub      started in the background; the `run` blocks then run against it (it must answer /healthz on 7424)
  run      run in order, each in `bash -euo pipefail`, while the hub runs; must exit 0 and print no "error"
  test     must be exactly the command .ci/run uses as its test step
  publish  run as is (`publish` mode), before the hub steps
  skip     not runnable headless; the marker says why and what covers it instead
usage: readme-blocks.py publish|run|test-command"""
import os, re, signal, subprocess, sys, tempfile, time, urllib.request

text = open(os.path.join(os.path.dirname(__file__), "..", "README.md"), encoding="utf-8").read()
blocks = []
for m in re.finditer(r"```bash\n(.*?)```", text, re.S):
    before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
    marker = re.fullmatch(r"<!-- ci: (hub|run|test|publish|skip)\b.*-->", before.strip())
    if not marker:
        sys.exit(f"README block without a '<!-- ci: ... -->' marker:\n{m.group(1)}")
    blocks.append((marker.group(1), m.group(1)))

mode = sys.argv[1]
if mode == "test-command":
    tests = [b.strip() for k, b in blocks if k == "test"]
    assert len(tests) == 1, tests
    print(tests[0])
    sys.exit(0)

def run(kind, body):
    print(f"--- README {kind} block:\n{body.rstrip()}", flush=True)
    p = subprocess.run(["bash", "-euo", "pipefail", "-c", body], capture_output=True, text=True, timeout=900)
    print(p.stdout + p.stderr, flush=True)
    if p.returncode != 0 or (kind == "run" and '"error"' in p.stdout):
        sys.exit(f"README {kind} block failed (exit {p.returncode})")

if mode == "publish":
    for kind, body in blocks:
        if kind == "publish":
            run(kind, body)
    sys.exit(0)

hub = [b for k, b in blocks if k == "hub"]
assert len(hub) == 1, "one hub block"
print(f"--- README hub block (background):\n{hub[0].rstrip()}", flush=True)
log_path = os.path.join(tempfile.mkdtemp(), "readme-hub.log")
log = open(log_path, "w")
proc = subprocess.Popen(["bash", "-c", hub[0]], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
try:
    for _ in range(1800):
        try:
            urllib.request.urlopen("http://127.0.0.1:7424/healthz", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None:
                sys.exit("the hub block exited: " + open(log_path).read()[-2000:])
            time.sleep(0.1)
    else:
        sys.exit("the hub block never answered /healthz on 127.0.0.1:7424")
    for kind, body in blocks:
        if kind == "run":
            run(kind, body)
    print(f"README: {sum(k == 'run' for k, _ in blocks)} run blocks passed against the hub block's hub; "
          f"{sum(k == 'skip' for k, _ in blocks)} marked skip", flush=True)
finally:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
