// `gatehouse proxy` when the agent misbehaves on a real network: killed and replaced by one with a
// new CA (the sidecar must serve again soon after it is back), and a CA rotation under continuous
// traffic (no connection may fail and nothing may be logged as an error).
#include <openssl/x509_vfy.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <mutex>
#include <thread>

#include "tests/integration/proxy/proxy_fixture.hpp"
#include "tls/certificate.hpp"
#include "tls/openssl_ptr.hpp"

namespace gatehouse::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

class AgentFaults : public ProxyTest {
 protected:
  // Allowed and relayed both ways: `message` comes back from the echo app.
  bool served(const std::shared_ptr<const tls::TlsContext>& ctx, const std::string& message) {
    TlsClient c{native(ctx), proxy_port_};
    if (!c.handshake() || !c.write(message)) return false;
    return c.read_exactly(message.size()) == message;
  }

  static std::string trust_domain_at(const std::string& base_url) {
    return get_json(base_url + "/v1/agent/connect/ca/roots")["TrustDomain"];
  }

  static std::vector<std::string> root_pems(const std::string& base_url) {
    std::vector<std::string> out;
    const auto roots = get_json(base_url + "/v1/agent/connect/ca/roots");
    for (const auto& r : roots["Roots"]) out.push_back(r["RootCert"]);
    return out;
  }

  // A client context whose handshake accepts any server certificate: the caller checks the
  // server's chain after the handshake against the agent's roots as they are THEN (see
  // server_chain_verifies), so a server that has just moved to a new CA is not refused by a
  // client that fetched the roots a moment too early.
  std::shared_ptr<const tls::TlsContext> lenient_client_context(const std::string& service) {
    auto ctx = client_context(service);
    SSL_CTX_set_verify(native(ctx), SSL_VERIFY_NONE, nullptr);
    return ctx;
  }
};

// Does the server's certificate chain (as presented) verify against these roots?
bool server_chain_verifies(SSL* ssl, const std::vector<std::string>& roots) {
  X509* leaf = SSL_get0_peer_certificate(ssl);
  STACK_OF(X509)* presented = SSL_get_peer_cert_chain(ssl);
  tls::X509StorePtr store{X509_STORE_new()};
  tls::X509StoreCtxPtr ctx{X509_STORE_CTX_new()};
  if (leaf == nullptr || !store || !ctx) return false;
  for (const auto& pem : roots) {
    auto certs = tls::parse_pem_chain(pem);
    if (!certs) return false;
    for (const auto& cert : *certs) X509_STORE_add_cert(store.get(), cert.get());
  }
  if (X509_STORE_CTX_init(ctx.get(), store.get(), leaf, presented) != 1) return false;
  return X509_verify_cert(ctx.get()) == 1;
}

TEST_F(AgentFaults, AgentKilledAndReplacedWithANewCaIsServedAgainWithinFiveSeconds) {
  start_proxy({"-authz-timeout", "2s"});
  const std::string old_td = trust_domain_at(agent_.base_url());
  const auto old_web = client_context("web");
  ASSERT_TRUE(served(old_web, "before"));
  EXPECT_EQ(field(conn_line(1), "outcome"), "accepted");

  const std::string agent_addr = agent_.base_url().substr(std::string{"http://"}.size());
  agent_.process().send_signal(SIGKILL);
  ASSERT_EQ(agent_.process().terminate(5s), 128 + SIGKILL);
  {  // No agent: still our TLS, but every caller is denied, naming why.
    TlsClient c{native(old_web), proxy_port_};
    ASSERT_TRUE(c.handshake()) << c.error();
    EXPECT_EQ(c.read_to_end(), "");
  }
  const auto denied = conn_line(2);
  EXPECT_EQ(field(denied, "outcome"), "denied");
  EXPECT_EQ(field(denied, "reason").rfind("authz_unavailable: the agent could not be asked: ", 0),
            0U)
      << denied;
  // Long enough for retry delays that keep doubling (1, 2, 4, 8 s...) to be past 5 s by now.
  std::this_thread::sleep_for(9s);

  // A fresh dev agent on the same address: a new cluster ID, so a new CA and trust domain.
  ChildProcess again{{GATEHOUSE_BINARY, "dev-agent", "-http-addr", agent_addr}};
  ASSERT_TRUE(again.wait_for_line("event=listening")) << again.output();
  const auto back_at = Clock::now();
  const std::string base = "http://" + agent_addr;
  const std::string new_td = trust_domain_at(base);
  ASSERT_NE(new_td, old_td);
  const auto new_web = client_context_from(base, "web");

  bool ok = false;
  int attempts = 0;
  while (!ok && Clock::now() < back_at + 5s) {
    ++attempts;
    ok = served(new_web, "back");
    if (!ok) std::this_thread::sleep_for(100ms);
  }
  const auto took =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - back_at).count();
  ASSERT_TRUE(ok) << "not served within 5 s of the agent's return:\n" << proxy_->output();
  std::cout << "served again " << took << " ms after the agent was back (" << attempts
            << " attempts)\n";
  RecordProperty("recovery_ms", std::to_string(took));
  const auto line = proxy_line("outcome=accepted src=spiffe://" + new_td + "/");
  EXPECT_EQ(field(line, "src"), "spiffe://" + new_td + "/ns/default/dc/dc1/svc/web");
}

TEST_F(AgentFaults, CaRotationUnderTrafficFailsNoConnectionAndLogsNoError) {
  start_proxy();
  const auto first_serial = field(proxy_line("event=tls_updated"), "serial");

  TlsClient stream{native(client_context("web")), proxy_port_};
  ASSERT_TRUE(stream.handshake()) << stream.error();
  ASSERT_TRUE(stream.write("before"));
  ASSERT_EQ(stream.read_exactly(6), "before");

  // New connections one after another, each relayed both ways and closed cleanly, presenting
  // the web leaf the main thread puts in `current`.
  std::mutex mutex;
  std::shared_ptr<const tls::TlsContext> current = lenient_client_context("web");
  std::vector<std::string> failures;
  std::atomic<int> made{0};
  std::atomic<bool> stop{false};
  constexpr int kMaxConnections = 3000;
  std::thread traffic{[&] {
    auto roots = root_pems(agent_.base_url());
    for (int i = 0; i < kMaxConnections && !stop; ++i) {
      std::shared_ptr<const tls::TlsContext> ctx;
      {
        const std::lock_guard lock{mutex};
        ctx = current;
      }
      const std::string message = "ping " + std::to_string(i) + "\n";
      std::string error;
      TlsClient c{native(ctx), proxy_port_};
      if (!c.handshake()) {
        error = c.error();
      } else {
        // A server certificate newer than our copy of the roots: the agent has its root by now.
        if (!server_chain_verifies(c.native_handle(), roots)) roots = root_pems(agent_.base_url());
        if (!server_chain_verifies(c.native_handle(), roots)) {
          error = "server certificate does not verify against the agent's roots";
        } else if (!c.write(message) || c.read_exactly(message.size()) != message) {
          error = "not relayed: " + c.error();
        } else {
          c.send_close_notify();
          if (c.read_to_end() != "bye\n") error = "no clean end: " + c.error();
        }
      }
      ++made;
      if (!error.empty()) {
        const std::lock_guard lock{mutex};
        failures.push_back("connection " + std::to_string(i) + ": " + error);
      }
    }
  }};
  // Stops and joins the traffic thread, also when an assertion below returns early.
  struct Join {
    std::atomic<bool>& stop;
    std::thread& thread;
    void now() {
      stop = true;
      if (thread.joinable()) thread.join();
    }
    ~Join() { now(); }
  } join{stop, traffic};
  const auto wait_for_made = [&](int n) {
    const auto deadline = Clock::now() + 30s;
    while (made < n && Clock::now() < deadline) std::this_thread::sleep_for(20ms);
    return made >= n;
  };
  ASSERT_TRUE(wait_for_made(20));

  const int made_before = made;
  ASSERT_NO_FATAL_FAILURE(rotate_ca());
  const std::string new_serial = agent_.get("/v1/agent/connect/ca/leaf/db").json()["SerialNumber"];
  ASSERT_NE(new_serial, first_serial);
  proxy_line("event=tls_updated serial=" + new_serial + " roots=2");
  const int made_at_swap = made;
  ASSERT_TRUE(wait_for_made(made_at_swap + 20));
  // Callers move to their new leaves too (Consul spreads that over up to 30 s).
  {
    auto renewed = lenient_client_context("web");
    const std::lock_guard lock{mutex};
    current = std::move(renewed);
  }
  const int made_at_new_leaf = made;
  ASSERT_TRUE(wait_for_made(made_at_new_leaf + 20));
  join.now();

  ASSERT_TRUE(stream.write("after"));  // the stream opened before the rotation still works
  EXPECT_EQ(stream.read_exactly(5), "after");
  stream.send_close_notify();
  EXPECT_EQ(stream.read_to_end(), "bye\n");

  const int total = made;
  std::string listed;
  for (const auto& f : failures) listed += f + "\n";
  std::cout << "rotation under traffic: " << total << " connections (" << made_before
            << " before the rotation, " << made_at_swap - made_before << " until the new context, "
            << made_at_new_leaf - made_at_swap << " more with the old leaf, "
            << total - made_at_new_leaf << " with the new leaf), " << failures.size()
            << " failed\n";
  RecordProperty("connections", std::to_string(total));
  RecordProperty("failed", std::to_string(failures.size()));
  EXPECT_TRUE(failures.empty()) << listed;
  const std::string log = proxy_->output();
  EXPECT_EQ(log.find("outcome=failed"), std::string::npos) << log;
  EXPECT_EQ(log.find("outcome=denied"), std::string::npos) << log;
  EXPECT_EQ(log.find("level=error"), std::string::npos) << log;
}

}  // namespace
}  // namespace gatehouse::testing
