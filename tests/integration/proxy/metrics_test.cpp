// `gatehouse proxy -admin-addr … ` GET /metrics: real dev agent, echo app and proxy; the answer is
// read by the Prometheus project's own Python parser (python3-prometheus-client), so malformed
// output fails the test, and the sample values are checked exactly.
#include <chrono>
#include <cmath>
#include <ctime>
#include <thread>

#include "tests/integration/proxy/proxy_fixture.hpp"
#include "tests/integration/support/raw_http.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

// Parses stdin with prometheus_client's text parser and prints every sample as JSON:
// {"types": {family: type}, "samples": [[name, {labels}, value], ...]}. A malformed exposition
// raises, so the script exits non-zero.
constexpr const char* kParse = R"(
import json, sys
from prometheus_client.parser import text_string_to_metric_families
types, samples = {}, []
for family in text_string_to_metric_families(sys.stdin.read()):
    if family.name in types:
        raise SystemExit("family twice: " + family.name)
    types[family.name] = family.type
    for s in family.samples:
        samples.append([s.name, s.labels, s.value])
print(json.dumps({"types": types, "samples": samples}))
)";

struct Scrape {
  std::string content_type;
  std::string body;
  json parsed;  // as kParse prints it
};

Scrape scrape(const std::string& admin) {
  Scrape s;
  const auto r = run_command({"curl", "-sS", "--fail", "-o", "/dev/stdout", "-w",
                              "\n%{content_type}", "http://" + admin + "/metrics"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto nl = r.out.rfind('\n');
  s.body = r.out.substr(0, nl);
  s.content_type = r.out.substr(nl + 1);
  // Debian's interpreter, where python3-prometheus-client installs (scripts/install-deps), not
  // whichever python3 comes first in PATH.
  const auto parsed = run_command({"/usr/bin/python3", "-c", kParse}, s.body);
  EXPECT_EQ(parsed.exit_code, 0) << parsed.err << "\nin:\n" << s.body;
  s.parsed = parsed.exit_code == 0 ? json::parse(parsed.out) : json::object();
  return s;
}

// The value of the one sample named `name` whose labels include `labels`; NaN when there is none,
// and a failure when there are several.
double value_of(const Scrape& s, const std::string& name, const json& labels = json::object()) {
  double found = std::nan("");
  int matches = 0;
  for (const auto& sample : s.parsed.value("samples", json::array())) {
    if (sample[0] != name) continue;
    bool all = true;
    for (const auto& [k, v] : labels.items()) all = all && sample[1].value(k, "\x01") == v;
    if (!all) continue;
    ++matches;
    found = sample[2].get<double>();
  }
  EXPECT_LE(matches, 1) << name << " " << labels.dump() << " in:\n" << s.body;
  return found;
}

std::string admin_addr_of(ChildProcess& proxy) {
  const auto line = proxy.wait_for_line("event=listening listener=admin", 20s);
  EXPECT_TRUE(line) << proxy.output();
  return field(line.value_or(""), "addr");
}

void allowed_round_trip(SSL_CTX* ctx, std::uint16_t port) {
  TlsClient client{ctx, port};
  ASSERT_TRUE(client.handshake()) << client.error();
  ASSERT_TRUE(client.write("ping\n"));
  EXPECT_EQ(client.read_exactly(5), "ping\n");
  client.send_close_notify();
  EXPECT_EQ(client.read_to_end(), "bye\n");
}

void denied_attempt(SSL_CTX* ctx, std::uint16_t port) {
  TlsClient client{ctx, port};
  ASSERT_TRUE(client.handshake()) << client.error();
  EXPECT_EQ(client.read_to_end(), "");
}

TEST_F(ProxyTest, MetricsCountConnectionsDecisionsBytesAndWatches) {
  put_intention("web", "db", "allow");
  put_intention("api", "db", "deny");
  // An upstream and -register add their own watches to the health metrics.
  start_proxy({"-admin-addr", "127.0.0.1:0", "-upstream", "cache:0", "-register"});
  const auto admin = admin_addr_of(*proxy_);

  const auto web = client_context("web");
  const auto api = client_context("api");
  for (int i = 0; i < 3; ++i) allowed_round_trip(native(web), proxy_port_);
  for (int i = 0; i < 2; ++i) denied_attempt(native(api), proxy_port_);
  // Plain text on the mTLS port: a handshake failure of the protocol class.
  (void)raw_http_exchange("http://127.0.0.1:" + std::to_string(proxy_port_),
                          "GET / HTTP/1.0\r\n\r\n", 5000);
  conn_line(6);
  // Observers hear a connection just after its log line, and the upstream and registration
  // watches answer in their own time: wait (bounded) until the scrape has all six connections
  // and an answer of every watch, then check every value exactly.
  Scrape s = scrape(admin);
  const auto counted = [&] {
    double n = 0;
    for (const auto& sample : s.parsed.value("samples", json::array())) {
      if (sample[0] == "gatehouse_connections_total") n += sample[2].get<double>();
    }
    return n;
  };
  const std::vector<std::string> watches{"roots", "leaf", "upstream:cache", "self_registration"};
  const auto all_answered = [&] {
    for (const auto& watch : watches) {
      if (std::isnan(
              value_of(s, "gatehouse_watch_last_success_timestamp_seconds", {{"watch", watch}}))) {
        return false;
      }
    }
    return true;
  };
  for (int i = 0; i < 100 && (counted() < 6 || !all_answered()); ++i) {
    std::this_thread::sleep_for(50ms);
    s = scrape(admin);
  }

  EXPECT_EQ(s.content_type, "text/plain; version=0.0.4; charset=utf-8");
  const auto types = s.parsed.value("types", json::object());
  EXPECT_EQ(types.value("gatehouse_connections", ""), "counter") << s.body;
  EXPECT_EQ(types.value("gatehouse_authorize_duration_seconds", ""), "histogram");
  EXPECT_EQ(types.value("gatehouse_active_connections", ""), "gauge");

  EXPECT_EQ(value_of(s, "gatehouse_connections_total",
                     {{"direction", "inbound"},
                      {"outcome", "accepted"},
                      {"src_service", "web"},
                      {"dst_service", "db"},
                      {"intention", "default/web => default/db"},
                      {"decision_source", "agent"}}),
            3)
      << s.body;
  EXPECT_EQ(value_of(s, "gatehouse_connections_total",
                     {{"direction", "inbound"},
                      {"outcome", "denied"},
                      {"src_service", "api"},
                      {"dst_service", "db"},
                      {"intention", "default/api => default/db"},
                      {"decision_source", "agent"}}),
            2)
      << s.body;
  EXPECT_EQ(value_of(s, "gatehouse_connections_total",
                     {{"direction", "inbound"},
                      {"outcome", "failed"},
                      {"src_service", ""},
                      {"intention", "none"},
                      {"decision_source", "none"}}),
            1)
      << s.body;
  EXPECT_EQ(counted(), 6) << s.body;
  EXPECT_EQ(value_of(s, "gatehouse_handshake_failures_total", {{"reason", "protocol"}}), 1);
  EXPECT_EQ(value_of(s, "gatehouse_handshake_failures_total", {{"reason", "certificate"}}), 0);

  EXPECT_EQ(
      value_of(s, "gatehouse_authorize_duration_seconds_count", {{"decision_source", "agent"}}), 5);
  EXPECT_EQ(value_of(s, "gatehouse_authorize_duration_seconds_bucket",
                     {{"decision_source", "agent"}, {"le", "+Inf"}}),
            5);
  EXPECT_GT(value_of(s, "gatehouse_authorize_duration_seconds_sum", {{"decision_source", "agent"}}),
            0);
  EXPECT_EQ(value_of(s, "gatehouse_active_connections"), 0);
  // Three round trips of "ping\n" in, "ping\nbye\n" out.
  EXPECT_EQ(value_of(s, "gatehouse_bytes_received_total", {{"direction", "inbound"}}), 15);
  EXPECT_EQ(value_of(s, "gatehouse_bytes_sent_total", {{"direction", "inbound"}}), 27);
  EXPECT_EQ(value_of(s, "gatehouse_log_lines_dropped_total"), 0);

  const double now = static_cast<double>(std::time(nullptr));
  const auto leaf = value_of(s, "gatehouse_leaf_expiry_timestamp_seconds");
  EXPECT_GT(leaf, now) << s.body;
  const auto roots = agent_.get("/v1/agent/connect/ca/roots").json();
  const std::string root_id = roots["ActiveRootID"];
  EXPECT_GT(value_of(s, "gatehouse_root_expiry_timestamp_seconds", {{"root_id", root_id}}), now)
      << s.body;
  for (const auto& watch : watches) {
    EXPECT_EQ(value_of(s, "gatehouse_watch_errors_total", {{"watch", watch}}), 0) << watch;
    const auto last =
        value_of(s, "gatehouse_watch_last_success_timestamp_seconds", {{"watch", watch}});
    EXPECT_GE(last, now - 120) << watch << "\n" << s.body;
    EXPECT_LE(last, now + 1) << watch;
  }
  EXPECT_EQ(proxy_->terminate(), 0);
}

}  // namespace
}  // namespace gatehouse::testing
