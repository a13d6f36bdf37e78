// `gatehouse demo` end to end: the four steps with real traffic, the live revocation, the matrix,
// exit 0, and no child left behind (every PID it reports is gone).
#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <sstream>
#include <string>
#include <vector>

#include "tests/integration/support/child_process.hpp"

namespace gatehouse::testing {
namespace {

// The PIDs of "Stopped N processes (pids 1 2 3)."
std::vector<pid_t> stopped_pids(const std::string& out) {
  const auto start = out.find("(pids ");
  if (start == std::string::npos) return {};
  const auto end = out.find(')', start);
  std::istringstream in{out.substr(start + 6, end - start - 6)};
  std::vector<pid_t> pids;
  pid_t pid = 0;
  while (in >> pid) pids.push_back(pid);
  return pids;
}

bool gone(pid_t pid) { return ::kill(pid, 0) == -1 && errno == ESRCH; }

void expect_in(const std::string& out, const std::string& text) {
  EXPECT_NE(out.find(text), std::string::npos) << "missing: " << text << "\nin:\n" << out;
}

TEST(Demo, WalksTheFourStepsAndStopsEveryChild) {
  const auto r = run_command({GATEHOUSE_BINARY, "demo"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto& out = r.out;
  expect_in(out, "Logs of every process: ");
  expect_in(out, "(default intention policy: deny)");

  expect_in(out,
            "Step 1 - create: allow web -> db\n  $ gatehouse intention create -allow web db\n"
            "  Created: web => db (allow)\n"
            "  $ gatehouse probe -source web -destination db -http-get /\n"
            "  web -> db  allow/allow  intention: web => db (allow)  observed: the app "
            "answered HTTP 200 through the mesh  reply: \"hello from db\\n\"  ");
  // The same through web's sidecar's upstream listener.
  expect_in(out,
            "  $ gatehouse probe -source web -destination db -http-get / -via-upstream\n"
            "  web -> db  allow/allow  intention: web => db (allow)  observed: the app "
            "answered HTTP 200 through the mesh  reply: \"hello from db\\n\"  ");
  // db's sidecar's own verdict, from its GET /decisions.
  expect_in(out, "  db's sidecar decided (gatehouse decisions -admin-addr 127.0.0.1:");
  expect_in(out,
            " accepted web \u2192 db intention=\"default/web => default/db\" "
            "decision_source=agent reason=\"Matched L4 intention: default/web => default/db "
            "(Precedence: 9, Action: ALLOW)\"");

  expect_in(out, "Step 2 - list");
  expect_in(out,
            "  ID  Source  Action  Destination  Precedence\n"
            "      web     allow   api          9\n"
            "      web     allow   db           9\n");

  expect_in(out, "Step 3 - update: change web -> db to deny");
  expect_in(out,
            "  web -> db  deny/deny  intention: web => db (deny)  observed: the sidecar "
            "closed the connection (close_notify)");
  expect_in(out,
            "  $ gatehouse probe -source web -destination db -http-get / -via-upstream\n"
            "  web -> db  deny/deny  intention: web => db (deny)  observed: the upstream listener "
            "closed the connection with zero bytes");
  expect_in(out,
            "reason=\"Matched L4 intention: default/web => default/db (Precedence: 9, "
            "Action: DENY)\"");

  expect_in(out,
            "Step 4 - delete: remove web -> db\n  $ gatehouse intention delete web db\n"
            "  Intention deleted.");
  expect_in(out, "  web -> db  deny/deny  intention: none (default policy)");
  expect_in(out,
            " denied web \u2192 db intention=\"default\" decision_source=agent "
            "reason=\"Default intention policy\"");

  expect_in(out,
            "Step 5 - live revocation: allow web -> db, hold a connection open, then deny\n"
            "  $ gatehouse intention create -allow web db\n"
            "  Created: web => db (allow)\n"
            "  opened web -> db through web's upstream listener (127.0.0.1:");
  expect_in(out,
            "GET / answered \"hello from db\"; the connection stays open\n"
            "  $ gatehouse intention update -deny web db\n"
            "  Updated: web => db (deny)\n"
            "  -> the open web -> db connection was closed ");
  expect_in(out, " ms after the intention flipped to deny:\n");
  expect_in(out,
            " revoked web \u2192 db intention=\"default/web => default/db\" "
            "decision_source=agent reason=\"Matched L4 intention: default/web => default/db "
            "(Precedence: 9, Action: DENY)\"");
  // db's sidecar's GET /metrics, one counter per outcome and intention.
  expect_in(out,
            "    gatehouse_connections_total{direction=\"inbound\",outcome=\"revoked\","
            "src_service=\"web\",dst_service=\"db\",intention=\"default/web => default/db\","
            "decision_source=\"agent\"} 1\n");
  expect_in(out,
            "    gatehouse_connections_total{direction=\"inbound\",outcome=\"accepted\","
            "src_service=\"web\",dst_service=\"db\",intention=\"default/web => default/db\","
            "decision_source=\"agent\"} 2\n");

  expect_in(out, "Step 6 - test everything");
  expect_in(out, "  $ gatehouse probe -http-get /\n");
  expect_in(out,
            "Probe (mTLS to each destination's sidecar): 6 pairs, 0 mismatches\n\n"
            "source \\ destination  api          db         web\n"
            "api                   -            deny/deny  deny/deny\n"
            "db                    deny/deny    -          deny/deny\n"
            "web                   allow/allow  deny/deny  -\n");
  expect_in(out, "Result: every observed outcome matched the expectation.");

  const auto pids = stopped_pids(out);
  ASSERT_EQ(pids.size(), 7U) << out;  // agent, 3 apps, 3 sidecars
  for (const auto pid : pids) EXPECT_TRUE(gone(pid)) << "pid " << pid << " still running";
}

TEST(Demo, KeepRunsUntilSigtermThenStopsEveryChild) {
  ChildProcess demo{{GATEHOUSE_BINARY, "demo", "-keep"}};
  const auto ready = demo.wait_for_line("Press Ctrl-C to stop everything.", 60s);
  ASSERT_TRUE(ready) << demo.output();
  const auto export_line = demo.wait_for_line("export CONSUL_HTTP_ADDR=http://127.0.0.1:");
  ASSERT_TRUE(export_line) << demo.output();
  EXPECT_EQ(demo.terminate(20s), 0) << demo.output();
  const auto pids = stopped_pids(demo.output());
  ASSERT_EQ(pids.size(), 7U) << demo.output();
  for (const auto pid : pids) EXPECT_TRUE(gone(pid)) << "pid " << pid << " still running";
}

TEST(Demo, CtrlCStopsEveryChild) {
  ChildProcess demo{{GATEHOUSE_BINARY, "demo", "-keep"}};
  ASSERT_TRUE(demo.wait_for_line("Press Ctrl-C to stop everything.", 60s)) << demo.output();
  demo.send_signal(SIGINT);
  ASSERT_TRUE(demo.wait_for_line("Stopped 7 processes", 30s)) << demo.output();
  EXPECT_EQ(demo.terminate(20s), 0) << demo.output();
  const auto pids = stopped_pids(demo.output());
  ASSERT_EQ(pids.size(), 7U) << demo.output();
  for (const auto pid : pids) EXPECT_TRUE(gone(pid)) << "pid " << pid << " still running";
}

}  // namespace
}  // namespace gatehouse::testing
