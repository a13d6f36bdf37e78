#!/usr/bin/env python3
"""Authorize latency of the dev agent while its CA rotates to an RSA 4096 key (bench/README.md).

A sidecar calls POST /v1/agent/connect/authorize for every new inbound connection, with a
deadline (2 s in Gatehouse). The dev agent answers every request on one thread, so anything slow
that it does on that thread delays every authorize call queued behind it. The slowest is a CA
rotation to a new RSA 4096 key (PUT /v1/connect/ca/configuration); this measures it:

    one thread: authorize calls on one keep-alive connection, one every --interval-ms (a busy
                sidecar's new connections; 0 = back to back, which keeps a core busy), each timed
    main thread: a rotation to {"PrivateKeyType": "rsa", "PrivateKeyBits": 4096}, timed, then
                 back to EC P-256 (a fast rotation, not measured) so the next round rotates again

Per round it reports the rotation's duration, how many authorize calls were answered while it
ran and the slowest of them; the summary gives the worst over all rounds. Not part of CI.

    bench/ca_rotation_latency.py --gatehouse build/dev/tools/gatehouse [--rounds 5]
"""

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in bench/
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import Agent  # noqa: E402  (bench/bench.py)

AUTHORIZE_BODY = json.dumps({"Target": "db",
                             "ClientCertURI": "spiffe://11111111-2222-3333-4444-555555555555"
                                              ".consul/ns/default/dc/dc1/svc/web"})


class AuthorizeLoad(threading.Thread):
    """Authorize calls back to back; every call's (start, end) in monotonic seconds."""

    def __init__(self, addr, interval):
        super().__init__(daemon=True)
        self.interval = interval
        host, port = addr.rsplit(":", 1)
        self.conn = http.client.HTTPConnection(host, int(port), timeout=30)
        self.calls = []
        self.failures = []
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            start = time.monotonic()
            self.conn.request("POST", "/v1/agent/connect/authorize", body=AUTHORIZE_BODY)
            response = self.conn.getresponse()
            body = response.read()
            end = time.monotonic()
            if response.status != 200 or "Authorized" not in json.loads(body):
                self.failures.append((response.status, body[:200]))
            self.calls.append((start, end))
            if self.interval > 0:
                time.sleep(max(0.0, start + self.interval - time.monotonic()))


def put_config(agent, config):
    """One CA configuration update on its own connection; (start, end) in monotonic seconds."""
    host, port = agent.addr.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=120)  # RSA 4096 on a busy box
    started = time.monotonic()
    conn.request("PUT", "/v1/connect/ca/configuration",
                 body=json.dumps({"Provider": "consul", "Config": config}))
    response = conn.getresponse()
    body = response.read()
    ended = time.monotonic()
    conn.close()
    if response.status != 200:
        sys.exit(f"ca_rotation_latency: PUT {config} answered {response.status}: {body[:200]}")
    return started, ended


def measure_round(agent, load, settle):
    time.sleep(settle)
    rot_start, rot_end = put_config(agent, {"PrivateKeyType": "rsa", "PrivateKeyBits": 4096})
    time.sleep(settle)
    # Calls that overlapped the rotation at all (sent before it ended, answered after it began).
    during = [end - start for start, end in list(load.calls)
              if start < rot_end and end > rot_start]
    put_config(agent, {"PrivateKeyType": "ec", "PrivateKeyBits": 256})
    return {"rotation_ms": (rot_end - rot_start) * 1000,
            "authorize_during": len(during),
            "authorize_max_ms": max(during, default=0) * 1000,
            "authorize_p50_ms": statistics.median(during) * 1000 if during else 0}


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gatehouse", required=True, help="path to the gatehouse binary")
    parser.add_argument("--rounds", type=int, default=5, help="RSA 4096 rotations (default 5)")
    parser.add_argument("--settle", type=float, default=0.3,
                        help="seconds of plain load before and after each rotation")
    parser.add_argument("--interval-ms", type=float, default=5.0,
                        help="time between authorize calls (default 5; 0 = back to back)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args()
    with ExitStack() as stack:
        workdir = stack.enter_context(tempfile.TemporaryDirectory(prefix="gatehouse-ca-bench-"))
        agent = Agent(args.gatehouse, workdir, stack)
        load = AuthorizeLoad(agent.addr, args.interval_ms / 1000)
        load.start()
        stack.callback(load.join)
        stack.callback(load.stopping.set)
        rounds = [measure_round(agent, load, args.settle) for _ in range(args.rounds)]
        if load.failures:
            sys.exit(f"ca_rotation_latency: {len(load.failures)} authorize calls failed, "
                     f"first: {load.failures[0]}")
    summary = {"rounds": rounds,
               "rotation_ms_median": statistics.median(r["rotation_ms"] for r in rounds),
               "authorize_max_ms": max(r["authorize_max_ms"] for r in rounds),
               "authorize_during_min": min(r["authorize_during"] for r in rounds)}
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    print(f"{'round':>5} {'rotation_ms':>12} {'authz_during':>13} {'authz_p50_ms':>13} "
          f"{'authz_max_ms':>13}")
    for i, r in enumerate(rounds, 1):
        print(f"{i:>5} {r['rotation_ms']:>12.0f} {r['authorize_during']:>13} "
              f"{r['authorize_p50_ms']:>13.2f} {r['authorize_max_ms']:>13.2f}")
    print(f"worst authorize during an RSA 4096 rotation: {summary['authorize_max_ms']:.1f} ms "
          f"(median rotation {summary['rotation_ms_median']:.0f} ms)")


if __name__ == "__main__":
    main()
