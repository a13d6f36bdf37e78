// GET /decisions and `gatehouse decisions` against a real sidecar: the denied connections and
// only them, a follow stream that hears a later decision, and a follow stream that ends (cleanly,
// exit 0) when the sidecar starts draining, without holding the drain.
#include <csignal>
#include <regex>
#include <sstream>

#include "tests/integration/proxy/proxy_fixture.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;

std::string admin_addr_of(ChildProcess& proxy) {
  const auto line = proxy.wait_for_line("event=listening listener=admin", 20s);
  EXPECT_TRUE(line) << proxy.output();
  return field(line.value_or(""), "addr");
}

std::vector<json> ndjson(const std::string& body) {
  std::vector<json> out;
  std::istringstream in{body};
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in{text};
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Waits (bounded) for a child that should end on its own, then its exit code.
int exit_code_of(ChildProcess& child) {
  for (int i = 0; i < 2000 && child.running(); ++i) std::this_thread::sleep_for(10ms);
  EXPECT_FALSE(child.running()) << child.output();
  return child.terminate();
}

class DecisionsTest : public ProxyTest {
 protected:
  // web is allowed, api denied; one allowed and two denied connections (conn 1, 2, 3).
  void connect_allowed_and_denied() {
    put_intention("web", "db", "allow");
    put_intention("api", "db", "deny");
    start_proxy({"-admin-addr", "127.0.0.1:0", "-drain-timeout", "60s"});
    admin_ = admin_addr_of(*proxy_);
    web_ = client_context("web");
    api_ = client_context("api");
    {
      TlsClient allowed{native(web_), proxy_port_};
      ASSERT_TRUE(allowed.handshake()) << allowed.error();
      ASSERT_TRUE(allowed.write("hello"));
      EXPECT_EQ(allowed.read_exactly(5), "hello");
      allowed.send_close_notify();
      EXPECT_EQ(allowed.read_to_end(), "bye\n");
    }
    conn_line(1);
    deny_once();
    conn_line(2);
    deny_once();
    conn_line(3);
  }

  void deny_once() {
    TlsClient denied{native(api_), proxy_port_};
    ASSERT_TRUE(denied.handshake()) << denied.error();
    EXPECT_EQ(denied.read_to_end(), "");
  }

  std::string admin_;
  std::shared_ptr<const tls::TlsContext> web_;
  std::shared_ptr<const tls::TlsContext> api_;
};

TEST_F(DecisionsTest, DeniedFilterReturnsExactlyTheDeniedConnections) {
  connect_allowed_and_denied();
  const auto r = run_command(
      {"curl", "-sS", "-D", "/dev/stderr", "http://" + admin_ + "/decisions?outcome=denied"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("application/x-ndjson"), std::string::npos) << r.err;
  const auto got = ndjson(r.out);
  ASSERT_EQ(got.size(), 2U) << r.out;
  const std::regex rfc3339{R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"};
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto& d = got[i];
    EXPECT_EQ(d.at("conn"), i + 2) << d;
    EXPECT_EQ(d.at("outcome"), "denied") << d;
    EXPECT_EQ(d.at("src_service"), "api") << d;
    EXPECT_EQ(d.at("dst_service"), "db") << d;
    EXPECT_EQ(d.at("decision_source"), "agent") << d;
    EXPECT_EQ(d.at("intention"), "default/api => default/db") << d;
    EXPECT_EQ(d.at("reason"),
              "Matched L4 intention: default/api => default/db (Precedence: 9, Action: DENY)");
    EXPECT_EQ(d.at("bytes_in"), 0) << d;
    EXPECT_TRUE(d.at("src").get<std::string>().ends_with("/svc/api")) << d;
    EXPECT_TRUE(std::regex_match(d.at("time").get<std::string>(), rfc3339)) << d;
  }
  // Unfiltered: all three, oldest first; the accepted one says how its relay ended.
  const auto all = ndjson(run_command({"curl", "-sS", "http://" + admin_ + "/decisions"}).out);
  ASSERT_EQ(all.size(), 3U);
  EXPECT_EQ(all[0].at("outcome"), "accepted");
  EXPECT_EQ(all[0].at("src_service"), "web");
  EXPECT_EQ(all[0].at("bytes_in"), 5);
  EXPECT_EQ(all[0].at("end"), "client_closed");
  // A bad filter is a 400 with its reason.
  const auto bad = run_command(
      {"curl", "-sS", "-w", "%{http_code}", "http://" + admin_ + "/decisions?direction=up"});
  EXPECT_EQ(bad.out, "direction: \"up\" is not inbound or outbound\n400");
  EXPECT_EQ(proxy_->terminate(), 0);
}

TEST_F(DecisionsTest, TheCliPrintsThemAsTextOrJson) {
  connect_allowed_and_denied();
  auto r =
      run_command({GATEHOUSE_BINARY, "decisions", "-admin-addr", admin_, "-outcome", "denied"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 2U) << r.out;
  for (const auto& line : lines) {
    EXPECT_NE(line.find(" denied api \u2192 db intention=\"default/api => default/db\" "
                        "decision_source=agent reason=\"Matched L4 intention: default/api => "
                        "default/db (Precedence: 9, Action: DENY)\""),
              std::string::npos)
        << line;
  }
  // json, the last one only, the address from the environment.
  r = run_command({GATEHOUSE_BINARY, "decisions", "-format", "json", "-limit", "1"}, "",
                  {{"GATEHOUSE_ADMIN_ADDR", admin_}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 1U) << r.out;
  EXPECT_EQ(json::parse(lines[0]).at("conn"), 3);
  // An error answer: exit 1, the address and the reason on stderr.
  r = run_command({GATEHOUSE_BINARY, "decisions", "-admin-addr", admin_, "-outcome", "bogus"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "gatehouse decisions: " + admin_ +
                       " answered 400: outcome: \"bogus\" is not one of accepted, denied, failed, "
                       "revoked, audit_denied\n");
  EXPECT_EQ(proxy_->terminate(), 0);
  // Nobody there any more.
  r = run_command({GATEHOUSE_BINARY, "decisions", "-admin-addr", admin_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "gatehouse decisions: cannot reach the admin address " + admin_ +
                       ": Connection refused\n");
}

TEST_F(DecisionsTest, FollowHearsALaterDecisionAndEndsWhenTheDrainStarts) {
  connect_allowed_and_denied();
  ChildProcess follower{{GATEHOUSE_BINARY, "decisions", "-admin-addr", admin_, "-follow",
                         "-outcome", "denied", "-format", "json"}};
  ASSERT_TRUE(follower.wait_for_count("\"outcome\":\"denied\"", 2, 20s)) << follower.output();
  // Made after the request started: only the stream can have delivered it.
  deny_once();
  const auto later = follower.wait_for_line("\"conn\":4", 20s);
  ASSERT_TRUE(later) << follower.output();
  EXPECT_EQ(json::parse(*later).at("outcome"), "denied");

  // An allowed connection stays open, so the drain lasts; the stream ends anyway.
  TlsClient open{native(web_), proxy_port_};
  ASSERT_TRUE(open.handshake()) << open.error();
  ASSERT_TRUE(open.write("hold"));
  EXPECT_EQ(open.read_exactly(4), "hold");
  proxy_->send_signal(SIGTERM);
  // (open= may still count the denied connection, which reports before it unregisters.)
  proxy_line("event=draining");
  EXPECT_EQ(exit_code_of(follower), 0) << follower.output();
  EXPECT_TRUE(proxy_->running());  // still draining: the stream did not wait for it
  EXPECT_EQ(lines_of(follower.output()).size(), 3U) << follower.output();
  open.send_close_notify();
  EXPECT_EQ(open.read_to_end(), "bye\n");
  EXPECT_EQ(proxy_->terminate(), 0);
}

}  // namespace
}  // namespace gatehouse::testing
