#!/usr/bin/env python3
"""Drives `gatehouse dev-agent` with Debian's python3-consul (python-consul 0.7.1).

Exits 77 (ctest SKIP_RETURN_CODE) when the package is not installed. The agent runs on a port
chosen at run time and is stopped even when a check fails.

python-consul 0.7.1 predates Consul 1.0's method enforcement: agent.check.ttl_pass sends GET, which
Consul answers `405 method GET not allowed` (agent/http.go), so the client returns False and the
check keeps its status. The test asserts that, as a real Consul answers it.
"""
import argparse
import subprocess
import sys
import threading
import urllib.request

try:
    import consul
except ImportError:
    print("python3-consul is not installed: skipping")
    sys.exit(77)

passed = 0
failed = 0


def check(name, condition, detail=""):
    global passed, failed
    if condition:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def start_agent(binary):
    proc = subprocess.Popen([binary, "dev-agent", "-http-addr", "127.0.0.1:0"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline()
    addr = dict(kv.split("=", 1) for kv in line.split() if "=" in kv)["addr"]
    host, port = addr.rsplit(":", 1)
    return proc, host, int(port)


def put(host, port, path):
    req = urllib.request.Request(f"http://{host}:{port}{path}", method="PUT", data=b"")
    with urllib.request.urlopen(req) as res:
        return res.status


def run(c, host, port):
    ok = c.agent.service.register("web", service_id="web", port=8080, tags=["v1"],
                                  check=consul.Check.ttl("30s"))
    check("agent.service.register", ok is True, ok)

    index, services = c.catalog.services()
    check("catalog.services", services == {"consul": [], "web": ["v1"]}, services)
    check("catalog.services index", int(index) > 0, index)

    index, nodes = c.health.service("web")
    check("health.service count", len(nodes) == 1, nodes)
    check("health.service port", nodes[0]["Service"]["Port"] == 8080, nodes)
    check("health.service node address", nodes[0]["Node"]["Address"] == "127.0.0.1", nodes)
    check("health.service checks",
          [x["CheckID"] for x in nodes[0]["Checks"]] == ["serfHealth", "service:web"], nodes)
    _, passing = c.health.service("web", passing=True)
    check("health.service passing while critical", passing == [], passing)

    # GET on a PUT-only endpoint: 405, so the 0.7.1 client reports False and nothing changes.
    check("agent.check.ttl_pass is refused", c.agent.check.ttl_pass("service:web") is False)
    status = c.agent.checks()["service:web"]["Status"]
    check("ttl check still critical", status == "critical", status)

    # A blocking watch with the index: woken by the check passing (sent with PUT).
    result = {}

    def watch():
        result["reply"] = c.health.service("web", index=index, wait="30s", passing=True)

    watcher = threading.Thread(target=watch)
    watcher.start()
    check("pass with PUT", put(host, port, "/v1/agent/check/pass/service:web") == 200)
    watcher.join(60)
    new_index, woken = result.get("reply", (index, []))
    check("watch woke with a new index", int(new_index) > int(index), (index, new_index))
    check("watch sees the passing instance", len(woken) == 1, woken)

    # An unrelated registration does not move web's index (per-service index).
    c.agent.service.register("other", port=9090)
    again, _ = c.health.service("web")
    check("unrelated registration keeps web's index", again == new_index, (new_index, again))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gatehouse", required=True)
    args = parser.parse_args()
    proc, host, port = start_agent(args.gatehouse)
    try:
        run(consul.Consul(host=host, port=port), host, port)
    except Exception as e:  # a client exception is a failure, not a crash of the test runner
        check("no exception", False, repr(e))
    finally:
        proc.terminate()
        proc.wait(10)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
