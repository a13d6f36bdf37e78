#!/usr/bin/env python3
"""Side-by-side benchmark of mTLS sidecar pairs on loopback (see bench/README.md).

Every peer runs the same chain:
    load generator -> outbound proxy (plain in, mTLS out) -> inbound proxy (mTLS in, plain out) -> app
with certificates issued by one Gatehouse dev agent. Peers run in turn, rounds interleaved, and
the medians are reported with the ratio Gatehouse / HAProxy. Besides throughput and latency, the
proxies' own CPU time (both sides, every process) is reported per GB, per request and per new
connection, and a keep-alive sweep runs at 1 to 1024 concurrent connections.
"""

import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from pathlib import Path

PEERS = ["direct", "gatehouse", "gatehouse-local", "haproxy", "stunnel"]
FIGURES = ["bulk_gbps", "cpu_s_per_gb", "new_conns_per_s", "cpu_us_per_conn", "keepalive_rps",
           "keepalive_p50_ms", "keepalive_p99_ms", "cpu_us_per_req", "idle_kib_per_conn"]
SWEEP = [1, 32, 256, 1024]
SWEEP_FIGURES = ["rps", "p99_ms", "cpu_us_per_req"]
# Figures where more is better; for the others (latency, memory, CPU) less is better.
HIGHER_IS_BETTER = {"bulk_gbps", "new_conns_per_s", "keepalive_rps"}


def sweep_figure(connections, figure):
    return f"sweep_c{connections}_{figure}"


def sweep_figures(sweep):
    return [sweep_figure(c, f) for c in sweep for f in SWEEP_FIGURES]


def higher_is_better(figure):
    return figure in HIGHER_IS_BETTER or figure.endswith("_rps")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid):
    """/proc/<pid>/stat from the state field on (the command name may hold spaces and ')')."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()


def cpu_seconds(processes):
    """User + system CPU seconds of the processes: every thread, and every descendant (live ones
    directly, reaped ones through cutime/cstime)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = _stat_fields(entry.name)
            except OSError:
                pass  # gone meanwhile
    ticks, pending, seen = 0, [p.proc.pid for p in processes], set()
    while pending:
        pid = pending.pop()
        if pid in seen or pid not in stats:
            continue
        seen.add(pid)
        # utime, stime, cutime, cstime: fields 14-17 in proc(5), 11-14 counting from the state.
        ticks += sum(int(v) for v in stats[pid][11:15])
        pending.extend(child for child, fields in stats.items() if int(fields[1]) == pid)
    return ticks / CLOCK_TICKS


class Process:
    """A child process with its output in a log file; stopped with SIGTERM, then SIGKILL."""

    def __init__(self, name, argv, logdir):
        self.name = name
        self.log_path = Path(logdir) / f"{name}.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, preexec_fn=raise_fd_limit)

    def output(self):
        return self.log_path.read_text(errors="replace")

    def wait_for(self, pattern, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.output())
            if match:
                return match
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise RuntimeError(f"{self.name}: no line matching {pattern!r}; output:\n{self.output()}")

    def rss_kib(self):
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def wait_for_port(port, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}")


class Agent:
    """A Gatehouse dev agent: the CA for every peer, and the registry for Gatehouse's upstream."""

    def __init__(self, gatehouse, workdir, stack):
        self.process = Process("dev-agent", [gatehouse, "dev-agent", "-http-addr", "127.0.0.1:0"],
                               workdir)
        stack.callback(self.process.stop)
        self.addr = self.process.wait_for(r"event=listening component=dev-agent addr=(\S+)")[1]
        # As deployed: an intention allows web to db (Gatehouse's decisions match it, in either
        # authorization mode, rather than falling through to the default).
        self.call("PUT", "/v1/connect/intentions/exact?source=web&destination=db",
                  {"Action": "allow"})

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"http://{self.addr}{path}", data=data, method=method)
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
            return json.loads(text) if text else None

    def write_credentials(self, workdir):
        """PEM files for HAProxy and stunnel: the web (client) and db (server) leaves, the roots."""
        files = {}
        roots = self.call("GET", "/v1/agent/connect/ca/roots")["Roots"]
        files["roots"] = Path(workdir) / "roots.pem"
        files["roots"].write_text("".join(r["RootCert"].rstrip("\n") + "\n" for r in roots))
        for service in ("web", "db"):
            leaf = self.call("GET", f"/v1/agent/connect/ca/leaf/{service}")
            cert = leaf["CertPEM"].rstrip("\n") + "\n"
            key = leaf["PrivateKeyPEM"].rstrip("\n") + "\n"
            for suffix, text in (("crt", cert), ("key", key), ("pem", cert + key)):
                path = Path(workdir) / f"{service}.{suffix}"
                # Private keys: readable by us only from the first byte on.
                with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
                               "w") as f:
                    f.write(text)
                files[f"{service}_{suffix}"] = path
        return files


# --- one chain per peer: start(app_port) -> (entry port, [proxy processes]) ---------------------

def start_direct(ctx, app_port, stack):
    return app_port, []


def start_gatehouse(ctx, app_port, stack, inbound_flags=()):
    agent, gh, logdir = ctx["agent"], ctx["gatehouse"], ctx["logdir"]
    inbound_port, entry_port = free_port(), free_port()
    # The inbound sidecar's registration is what the outbound sidecar discovers db by.
    agent.call("PUT", "/v1/agent/service/register", {
        "ID": "db-sidecar-proxy", "Name": "db-sidecar-proxy", "Kind": "connect-proxy",
        "Address": "127.0.0.1", "Port": inbound_port,
        "Proxy": {"DestinationServiceName": "db", "LocalServicePort": app_port}})
    stack.callback(agent.call, "PUT", "/v1/agent/service/deregister/db-sidecar-proxy")
    common = ["-http-addr", agent.addr]
    inbound = Process("gatehouse-inbound", [gh, "proxy", "-service", "db", "-service-addr",
                                            f"127.0.0.1:{app_port}", "-listen",
                                            f"127.0.0.1:{inbound_port}", *inbound_flags,
                                            *common], logdir)
    stack.callback(inbound.stop)
    outbound = Process("gatehouse-outbound", [gh, "proxy", "-service", "web", "-upstream",
                                              f"db:{entry_port}", *common], logdir)
    stack.callback(outbound.stop)
    inbound.wait_for(r"event=listening listener=public")
    outbound.wait_for(r"event=listening listener=upstream")
    outbound.wait_for(r"event=tls_updated")
    outbound.wait_for(r"event=upstream_instances upstream=db count=[1-9]")
    return entry_port, [inbound, outbound]


HAPROXY_COMMON = """global
  maxconn 9000
defaults
  mode tcp
  timeout connect 10s
  timeout client 1h
  timeout server 1h
"""


def start_haproxy(ctx, app_port, stack):
    files, logdir = ctx["files"], ctx["logdir"]
    inbound_port, entry_port = free_port(), free_port()
    roots = files["roots"]
    configs = {
        "haproxy-inbound": HAPROXY_COMMON + f"""listen inbound
  bind 127.0.0.1:{inbound_port} ssl crt {files['db_pem']} ca-file {roots} verify required
  server app 127.0.0.1:{app_port}
""",
        "haproxy-outbound": HAPROXY_COMMON + f"""listen outbound
  bind 127.0.0.1:{entry_port}
  server inbound 127.0.0.1:{inbound_port} ssl crt {files['web_pem']} ca-file {roots} verify required
""",
    }
    processes = []
    for name, text in configs.items():
        path = Path(logdir) / f"{name}.cfg"
        path.write_text(text)
        process = Process(name, ["haproxy", "-db", "-f", str(path)], logdir)
        stack.callback(process.stop)
        processes.append(process)
    wait_for_port(inbound_port)
    wait_for_port(entry_port)
    return entry_port, processes


def start_stunnel(ctx, app_port, stack):
    files, logdir = ctx["files"], ctx["logdir"]
    inbound_port, entry_port = free_port(), free_port()
    common = "foreground = yes\npid =\ndebug = 3\n"
    configs = {
        "stunnel-inbound": common + f"""[inbound]
accept = 127.0.0.1:{inbound_port}
connect = 127.0.0.1:{app_port}
cert = {files['db_crt']}
key = {files['db_key']}
CAfile = {files['roots']}
verifyChain = yes
requireCert = yes
""",
        "stunnel-outbound": common + f"""[outbound]
client = yes
accept = 127.0.0.1:{entry_port}
connect = 127.0.0.1:{inbound_port}
cert = {files['web_crt']}
key = {files['web_key']}
CAfile = {files['roots']}
verifyChain = yes
""",
    }
    processes = []
    for name, text in configs.items():
        path = Path(logdir) / f"{name}.conf"
        path.write_text(text)
        process = Process(name, ["stunnel4", str(path)], logdir)
        stack.callback(process.stop)
        processes.append(process)
    wait_for_port(inbound_port)
    wait_for_port(entry_port)
    return entry_port, processes


def start_gatehouse_local(ctx, app_port, stack):
    """The same chain, the inbound sidecar deciding from its watched intentions (-authz local)."""
    return start_gatehouse(ctx, app_port, stack, inbound_flags=["-authz", "local"])


STARTERS = {"direct": start_direct, "gatehouse": start_gatehouse,
            "gatehouse-local": start_gatehouse_local, "haproxy": start_haproxy,
            "stunnel": start_stunnel}


# --- the figures -------------------------------------------------------------------------------

def start_app(ctx, kind, stack):
    """iperf3 server, HTTP app or echo app on a free port."""
    port = free_port()
    if kind == "iperf3":
        argv = ["iperf3", "-s", "--forceflush", "-p", str(port)]
    elif kind == "http":
        argv = [ctx["gatehouse"], "echo", "-http", "-name", "db", "-listen", f"127.0.0.1:{port}"]
    else:
        argv = [ctx["gatehouse"], "echo", "-listen", f"127.0.0.1:{port}"]
    process = Process(f"app-{kind}", argv, ctx["logdir"])
    stack.callback(process.stop)
    if kind == "iperf3":
        process.wait_for(r"Server listening")
    else:
        wait_for_port(port)
    return port


def measure_bulk(ctx, peer, seconds):
    with ExitStack() as stack:
        app = start_app(ctx, "iperf3", stack)
        entry, proxies = STARTERS[peer](ctx, app, stack)
        cpu_before = cpu_seconds(proxies)
        out = subprocess.run(["iperf3", "-c", "127.0.0.1", "-p", str(entry), "-t", str(seconds),
                              "-O", "1", "-J"], capture_output=True, text=True, timeout=seconds + 60)
        cpu = cpu_seconds(proxies) - cpu_before
        report = json.loads(out.stdout)
        if "error" in report:
            raise RuntimeError(f"iperf3 through {peer}: {report['error']}")
        figures = {"bulk_gbps": report["end"]["sum_received"]["bits_per_second"] / 8e9}
        if proxies:
            # The CPU time covers the whole run, the omitted first second included, and so do
            # these bytes (the "end" sums leave that second out).
            moved = sum(interval["sum"]["bytes"] for interval in report["intervals"])
            figures["cpu_s_per_gb"] = cpu / (moved / 1e9)
        return figures


class Wrk:
    """One wrk run: its output, requests/s, completed requests, errors, and the CPU seconds the
    proxies spent meanwhile."""

    def __init__(self, entry, seconds, connections, extra, proxies):
        cpu_before = cpu_seconds(proxies)
        # One wrk thread at every concurrency (wrk needs a connection per thread at least). The
        # timeout is raised from 2 s so that slow answers count in the latency, not as errors.
        out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout",
                              "10s", "--latency", *extra, f"http://127.0.0.1:{entry}/"],
                             capture_output=True, text=True, timeout=seconds + 60)
        self.cpu = cpu_seconds(proxies) - cpu_before if proxies else None
        self.text = text = out.stdout
        rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
        requests = re.search(r"^\s*(\d+) requests in ", text, re.M)
        if out.returncode != 0 or not rps or not requests:
            raise RuntimeError(f"wrk failed:\n{text}\n{out.stderr}")
        self.rps, self.requests = float(rps[1]), int(requests[1])
        errors = re.search(r"Socket errors: (.*)", text)
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
        self.errors = errors[1] if errors else ""
        self.non2xx = int(non2xx[1]) if non2xx else 0

    def cpu_us_per_request(self):
        if self.cpu is None or not self.requests:
            return None
        return self.cpu / self.requests * 1e6


def latency_ms(text, percentile):
    match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    value, unit = float(match[1]), match[2]
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def measure_http(ctx, peer, seconds, sweep, sweep_seconds):
    figures = {}
    with ExitStack() as stack:
        app = start_app(ctx, "http", stack)
        entry, proxies = STARTERS[peer](ctx, app, stack)
        # Connection: close makes every request a new connection (a new mTLS handshake, and for
        # Gatehouse a new authorize call).
        run = Wrk(entry, seconds, 16, ["-H", "Connection: close"], proxies)
        figures["new_conns_per_s"] = run.rps
        figures["cpu_us_per_conn"] = run.cpu_us_per_request()
        figures["new_conns_errors"] = run.errors
        non2xx = run.non2xx
        run = Wrk(entry, seconds, 32, [], proxies)
        figures["keepalive_rps"] = run.rps
        figures["keepalive_p50_ms"] = latency_ms(run.text, 50)
        figures["keepalive_p99_ms"] = latency_ms(run.text, 99)
        figures["cpu_us_per_req"] = run.cpu_us_per_request()
        figures["keepalive_errors"] = run.errors
        non2xx += run.non2xx
        # Keep-alive at each concurrency, on the same chain. A point includes opening its
        # connections: at 1024, 1024 new mTLS connections at its start.
        for connections in sweep:
            run = Wrk(entry, sweep_seconds, connections, [], proxies)
            figures[sweep_figure(connections, "rps")] = run.rps
            figures[sweep_figure(connections, "p99_ms")] = latency_ms(run.text, 99)
            figures[sweep_figure(connections, "cpu_us_per_req")] = run.cpu_us_per_request()
            if run.errors:
                figures[sweep_figure(connections, "errors")] = run.errors
            non2xx += run.non2xx
        figures["non_2xx"] = non2xx
    return {k: v for k, v in figures.items() if v is not None}


def measure_idle(ctx, peer, count):
    with ExitStack() as stack:
        app = start_app(ctx, "echo", stack)
        entry, proxies = STARTERS[peer](ctx, app, stack)
        before = sum(p.rss_kib() for p in proxies)
        sockets = []
        stack.callback(lambda: [s.close() for s in sockets])
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", entry), timeout=10)
            sockets.append(s)
            s.sendall(b"x")  # an echoed byte proves the whole chain is established
            if s.recv(1) != b"x":
                raise RuntimeError(f"{peer}: idle connection {len(sockets)} not echoed")
        time.sleep(1.0)
        after = sum(p.rss_kib() for p in proxies)
        return {"idle_kib_per_conn": (after - before) / count if proxies else 0.0,
                "idle_total_rss_kib": after}


# --- report ------------------------------------------------------------------------------------

def machine_info():
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    def version(argv):
        try:
            out = subprocess.run(argv, capture_output=True, text=True, timeout=10)
            return (out.stdout + out.stderr).strip().splitlines()[0]
        except (OSError, IndexError):
            return "unknown"
    return {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release(),
            "openssl": version(["openssl", "version"]), "haproxy": version(["haproxy", "-v"]),
            "stunnel": version(["stunnel4", "-version"])}


def medians(samples, figures):
    result = {}
    for peer, runs in samples.items():
        result[peer] = {}
        for figure in figures:
            values = [r[figure] for r in runs if isinstance(r.get(figure), (int, float))]
            if values:
                result[peer][figure] = statistics.median(values)
    return result


def format_table(table, figures):
    """A row per figure, a column per peer, and the ratios Gatehouse / HAProxy (agent and local
    authorization)."""
    width = max(len(f) for f in figures) + 2
    header = (f"{'figure':<{width}}" + "".join(f"{p:>16}" for p in PEERS) +
              f"{'GH/HAProxy':>12}{'GH-local/HA':>12}")
    lines = [header, "-" * len(header)]
    for figure in figures:
        row = f"{figure:<{width}}"
        for peer in PEERS:
            value = table.get(peer, {}).get(figure)
            row += f"{value:>16.3f}" if value is not None else f"{'-':>16}"
        ha = table.get("haproxy", {}).get(figure)
        for gatehouse in ("gatehouse", "gatehouse-local"):
            gh = table.get(gatehouse, {}).get(figure)
            row += f"{gh / ha:>12.2f}" if gh is not None and ha else f"{'-':>12}"
        row += "  (higher is better)" if higher_is_better(figure) else "  (lower is better)"
        lines.append(row)
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gatehouse", required=True, help="path to the gatehouse binary")
    parser.add_argument("--quick", action="store_true", help="one short round")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 3, quick 1)")
    parser.add_argument("--seconds", type=int, help="seconds per load test (default 10, quick 3)")
    parser.add_argument("--idle", type=int, help="idle connections held (default 5000, quick 1000)")
    parser.add_argument("--sweep", default=",".join(map(str, SWEEP)),
                        help="keep-alive concurrencies to sweep (default 1,32,256,1024)")
    parser.add_argument("--sweep-seconds", type=int,
                        help="seconds per sweep point (default 6, quick 3)")
    parser.add_argument("--no-sweep", action="store_true", help="skip the concurrency sweep")
    parser.add_argument("--peers", default=",".join(PEERS), help="comma-separated subset")
    parser.add_argument("--output", help="JSON result file (default bench/results/<time>.json)")
    args = parser.parse_args()
    rounds = args.rounds or (1 if args.quick else 3)
    seconds = args.seconds or (3 if args.quick else 10)
    idle = args.idle or (1000 if args.quick else 5000)
    sweep = [] if args.no_sweep else [int(c) for c in args.sweep.split(",") if c]
    sweep_seconds = args.sweep_seconds or (3 if args.quick else 6)
    peers = [p for p in args.peers.split(",") if p]
    for peer in peers:
        if peer not in PEERS:
            sys.exit(f"bench: unknown peer {peer!r}; known: {', '.join(PEERS)}")
    raise_fd_limit()
    # A connection held by the idle test or a sweep point costs a descriptor here or in wrk and
    # two in each proxy (children inherit this limit; HAProxy sizes its own from maxconn).
    needed = 2 * max([idle, *sweep]) + 1000
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < needed:
        sys.exit(f"bench: needs {needed} file descriptors per process, the hard limit is "
                 f"{resource.getrlimit(resource.RLIMIT_NOFILE)[1]} (ulimit -Hn)")

    workdir = tempfile.mkdtemp(prefix="gatehouse-bench-")
    info = machine_info()
    print(f"bench: {info['cpu']}, {info['cores']} cores, {info['openssl']}; logs in {workdir}",
          flush=True)
    samples = {peer: [] for peer in peers}
    with ExitStack() as stack:
        # Private keys never outlive the run; the logs stay when it fails (path printed above).
        stack.callback(lambda: [p.unlink() for p in Path(workdir).glob("*.key")] +
                       [p.unlink() for p in Path(workdir).glob("*.pem")])
        agent = Agent(os.path.abspath(args.gatehouse), workdir, stack)
        ctx = {"gatehouse": os.path.abspath(args.gatehouse), "agent": agent, "logdir": workdir,
               "files": agent.write_credentials(workdir)}
        for round_number in range(1, rounds + 1):
            for peer in peers:
                run = {}
                run.update(measure_bulk(ctx, peer, seconds))
                run.update(measure_http(ctx, peer, seconds, sweep, sweep_seconds))
                run.update(measure_idle(ctx, peer, idle))
                samples[peer].append(run)
                print(f"round {round_number} {peer}: " +
                      ", ".join(f"{k}={v:.3f}" if isinstance(v, float) else f"{k}={v}"
                                for k, v in run.items()), flush=True)
    table = medians(samples, FIGURES + sweep_figures(sweep))
    print()
    print(format_table(table, FIGURES))
    if sweep:
        print(f"\nkeep-alive sweep ({sweep_seconds} s per point; sweep_c<connections>_<figure>)")
        print(format_table(table, sweep_figures(sweep)))
    print("\ncpu_*: CPU time of the peer's proxies (outbound + inbound, every thread and process);"
          " GB = 1e9 bytes")
    result = {"time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
              "machine": info, "rounds": rounds, "seconds": seconds, "idle_connections": idle,
              "sweep_connections": sweep, "sweep_seconds": sweep_seconds,
              "clock_ticks_per_s": CLOCK_TICKS, "medians": table, "samples": samples}
    output = Path(args.output) if args.output else (
        Path(__file__).resolve().parent / "results" /
        (datetime.datetime.now().strftime("%Y%m%d-%H%M%S") + ".json"))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nbench: results in {output}")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
