// The inbound pipeline in-process: a CA we control (expired and agent-identity certificates), a
// scripted authorizer, an in-process app, the real listener and worker pool.
#include "proxy/inbound_connection.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "proxy/tls_material.hpp"
#include "tests/unit/proxy/inbound_fixture.hpp"

namespace gatehouse::proxy {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::system_clock;

class ScriptedAuthorizer final : public Authorizer {
 public:
  explicit ScriptedAuthorizer(Verdict v) : verdict_(std::move(v)) {}
  net::awaitable<Verdict> check(const tls::PeerIdentity& peer, const std::string& target) override {
    ++calls;
    last_uri = peer.id.to_string();
    last_target = target;
    co_return verdict_;
  }
  std::atomic<int> calls{0};
  std::string last_uri;
  std::string last_target;

 private:
  Verdict verdict_;
};

class InboundTest : public testing::InboundFixture {
 protected:
  // Echoes one connection at a time; counts accepts.
  net::awaitable<void> serve_app() override {
    for (;;) {
      auto [ec, s] = co_await app_acceptor_.async_accept(tok);
      if (ec) co_return;
      ++app_accepts_;
      std::array<char, 1024> buf{};
      for (;;) {
        auto [rec, n] = co_await s.async_read_some(net::buffer(buf), tok);
        if (n > 0) co_await net::async_write(s, net::buffer(buf.data(), n), tok);
        if (rec) break;
      }
    }
  }

  // Connects with `material`, handshakes, optionally writes, and reads until the end.
  net::awaitable<std::pair<error_code, std::string>> call(tcp::endpoint ep,
                                                          tls::LeafMaterial material,
                                                          std::string send = {}) {
    auto ctx = tls::TlsContext::build(tls::Role::client, material, trust_);
    EXPECT_TRUE(ctx) << ctx.error();
    net::ssl::stream<tcp::socket> s{co_await net::this_coro::executor, (*ctx)->ssl_context()};
    auto [cec] = co_await s.next_layer().async_connect(ep, tok);
    if (cec) co_return std::pair{cec, std::string{}};
    auto [hec] = co_await s.async_handshake(net::ssl::stream_base::client, tok);
    if (hec) co_return std::pair{hec, std::string{}};
    if (!send.empty()) {
      co_await net::async_write(s, net::buffer(send), tok);
      std::string got(send.size(), '\0');
      auto [rec, n] = co_await net::async_read(s, net::buffer(got), tok);
      got.resize(n);
      co_await s.async_shutdown(tok);
      co_return std::pair{rec, got};
    }
    std::array<char, 64> buf{};
    auto [rec, n] = co_await s.async_read_some(net::buffer(buf), tok);
    co_return std::pair{rec, std::string(buf.data(), n)};
  }
};

TEST_F(InboundTest, AllowedCallerIsRelayedAndAuthorizedWithItsUri) {
  auto authz = std::make_shared<ScriptedAuthorizer>(
      Verdict{true, "Matched L4 intention: x", DecisionSource::agent, ""});
  const auto web = tls::SpiffeId::for_service(ca_->trust_domain(), "dc1", "web");
  std::string got;
  run(authz, [&](tcp::endpoint ep) -> net::awaitable<void> {
    got = (co_await call(ep, leaf(web, Clock::now()), "hello")).second;
  });
  EXPECT_EQ(got, "hello");
  EXPECT_EQ(authz->calls, 1);
  EXPECT_EQ(authz->last_uri, web.to_string());
  EXPECT_EQ(authz->last_target, "db");
  EXPECT_EQ(app_accepts_, 1);
  const auto text = log_.text();
  EXPECT_NE(text.find("event=conn outcome=accepted src=" + web.to_string() +
                      " src_service=web dst_service=db peer=127.0.0.1:"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("reason=\"Matched L4 intention: x\""), std::string::npos) << text;
  EXPECT_NE(text.find("bytes_in=5 bytes_out=5"), std::string::npos) << text;
}

TEST_F(InboundTest, DeniedCallerGetsACleanCloseAndTheAppIsNeverDialed) {
  auto authz = std::make_shared<ScriptedAuthorizer>(
      Verdict{false, "Matched L4 intention: no", DecisionSource::agent, ""});
  std::pair<error_code, std::string> result;
  run(authz, [&](tcp::endpoint ep) -> net::awaitable<void> {
    result = co_await call(
        ep, leaf(tls::SpiffeId::for_service(ca_->trust_domain(), "dc1", "web"), Clock::now()));
  });
  EXPECT_EQ(result.first, net::error::eof) << result.first.message();  // close_notify, no data
  EXPECT_EQ(result.second, "");
  EXPECT_EQ(app_accepts_, 0);
  const auto text = log_.text();
  EXPECT_NE(text.find("event=conn outcome=denied "), std::string::npos) << text;
  EXPECT_NE(text.find("reason=\"Matched L4 intention: no\""), std::string::npos) << text;
}

TEST_F(InboundTest, AgentIdentityIsRefusedWithoutAskingTheAuthorizer) {
  auto authz =
      std::make_shared<ScriptedAuthorizer>(Verdict{true, "allowed", DecisionSource::agent, ""});
  const tls::SpiffeId agent{tls::AgentIdentity{ca_->trust_domain(), "default", "dc1", "node1"}};
  run(authz, [&](tcp::endpoint ep) -> net::awaitable<void> {
    co_await call(ep, leaf(agent, Clock::now()));
  });
  EXPECT_EQ(authz->calls, 0);
  EXPECT_EQ(app_accepts_, 0);
  const auto text = log_.text();
  EXPECT_NE(text.find("event=conn outcome=failed src=" + agent.to_string() +
                      " src_service=\"\" dst_service=db"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("reason=\"identity: peer certificate is not a service identity\""),
            std::string::npos)
      << text;
}

TEST_F(InboundTest, ExpiredCertificateFailsTheHandshake) {
  auto authz =
      std::make_shared<ScriptedAuthorizer>(Verdict{true, "allowed", DecisionSource::agent, ""});
  run(authz, [&](tcp::endpoint ep) -> net::awaitable<void> {
    co_await call(ep, leaf(tls::SpiffeId::for_service(ca_->trust_domain(), "dc1", "web"),
                           Clock::now() - 48h, 1h));
  });
  EXPECT_EQ(authz->calls, 0);
  EXPECT_EQ(app_accepts_, 0);
  const auto text = log_.text();
  EXPECT_NE(text.find("event=conn outcome=failed src=\"\""), std::string::npos) << text;
  EXPECT_NE(text.find("reason=\"handshake: certificate verify failed"), std::string::npos) << text;
}

}  // namespace
}  // namespace gatehouse::proxy
