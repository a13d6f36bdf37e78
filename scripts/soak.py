#!/usr/bin/env python3
"""Soak test of one Gatehouse sidecar pair on loopback (see bench/README.md; not part of CI).

    client -> web sidecar's upstream listener -> mTLS -> db sidecar -> gatehouse echo, and back

1. Bulk: one connection pushes --bytes through the chain while the echo comes back at the same
   time; what comes back must hash (SHA-256) to what was sent, followed by the echo app's
   "bye\\n" after the client's half-close.
2. Short connections: --connections times connect, send a few bytes, read their echo, close,
   from --workers threads; every failure is counted.
3. File descriptors and RSS of both sidecars at the start, after the bulk test and at the end,
   and the sidecars' per-connection log lines counted by outcome and end.
Every process it starts is stopped on exit, failure, Ctrl-C or SIGTERM; ports are chosen at run
time (port 0 everywhere).
"""

import argparse
import collections
import hashlib
import json
import os
import random
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in bench/
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from bench import Agent, Process, cpu_seconds, raise_fd_limit  # noqa: E402  (bench/bench.py)

UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "kib": 2**10, "m": 10**6, "mb": 10**6,
         "mib": 2**20, "g": 10**9, "gb": 10**9, "gib": 2**30}


def size(text):
    """A byte count: 1048576, 64MiB, 1GiB, 500MB."""
    match = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", text)
    if not match or match[2].lower() not in UNITS:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (examples: 64MiB, 1GiB)")
    return int(match[1]) * UNITS[match[2].lower()]


def count(text):
    """A count: 500000, 500_000 or 500k."""
    match = re.fullmatch(r"\s*([\d_]+)\s*([kKmM]?)\s*", text)
    if not match:
        raise argparse.ArgumentTypeError(f"not a count: {text!r}")
    return int(match[1]) * {"": 1, "k": 10**3, "m": 10**6}[match[2].lower()]


def addr(text):
    host, port = text.rsplit(":", 1)
    return host, int(port)


def tcp_sockets(pid):
    """inode -> (local port, remote port, state) for the TCP sockets of pid's network namespace."""
    sockets = {}
    for name in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{name}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, state, inode = fields[1], fields[2], fields[3], fields[9]
            sockets[inode] = (int(local.rsplit(":", 1)[1], 16), int(remote.rsplit(":", 1)[1], 16),
                              state)
    return sockets


def snapshot(process, agent_port):
    """Open file descriptors (all, listening TCP sockets, TCP connections to the agent, other
    TCP connections) and resident memory (KiB) of a running process."""
    pid = process.proc.pid
    sockets = tcp_sockets(pid)
    fds = {"fds": 0, "listening": 0, "to_agent": 0, "tcp_other": 0}
    for fd in os.listdir(f"/proc/{pid}/fd"):
        fds["fds"] += 1
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        match = re.fullmatch(r"socket:\[(\d+)\]", target)
        if match and match[1] in sockets:
            _, remote, state = sockets[match[1]]
            if state == "0A":
                fds["listening"] += 1
            elif remote == agent_port:
                fds["to_agent"] += 1
            else:
                fds["tcp_other"] += 1
    return {**fds, "rss_kib": process.rss_kib()}


class CpuMeter:
    """CPU seconds spent between start() and stop() by each process, and by this script."""

    def __init__(self, processes):
        self.processes = processes

    def __enter__(self):
        self.before = {n: cpu_seconds([p]) for n, p in self.processes.items()}
        self.client_before = time.process_time()
        self.result = {}
        return self.result

    def __exit__(self, *exc):
        for name, process in self.processes.items():
            self.result[name] = cpu_seconds([process]) - self.before[name]
        self.result["client"] = time.process_time() - self.client_before


# --- 1. bulk, both ways at once ----------------------------------------------------------------

CHUNK = 256 * 1024
BYE = b"bye\n"  # what gatehouse echo writes after the client's EOF


def bulk(entry, total, timeout):
    sock = socket.create_connection(entry, timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sent_hash, failure = hashlib.sha256(), []

    def send():
        try:
            data = random.Random(total)  # any stream will do; this one is cheap to make
            left = total
            while left:
                chunk = data.randbytes(min(CHUNK, left))
                sent_hash.update(chunk)
                sock.sendall(chunk)
                left -= len(chunk)
            sock.shutdown(socket.SHUT_WR)
        except OSError as e:
            failure.append(f"send: {e!r}")

    started = time.monotonic()
    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    received_hash, received, tail = hashlib.sha256(), 0, b""
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    error = None
    try:
        while True:
            n = sock.recv_into(buffer)
            if n == 0:
                break
            take = max(0, min(n, total - received))
            received_hash.update(view[:take])
            tail += bytes(view[take:n])
            received += n
            if len(tail) > len(BYE):
                break  # more than the echo: fails below
    except OSError as e:
        error = f"receive: {e!r}"
    sender.join(timeout)
    seconds = time.monotonic() - started
    sock.close()
    payload = min(received, total)
    ok = (error is None and not failure and payload == total and tail == BYE and
          received_hash.digest() == sent_hash.digest())
    return {"ok": ok, "bytes_each_way": total, "bytes_received": received, "seconds": seconds,
            "mib_per_s_each_way": payload / seconds / 2**20,
            "sha256_sent": sent_hash.hexdigest(), "sha256_received": received_hash.hexdigest(),
            "tail": tail.decode(errors="replace"), "errors": failure + ([error] if error else [])}


# --- 2. many short connections -----------------------------------------------------------------

def short_connections(entry, total, workers, timeout, progress):
    lock = threading.Lock()
    next_index = iter(range(total))
    failures = collections.Counter()
    examples = {}
    done = [0]

    def one(index):
        message = f"{index:09d}\n".encode()
        with socket.create_connection(entry, timeout=timeout) as sock:
            sock.sendall(message)
            got = b""
            while len(got) < len(message):
                chunk = sock.recv(len(message) - len(got))
                if not chunk:
                    raise EOFError(f"closed after {len(got)} of {len(message)} bytes")
                got += chunk
            if got != message:
                raise ValueError(f"echo {got!r} for {message!r}")

    def work():
        while True:
            with lock:
                index = next(next_index, None)
            if index is None:
                return
            try:
                one(index)
            except (OSError, EOFError, ValueError) as e:
                kind = type(e).__name__
                with lock:
                    failures[kind] += 1
                    examples.setdefault(kind, str(e))
            with lock:
                done[0] += 1

    started = time.monotonic()
    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for t in threads:
        t.start()
    step = max(total // 10, 1)
    reported = 0
    while any(t.is_alive() for t in threads):
        time.sleep(0.5)
        if progress and done[0] >= reported + step:
            reported = done[0] - done[0] % step
            rate = done[0] / (time.monotonic() - started)
            print(f"soak: {done[0]}/{total} connections, {rate:.0f}/s, "
                  f"{sum(failures.values())} failed", file=sys.stderr, flush=True)
    seconds = time.monotonic() - started
    return {"connections": total, "workers": workers, "failed": sum(failures.values()),
            "failures": dict(failures), "failure_examples": examples, "seconds": seconds,
            "per_s": total / seconds}


# --- 3. what the sidecars logged ---------------------------------------------------------------

def conn_lines(process):
    """event=conn lines of a sidecar by level, outcome and end, and a few reasons of failures."""
    counts = collections.Counter()
    reasons = collections.Counter()
    other = collections.Counter()
    with open(process.log_path, errors="replace") as log:
        for line in log:
            level = re.match(r"level=(\w+)", line)
            if " event=conn " not in line:
                if level and level[1] not in ("info", "debug"):
                    event = re.search(r"event=(\S+)", line)
                    other[f"{level[1]} {event[1] if event else line.strip()[:80]}"] += 1
                continue
            outcome = re.search(r" outcome=(\w+)", line)
            end = re.search(r' end="?([^" ]*)', line)
            key = f"outcome={outcome[1] if outcome else '?'}"
            if end:
                key += f" end={end[1].rstrip(':')}"
            counts[key] += 1
            if outcome and outcome[1] != "accepted":
                reason = re.search(r' reason="([^"]*)"', line)
                reasons[(reason[1] if reason else "?")[:100]] += 1
    return {"conn": dict(counts), "failure_reasons": dict(reasons.most_common(5)),
            "other_warnings": dict(other.most_common(5))}


def run(args, gatehouse, workdir, total_bytes, connections, result):
    """Starts everything, runs both tests and stops everything; returns (result, ok)."""
    with ExitStack() as stack:
        agent = Agent(gatehouse, workdir, stack)
        echo = Process("echo", [gatehouse, "echo", "-listen", "127.0.0.1:0"], workdir)
        stack.callback(echo.stop)
        echo_addr = echo.wait_for(r"event=listening component=echo addr=(\S+)")[1]
        common = ["-http-addr", agent.addr]
        db = Process("db-sidecar", [gatehouse, "proxy", "-service", "db", "-service-addr",
                                    echo_addr, "-listen", "127.0.0.1:0", "-register",
                                    "-drain-timeout", "3s", *common], workdir)
        stack.callback(db.stop)
        web = Process("web-sidecar", [gatehouse, "proxy", "-service", "web", "-upstream",
                                      "db:0", "-drain-timeout", "3s", *common], workdir)
        stack.callback(web.stop)
        db.wait_for(r"event=listening listener=public")
        entry = addr(web.wait_for(r"event=listening listener=upstream upstream=db addr=(\S+)")[1])
        web.wait_for(r"event=tls_updated")
        web.wait_for(r"event=upstream_instances upstream=db count=[1-9]")
        sidecars = {"web": web, "db": db}
        everyone = {**sidecars, "echo": echo, "agent": agent.process}
        agent_port = addr(agent.addr)[1]

        def snapshots():
            return {name: snapshot(p, agent_port) for name, p in sidecars.items()}

        result["start"] = snapshots()
        with CpuMeter(everyone) as cpu:
            result["bulk"] = bulk(entry, total_bytes, args.timeout)
        result["bulk"]["cpu_s"] = cpu
        print(f"soak: bulk {'ok' if result['bulk']['ok'] else 'FAILED'} in "
              f"{result['bulk']['seconds']:.1f} s", file=sys.stderr, flush=True)
        time.sleep(1.0)
        result["after_bulk"] = snapshots()
        with CpuMeter(everyone) as cpu:
            result["short"] = short_connections(entry, connections, args.workers, args.timeout,
                                                progress=True)
        result["short"]["cpu_us_per_conn"] = {n: v / connections * 1e6 for n, v in cpu.items()}
        # Let the last connections finish closing on every hop before counting descriptors.
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            result["end"] = snapshots()
            if all(result["end"][n]["fds"] <= result["start"][n]["fds"] for n in sidecars):
                break
            time.sleep(0.5)
        # Stop the sidecars first, to see how they exit, then count what they logged.
        for name, process in sidecars.items():
            process.stop()
        result["exit_codes"] = {name: p.proc.returncode for name, p in sidecars.items()}
        result["logs"] = {name: conn_lines(p) for name, p in sidecars.items()}
        ok = (result["bulk"]["ok"] and result["short"]["failed"] == 0 and
              all(code == 0 for code in result["exit_codes"].values()))
        result["ok"] = ok
    return result, ok


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gatehouse", required=True, help="path to the gatehouse binary")
    parser.add_argument("--quick", action="store_true",
                        help="a short run: --bytes 64MiB --connections 5000")
    parser.add_argument("--bytes", type=size, help="bulk bytes each way (default 1GiB)")
    parser.add_argument("--connections", type=count, help="short connections (default 500000)")
    parser.add_argument("--workers", type=int, default=8, help="parallel short-connection clients")
    parser.add_argument("--timeout", type=float, default=30.0,
                        help="seconds a socket may wait before it counts as failed")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument("--keep-logs", action="store_true",
                        help="keep the processes' logs (always kept on failure)")
    args = parser.parse_args()
    total_bytes = args.bytes or (64 * 2**20 if args.quick else 2**30)
    connections = args.connections if args.connections is not None else (
        5000 if args.quick else 500_000)
    if args.workers < 1:
        sys.exit("soak: --workers must be at least 1")

    # Ctrl-C (even when started with SIGINT ignored, as a background job is), SIGTERM and SIGHUP
    # unwind through the ExitStack that stops every process.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda number, _: sys.exit(128 + number))
    raise_fd_limit()
    gatehouse = os.path.abspath(args.gatehouse)
    workdir = tempfile.mkdtemp(prefix="gatehouse-soak-")
    print(f"soak: {total_bytes} bytes each way, {connections} short connections, "
          f"{args.workers} workers; logs in {workdir}", file=sys.stderr, flush=True)
    result = {"bytes_each_way": total_bytes, "connections": connections,
              "workers": args.workers}
    try:
        result, ok = run(args, gatehouse, workdir, total_bytes, connections, result)
    except (KeyboardInterrupt, SystemExit):
        print(f"soak: interrupted; every process stopped; logs in {workdir}", file=sys.stderr)
        raise
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_summary(result)
    if ok and not args.keep_logs:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"soak: logs in {workdir}", file=sys.stderr)
    sys.exit(0 if ok else 1)


def print_summary(r):
    b, s = r["bulk"], r["short"]
    print(f"bulk: {b['bytes_each_way'] / 2**20:.0f} MiB each way in {b['seconds']:.1f} s "
          f"({b['mib_per_s_each_way']:.0f} MiB/s each way), sha256 "
          f"{'match' if b['sha256_sent'] == b['sha256_received'] else 'MISMATCH'}, "
          f"received {b['bytes_received']} bytes, tail {b['tail']!r}"
          + (f", errors: {b['errors']}" if b["errors"] else ""))
    print("  CPU s: " + ", ".join(f"{n} {v:.2f}" for n, v in b["cpu_s"].items()))
    print(f"short connections: {s['connections']} in {s['seconds']:.1f} s ({s['per_s']:.0f}/s, "
          f"{s['workers']} workers), {s['failed']} failed"
          + (f": {s['failures']}, e.g. {s['failure_examples']}" if s["failed"] else ""))
    print("  CPU µs per connection: " +
          ", ".join(f"{n} {v:.0f}" for n, v in s["cpu_us_per_conn"].items()))
    print("fds: all (listening/to agent/other TCP); RSS in KiB")
    print(f"{'sidecar':<8}{'fds start':>16}{'after bulk':>16}{'end':>16}"
          f"{'RSS start':>11}{'after bulk':>11}{'end':>8}{'exit':>6}")

    def fds(x):
        return f"{x['fds']} ({x['listening']}/{x['to_agent']}/{x['tcp_other']})"
    for name in ("web", "db"):
        a, m, e = r["start"][name], r["after_bulk"][name], r["end"][name]
        print(f"{name:<8}{fds(a):>16}{fds(m):>16}{fds(e):>16}"
              f"{a['rss_kib']:>11}{m['rss_kib']:>11}{e['rss_kib']:>8}"
              f"{r['exit_codes'][name]!s:>6}")
    for name in ("web", "db"):
        log = r["logs"][name]
        print(f"{name} event=conn lines: " +
              ", ".join(f"{k}: {v}" for k, v in sorted(log["conn"].items())))
        if log["failure_reasons"]:
            print(f"  failure reasons: {log['failure_reasons']}")
        if log["other_warnings"]:
            print(f"  other warnings: {log['other_warnings']}")
    print("soak: " + ("ok" if r["ok"] else "FAILED"))


if __name__ == "__main__":
    main()
