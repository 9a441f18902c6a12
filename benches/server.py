#!/usr/bin/env python3
"""Editor latency of `iamlint server`: the time from a `textDocument/didChange` to the
`publishDiagnostics` it causes, on a generated workspace (docs/performance.md).

    benches/server.py                    # FILES=10000 EDITS=20, release build
    FILES=1000 EDITS=50 benches/server.py

Each edit toggles a service account with an invalid name (IAM101) in the first YAML file
of the workspace, so every edit changes that file's diagnostics and is answered by a
publication for it. Edits are sent one at a time, each after the previous answer: this is
the latency of one keystroke's lint (the whole workspace, with the buffer overlaid), plus
the server's debounce. Standard library only.
"""
import json, os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FILES = int(os.environ.get("FILES", "10000"))
EDITS = int(os.environ.get("EDITS", "20"))


def send(proc, message):
    body = json.dumps(message).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def read(proc):
    length = None
    while True:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit("the server closed its output")
        line = line.strip()
        if not line:
            break
        key, _, value = line.partition(b":")
        if key.lower() == b"content-length":
            length = int(value)
    return json.loads(proc.stdout.read(length))


def until(proc, done):
    while True:
        message = read(proc)
        if done(message):
            return message


def main():
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "iamlint", "--example", "iamlint-gen"],
                   cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target/release/iamlint")
    with tempfile.TemporaryDirectory() as work:
        subprocess.run([os.path.join(ROOT, "target/release/examples/iamlint-gen"), "generate", work,
                        "--files", str(FILES)], check=True, stdout=subprocess.DEVNULL)
        work = os.path.realpath(work)
        target = sorted(os.path.join(d, f) for d, _, fs in os.walk(work) for f in fs if f.endswith(".yaml"))[0]
        uri = "file://" + target
        text = open(target).read()
        # Into the file's list of accounts: a second `serviceAccounts:` key would be a
        # duplicate, which YAML readers resolve without a finding.
        assert "\nserviceAccounts:\n" in text, target
        bad = text.replace("\nserviceAccounts:\n", "\nserviceAccounts:\n  - name: Bench_Bot\n    description: x\n", 1)
        proc = subprocess.Popen([binary, "server"], cwd=work, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        start = time.monotonic()
        send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                    "params": {"processId": None, "rootUri": "file://" + work, "capabilities": {}}})
        until(proc, lambda m: m.get("id") == 1)
        send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
        send(proc, {"jsonrpc": "2.0", "method": "textDocument/didOpen",
                    "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}})
        # The first lint publishes every file with findings; a hover answered after it
        # marks the end of them (requests are answered in order, lints run apart).
        first = until(proc, lambda m: m.get("method") == "textDocument/publishDiagnostics")
        time.sleep(2)
        print(f"{FILES} files; first diagnostics {time.monotonic() - start:.2f} s after start", file=sys.stderr)
        times = []
        for version in range(2, EDITS + 2):
            new = bad if version % 2 == 0 else text
            t = time.monotonic()
            send(proc, {"jsonrpc": "2.0", "method": "textDocument/didChange",
                        "params": {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": new}]}})
            until(proc, lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
            times.append(time.monotonic() - t)
            print(f"edit {version - 1}: {times[-1] * 1000:.0f} ms", file=sys.stderr, flush=True)
        send(proc, {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
        until(proc, lambda m: m.get("id") == 2)
        send(proc, {"jsonrpc": "2.0", "method": "exit", "params": None})
        proc.wait(timeout=30)
        times.sort()
        ms = lambda s: f"{s * 1000:.0f} ms"
        print(f"didChange -> publishDiagnostics over {len(times)} edits: median {ms(statistics.median(times))}, "
              f"min {ms(times[0])}, max {ms(times[-1])} (exit status {proc.returncode})")


main()
