// `gatehouse proxy -authz local` and `-authz-fail`: connections decided in-process from the
// watched intentions (following each change), the no-match default learned from the agent, and
// what happens when the agent goes away: last-known decisions marked stale with /ready still up,
// or (fail closed) denials with `authz_unavailable` and /ready 503 `agent unreachable`.
#include <csignal>

#include "tests/integration/proxy/proxy_fixture.hpp"

namespace gatehouse::testing {
namespace {

class LocalAuthz : public ProxyTest {
 protected:
  // Allowed and relayed both ways: `message` comes back from the echo app.
  bool served(const std::string& caller, const std::string& message) {
    TlsClient c{native(contexts_.at(caller)), proxy_port_};
    if (!c.handshake() || !c.write(message)) return false;
    return c.read_exactly(message.size()) == message;
  }
  // Handshake completes, then a clean close with no byte: denied.
  bool denied(const std::string& caller) {
    TlsClient c{native(contexts_.at(caller)), proxy_port_};
    if (!c.handshake()) return false;
    return c.read_to_end().empty() && c.end() == TlsEnd::clean_close;
  }
  // Client contexts are built while the agent is up (an outage test stops it later).
  void load_contexts() {
    for (const auto* name : {"web", "api"}) contexts_.emplace(name, client_context(name));
  }
  std::string admin_addr() { return field(proxy_line("event=listening listener=admin"), "addr"); }
  static std::pair<std::string, std::string> get_ready(const std::string& admin) {
    const auto r = run_command(
        {"curl", "-sS", "-o", "/dev/stdout", "-w", "\n%{http_code}", "http://" + admin + "/ready"});
    const auto nl = r.out.rfind('\n');
    return {r.out.substr(nl + 1), r.out.substr(0, nl)};
  }
  // Kills the agent outright (no goodbye) and waits until the sidecar has noticed.
  void kill_agent(const std::string& noticed) {
    agent_.process().send_signal(SIGKILL);
    ASSERT_TRUE(proxy_->wait_for_line(noticed, 20s)) << proxy_->output();
  }

  std::map<std::string, std::shared_ptr<const tls::TlsContext>> contexts_;
};

TEST_F(LocalAuthz, DecidesFromTheWatchedIntentionsAndFollowsEveryChange) {
  load_contexts();
  put_intention("web", "db", "allow");
  start_proxy({"-authz", "local"});
  ASSERT_TRUE(proxy_->wait_for_line("event=intentions service=db")) << proxy_->output();

  ASSERT_TRUE(served("web", "hello"));
  auto line = conn_line(1);
  EXPECT_EQ(field(line, "outcome"), "accepted");
  EXPECT_EQ(field(line, "decision_source"), "local");
  EXPECT_EQ(field(line, "intention"), "default/web => default/db");
  EXPECT_EQ(field(line, "reason"),
            "Matched L4 intention: default/web => default/db (Precedence: 9, Action: ALLOW)");

  // No intention for api: the first no-match is the agent's answer (its default is learned),
  // the next one is decided locally with the same reason.
  ASSERT_TRUE(served("api", "one"));
  ASSERT_TRUE(served("api", "two"));
  EXPECT_EQ(field(conn_line(2), "decision_source"), "agent");
  EXPECT_EQ(field(conn_line(2), "intention"), "default");
  EXPECT_EQ(field(conn_line(3), "decision_source"), "local");
  EXPECT_EQ(field(conn_line(3), "reason"), "Default behavior configured by ACLs");

  // The intention flips: the watch wakes and the next connection is denied locally.
  put_intention("web", "db", "deny");
  ASSERT_TRUE(proxy_->wait_for_count("event=intentions service=db", 2)) << proxy_->output();
  EXPECT_TRUE(denied("web"));
  line = conn_line(4);
  EXPECT_EQ(field(line, "outcome"), "denied");
  EXPECT_EQ(field(line, "decision_source"), "local");
  EXPECT_EQ(field(line, "reason"),
            "Matched L4 intention: default/web => default/db (Precedence: 9, Action: DENY)");
  EXPECT_EQ(proxy_->terminate(), 0);
}

TEST_F(LocalAuthz, LastKnownRidesOutAnAgentOutageMarkedStaleAndStaysReady) {
  load_contexts();
  put_intention("web", "db", "allow");
  put_intention("api", "db", "deny");
  start_proxy({"-authz", "local", "-authz-fail", "last-known", "-admin-addr", "127.0.0.1:0"});
  const auto admin = admin_addr();
  ASSERT_TRUE(proxy_->wait_for_line("event=intentions service=db")) << proxy_->output();
  kill_agent("event=watch_failed watch=intentions");

  ASSERT_TRUE(served("web", "still here"));
  EXPECT_TRUE(denied("api"));
  EXPECT_EQ(field(conn_line(1), "decision_source"), "stale");
  EXPECT_EQ(field(conn_line(1), "outcome"), "accepted");
  EXPECT_EQ(field(conn_line(2), "decision_source"), "stale");
  EXPECT_EQ(field(conn_line(2), "reason"),
            "Matched L4 intention: default/api => default/db (Precedence: 9, Action: DENY)");
  EXPECT_EQ(get_ready(admin), std::make_pair(std::string{"200"}, std::string{"ready\n"}));
  EXPECT_EQ(proxy_->terminate(), 0);
}

TEST_F(LocalAuthz, FailClosedDeniesDuringAnAgentOutageAndIsNotReady) {
  load_contexts();
  put_intention("web", "db", "allow");
  start_proxy({"-authz", "local", "-admin-addr", "127.0.0.1:0"});
  const auto admin = admin_addr();
  ASSERT_TRUE(proxy_->wait_for_line("event=intentions service=db")) << proxy_->output();
  EXPECT_EQ(get_ready(admin).first, "200");
  kill_agent("event=watch_failed watch=intentions");

  EXPECT_TRUE(denied("web"));
  const auto line = conn_line(1);
  EXPECT_EQ(field(line, "outcome"), "denied");
  EXPECT_EQ(field(line, "reason")
                .rfind("authz_unavailable: the intentions cannot be read from the agent: ", 0),
            0U)
      << line;
  const auto [status, body] = get_ready(admin);
  EXPECT_EQ(status, "503");
  EXPECT_EQ(body.rfind("agent unreachable: ", 0), 0U) << body;
  EXPECT_EQ(proxy_->terminate(), 0);
}

TEST_F(LocalAuthz, AgentModeLastKnownRecallsTheCallersLastAnswerOnly) {
  load_contexts();
  put_intention("web", "db", "allow");
  start_proxy({"-authz-fail", "last-known", "-admin-addr", "127.0.0.1:0"});
  const auto admin = admin_addr();
  ASSERT_TRUE(served("web", "first"));
  EXPECT_EQ(field(conn_line(1), "decision_source"), "agent");
  agent_.process().send_signal(SIGKILL);
  ASSERT_TRUE(proxy_->wait_for_line("event=watch_failed", 20s)) << proxy_->output();

  ASSERT_TRUE(served("web", "again"));
  auto line = conn_line(2);
  EXPECT_EQ(field(line, "decision_source"), "stale");
  EXPECT_EQ(field(line, "reason"),
            "Matched L4 intention: default/web => default/db (Precedence: 9, Action: ALLOW)");
  // api never asked before the outage: nothing to recall, fail closed.
  EXPECT_TRUE(denied("api"));
  line = conn_line(3);
  EXPECT_EQ(field(line, "decision_source"), "agent");
  EXPECT_EQ(field(line, "reason").rfind("authz_unavailable: ", 0), 0U) << line;
  // What it remembers is younger than -authz-stale-max: still ready.
  EXPECT_EQ(get_ready(admin).first, "200");
  EXPECT_EQ(proxy_->terminate(), 0);
}

TEST_F(LocalAuthz, AgentModeFailClosedIsNotReadyOnceAnAuthorizeCallFindsNoAgent) {
  load_contexts();
  start_proxy({"-admin-addr", "127.0.0.1:0"});
  const auto admin = admin_addr();
  EXPECT_EQ(get_ready(admin).first, "200");
  agent_.process().send_signal(SIGKILL);
  ASSERT_TRUE(proxy_->wait_for_line("event=watch_failed", 20s)) << proxy_->output();
  EXPECT_TRUE(denied("web"));
  const auto [status, body] = get_ready(admin);
  EXPECT_EQ(status, "503");
  // The authorize call or the intention watch (-revoke) says so first, whichever fails first.
  EXPECT_EQ(body.rfind("agent unreachable: ", 0), 0U) << body;
  EXPECT_EQ(proxy_->terminate(), 0);
}

}  // namespace
}  // namespace gatehouse::testing
